using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using IsingNative.Diagnostics;

namespace IsingNative.Tests;

/// <summary>
/// The hot path allocates nothing in steady state (WORKLOADS.md: 0 B per empathy). A
/// functional property measured on the current thread, not a speed.
/// </summary>
/// <remarks>
/// The measured loop lives in its own non-inlined method and runs a few rounds: the first
/// rounds absorb one-off costs (JIT tiering, on-stack replacement of the test method's own
/// loop, pools and caches filling); the last round is the steady state and must be 0 B.
/// </remarks>
public class AllocationTests
{
    private const int Rounds = 4;

    [Test]
    public void EmpathyAllocatesNothingInSteadyState()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var self = IsingSystem.SeedPattern(20, 1);
        var other = IsingSystem.SeedPattern(20, 2);
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 50 } };
        double sink = 0;
        long allocated = -1;
        for (int round = 0; round < Rounds; round++) allocated = AllocatedBy100Empathies(engine, self, other, options, ref sink);

        Assert.That(sink, Is.GreaterThan(0));
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 100 Empathy calls");
    }

    [Test]
    public void AnnealAndQuickAllocateNothingInSteadyState()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var self = IsingSystem.SeedPattern(20, 1);
        var other = IsingSystem.SpinGlass(20, 2);
        var spins = new sbyte[20];
        double sink = 0;
        long allocated = -1;
        for (int round = 0; round < Rounds; round++) allocated = AllocatedBy100AnnealsAndQuicks(engine, self, other, spins, ref sink);

        Assert.That(sink, Is.Not.NaN);
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 100 Anneal + Quick calls");
    }

    [TestCase(BackendKind.Managed)]
    [TestCase(BackendKind.NativeCpu)]
    [TestCase(BackendKind.Gpu)]
    public void EmpathyOnAnAgentSetAllocatesNothingInSteadyState(BackendKind backend)
    {
        if (backend != BackendKind.Managed) Support.NativeBackends.RequireAvailable(backend);
        using var engine = IsingEngine.Create(backend);
        var agents = new[] { IsingSystem.SeedPattern(20, 1), IsingSystem.SeedPattern(20, 2), IsingSystem.SpinGlass(20, 3) };
        using AgentSet set = engine.CreateAgentSet(agents);
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 50 } };
        double sink = 0;
        long allocated = -1;
        for (int round = 0; round < Rounds; round++)
        {
            agents[2].SetSpins(agents[1].Spins);   // a spin push per round: the push path is steady-state too
            allocated = AllocatedBy100SetCalls(set, options, ref sink);
        }
        Assert.That(sink, Is.Not.NaN.And.Not.EqualTo(0.0));
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 100 AgentSet.Empathy + Observe + Quick calls");
    }

    [Test]
    public void EmpathyBatchAllocatesNothingInSteadyStateWithNoTelemetryListener()
    {
        Assert.That((IsingTelemetry.Source.HasListeners(), IsingTelemetry.Duration.Enabled, IsingTelemetry.Empathies.Enabled),
            Is.EqualTo((false, false, false)), "nothing listens to the IsingNative meter or activity source");
        using var engine = IsingEngine.Create(BackendKind.Managed, 1);
        var pairs = Enumerable.Range(0, 7)
            .Select(k => new EmpathyPair(IsingSystem.SeedPattern(20, (ulong)k), IsingSystem.SpinGlass(20, (ulong)(k + 10)), (ulong)k))
            .ToArray();
        var results = new EmpathyResult[7];
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 50 } };
        long allocated = -1;
        for (int round = 0; round < Rounds; round++) allocated = AllocatedBy20Batches(engine, pairs, results, options);

        Assert.That(results.Sum(r => r.Trials), Is.GreaterThan(0));
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 20 EmpathyBatch calls of 7 pairs");
    }

    [Test]
    public void EmpathyAllocatesNothingInSteadyStateWhileMetricsAreCollected()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed, 1);
        var self = IsingSystem.SeedPattern(20, 1);
        var other = IsingSystem.SeedPattern(20, 2);
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 50 } };
        double sink = 0;
        long measured = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IsingEngine.TelemetryName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => measured++);
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => measured++);
        listener.Start();
        long allocated = -1;
        for (int round = 0; round < Rounds; round++) allocated = AllocatedBy100Empathies(engine, self, other, options, ref sink);

        // 3 measurements per call (empathies, trials, duration), every round.
        Assert.That(measured, Is.EqualTo(3 * 100 * Rounds));
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 100 Empathy calls with a meter listener attached");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocatedBy20Batches(IsingEngine engine, EmpathyPair[] pairs, EmpathyResult[] results, EmpathyOptions options)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 20; k++) engine.EmpathyBatch(pairs, results, options);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocatedBy100SetCalls(AgentSet set, EmpathyOptions options, ref double sink)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++)
            sink += set.Empathy(k % 3, (k + 1) % 3, (ulong)k, options).Score + set.Observe(k % 3).Energy + set.Quick(0, 2).Score;
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocatedBy100Empathies(IsingEngine engine, IsingSystem self, IsingSystem other,
        EmpathyOptions options, ref double sink)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++) sink += engine.Empathy(self, other, (ulong)k, options).Score;
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocatedBy100AnnealsAndQuicks(IsingEngine engine, IsingSystem self, IsingSystem other,
        sbyte[] spins, ref double sink)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++) sink += engine.Anneal(other, (ulong)k, spins).Energy + engine.Quick(self, other).Score;
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
