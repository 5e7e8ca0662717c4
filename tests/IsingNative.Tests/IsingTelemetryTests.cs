using System.Diagnostics;
using IsingNative.Backends;
using IsingNative.Diagnostics;
using IsingNative.Interop;
using IsingNative.Tests.Support;
using Microsoft.Extensions.Logging;

namespace IsingNative.Tests;

/// <summary>
/// The "IsingNative" meter and activity source (docs/MANAGED-API.md, "Observability"): each
/// call is measured once, where it enters the engine or agent set, with the numbers its
/// results carry and the backend that computed it.
/// </summary>
public class IsingTelemetryTests
{
    private static readonly EmpathyOptions Short = new() { Anneal = new AnnealOptions { Steps = 30 } };

    private static readonly string Empathies = IsingTelemetry.Empathies.Name, Trials = IsingTelemetry.Trials.Name,
        BatchSize = IsingTelemetry.BatchSize.Name, Duration = IsingTelemetry.Duration.Name, Fallbacks = IsingTelemetry.Fallbacks.Name;

    private static EmpathyPair[] Pairs(int count, int n) =>
        Enumerable.Range(0, count)
            .Select(k => new EmpathyPair(IsingSystem.SeedPattern(n, (ulong)(10 + k)), IsingSystem.SpinGlass(n, (ulong)(50 + k)), (ulong)(100 + k)))
            .ToArray();

    [Test]
    public void AnEmpathyBatchOfSevenPairsCountsSevenEmpathiesTheirTrialsAndOneBatchOfSeven()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed, 1);
        var pairs = Pairs(7, 12);
        var results = new EmpathyResult[7];
        using var telemetry = new TelemetryCollector();

        engine.EmpathyBatch(pairs, results, Short);

        long trials = results.Sum(r => r.Trials);
        Assert.That(trials, Is.GreaterThan(0));
        Assert.Multiple(() =>
        {
            Assert.That(telemetry.Sum(Empathies, ("backend", "managed"), ("operation", "batch")), Is.EqualTo(7));
            Assert.That(telemetry.Sum(Empathies), Is.EqualTo(7), "nothing else counted empathies");
            Assert.That(telemetry.Sum(Trials, ("backend", "managed"), ("operation", "batch")), Is.EqualTo(trials));
            Assert.That(telemetry.Of(BatchSize).Select(m => m.Value), Is.EqualTo(new[] { 7.0 }));
            Assert.That(telemetry.Of(Duration), Has.Count.EqualTo(1));
            Assert.That(telemetry.Of(Duration)[0].Value, Is.GreaterThan(0));
            Assert.That(telemetry.Of(Duration)[0].Tags["operation"], Is.EqualTo("batch"));
            Assert.That(telemetry.Of(Duration)[0].Tags["backend"], Is.EqualTo(engine.BackendName));
        });
    }

    [Test]
    public void EachCallIsOneActivityWithItsBackendCountAndN()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed, 1);
        var pairs = Pairs(7, 12);
        var results = new EmpathyResult[7];
        using var telemetry = new TelemetryCollector();

        engine.EmpathyBatch(pairs, results, Short);
        engine.Empathy(pairs[0].Self, pairs[0].Other, 3, Short);

        var activities = telemetry.Activities;
        Assert.That(activities.Select(a => a.OperationName), Is.EqualTo(new[] { "IsingNative.EmpathyBatch", "IsingNative.Empathy" }));
        Assert.Multiple(() =>
        {
            Assert.That(Tags(activities[0]), Is.EquivalentTo(new Dictionary<string, object?>
                { ["operation"] = "batch", ["count"] = 7L, ["n"] = 12L, ["backend"] = "managed" }));
            Assert.That(Tags(activities[1]), Is.EquivalentTo(new Dictionary<string, object?>
                { ["operation"] = "empathy", ["count"] = 1L, ["n"] = 12L, ["backend"] = "managed" }));
            Assert.That(activities.Select(a => a.Status), Is.All.EqualTo(ActivityStatusCode.Ok));
            Assert.That(activities.Select(a => a.Source.Name), Is.All.EqualTo(IsingEngine.TelemetryName));
            Assert.That(Activity.Current, Is.Null, "every activity was stopped");
        });
    }

    /// <summary>Tag values as the activity holds them, integers widened (SetTag boxes an int).</summary>
    private static Dictionary<string, object?> Tags(Activity activity) =>
        activity.TagObjects.ToDictionary(t => t.Key, t => t.Value is int i ? (object?)(long)i : t.Value);

    [Test]
    public void ACancelledBatchEndsItsActivityAsAnErrorAndCountsNothing()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed, 1);
        var pairs = Pairs(3, 10);
        var results = new EmpathyResult[3];
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using var telemetry = new TelemetryCollector();

        Assert.Throws<OperationCanceledException>(() => engine.EmpathyBatch(pairs, results, Short, cancelled.Token));

        Assert.Multiple(() =>
        {
            Assert.That(telemetry.Activities.Select(a => (a.OperationName, a.Status)),
                Is.EqualTo(new[] { ("IsingNative.EmpathyBatch", ActivityStatusCode.Error) }));
            Assert.That(Activity.Current, Is.Null, "the failed call's activity was stopped");
            Assert.That(telemetry.Of(Empathies), Is.Empty);
            Assert.That(telemetry.Of(Duration), Is.Empty, "durations are of completed calls");
        });
    }

    [Test]
    public void AgentSetCallsCountTheEmpathiesTheirResultsCarry()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed, 1);
        var agents = Enumerable.Range(0, 5).Select(i => IsingSystem.SeedPattern(10, (ulong)(20 + i))).ToArray();
        using AgentSet set = engine.CreateAgentSet(agents);
        var full = new EmpathyResult[25];
        var filtered = new EmpathyResult[25];
        var filteredScores = new double[25];
        var filter = new PreFilter(2);

        using (var telemetry = new TelemetryCollector())
        {
            set.EmpathyMatrix(7, full, Short);
            Assert.That(telemetry.Sum(Empathies, ("operation", "matrix")), Is.EqualTo(25));
            Assert.That(telemetry.Sum(Trials, ("operation", "matrix")), Is.EqualTo(full.Sum(r => r.Trials)));
            Assert.That(telemetry.Of(BatchSize).Select(m => m.Value), Is.EqualTo(new[] { 25.0 }));
        }
        using (var telemetry = new TelemetryCollector())
        {
            set.EmpathyMatrix(7, filtered, Short, filter);
            set.EmpathyMatrix(7, filteredScores, Short, filter);
            int ran = filtered.Count(r => r.Steps > 0);
            Assert.That(ran, Is.GreaterThan(0).And.LessThan(25));
            Assert.That(telemetry.Of(Empathies).Select(m => m.Value), Is.EqualTo(new double[] { ran, ran }),
                "the scores-only call counts the empathies the results call ran");
            Assert.That(telemetry.Sum(Trials), Is.EqualTo(filtered.Sum(r => r.Trials)), "a scores-only call has no trials to count");
            Assert.That(telemetry.Activities.Select(a => a.OperationName), Is.All.EqualTo("IsingNative.AgentSet.EmpathyMatrix"));
        }
    }

    [Test]
    public void AnAnnealCountsItsTrialsAndNoEmpathy()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed, 1);
        var system = IsingSystem.SpinGlass(16, 4);
        var spins = new sbyte[16];
        using var telemetry = new TelemetryCollector();

        AnnealStats stats = engine.Anneal(system, 9, spins, Short.Anneal);
        SampleResult sample = engine.Sample(system, 1.0, 3, 2, 1, 9);

        Assert.Multiple(() =>
        {
            Assert.That(telemetry.Sum(Trials, ("operation", "anneal")), Is.EqualTo(stats.Trials));
            Assert.That(telemetry.Sum(Trials, ("operation", "sample")), Is.EqualTo(sample.Trials));
            Assert.That(telemetry.Of(Empathies), Is.Empty);
            Assert.That(telemetry.Of(BatchSize), Is.Empty, "single calls are not batches");
        });
    }

    [Test]
    public void ADeviceFaultCountsOneFallbackTagsLaterCallsWithTheCpuAndLogsAWarning()
    {
        var gpu = new AutoFallbackTests.FaultingGpu(new NativeBackendException((int)IsnStatus.DeviceError,
            "hipErrorLaunchFailure (native status 4 DeviceError)"));
        var logger = new CollectingLogger();
        using var engine = IsingEngine.CreateWith(new FallbackBackend(gpu, () => new ManagedBackend(1), logger), 1);
        var self = IsingSystem.SeedPattern(12, 1);
        var other = IsingSystem.SpinGlass(12, 2);
        using var telemetry = new TelemetryCollector();

        engine.Empathy(self, other, 5, Short);
        gpu.Armed = true;
        engine.Empathy(self, other, 6, Short);   // faults on the "GPU", completes on the CPU
        engine.Empathy(self, other, 7, Short);

        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(telemetry.Of(Fallbacks), Has.Count.EqualTo(1));
            Assert.That(telemetry.Of(Fallbacks)[0].Value, Is.EqualTo(1));
            Assert.That(telemetry.Of(Fallbacks)[0].Tags, Is.EquivalentTo(new Dictionary<string, object?> { ["backend"] = "gpu", ["to"] = "managed" }));
            Assert.That(telemetry.Sum(Empathies, ("backend", "gpu")), Is.EqualTo(1), "the call before the fault");
            Assert.That(telemetry.Sum(Empathies, ("backend", "managed")), Is.EqualTo(2), "the replayed call and the one after");
            Assert.That(warnings.Select(w => w.Id.Name), Is.EqualTo(new[] { "Fallback" }));
            Assert.That(warnings[0].Message, Does.Contain(engine.FallbackReason!));
        });
    }
}
