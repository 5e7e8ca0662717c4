using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using IsingNative.Backends;

namespace IsingNative.Diagnostics;

/// <summary>
/// The library's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named
/// <see cref="IsingEngine.TelemetryName"/> (docs/MANAGED-API.md, "Observability"). Every public
/// operation that runs a backend opens one <see cref="OperationScope"/> where it enters the
/// engine or agent set, so a call is measured once whatever backend (or fallback) computes it.
/// </summary>
/// <remarks>
/// Static on purpose: a host subscribes by name (<c>AddMeter("IsingNative")</c>,
/// <c>AddSource("IsingNative")</c>) without knowing the engines, and the instruments cost one
/// <see cref="Instrument.Enabled"/> read each while nobody listens.
/// </remarks>
internal static class IsingTelemetry
{
    private static readonly string? Version =
        typeof(IsingTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(IsingTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly Meter Meter = new(IsingEngine.TelemetryName, Version);

    public static readonly ActivitySource Source = new(IsingEngine.TelemetryName, Version);

    public static readonly Counter<long> Empathies = Meter.CreateCounter<long>(
        "isingnative.empathies", "{empathy}", "Empathies computed (full anneals; pre-filtered skips and quick estimates excluded).");

    public static readonly Counter<long> Trials = Meter.CreateCounter<long>(
        "isingnative.anneal.trials", "{trial}", "Metropolis trials run, summed over the results a call returns.");

    public static readonly Histogram<long> BatchSize = Meter.CreateHistogram<long>(
        "isingnative.batch.size", "{item}", "Items (pairs, entries, members, others) handed to the backend by one batch call.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384, 65536] });

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "isingnative.operation.duration", "s", "Wall time of a completed engine or agent-set call.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1e-6, 1e-5, 1e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60] });

    public static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>(
        "isingnative.backend.fallbacks", "{fallback}", "Auto engines that left the GPU for a CPU backend after a device fault.");

    /// <summary>Opens the measurement of one call; a no-op value when nothing listens.</summary>
    /// <param name="activityName">"IsingNative.EmpathyBatch", "IsingNative.AgentSet.EmpathyMatrix", ...</param>
    /// <param name="operation">The <c>operation</c> tag: empathy, batch, matrix, ...</param>
    /// <param name="count">Items of the call (pairs, entries, others, members).</param>
    /// <param name="n">Spins per system (of the first system where sizes differ).</param>
    public static OperationScope Start(string activityName, string operation, long count, int n)
    {
        Activity? activity = Source.HasListeners() ? Source.StartActivity(activityName) : null;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("operation", operation);
            activity.SetTag("count", count);
            activity.SetTag("n", n);
        }
        long started = Duration.Enabled ? Stopwatch.GetTimestamp() : 0;
        return new OperationScope(activity, started, operation);
    }

    /// <summary>Counts one switch of an Auto engine from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static void RecordFallback(string from, string to)
    {
        if (Fallbacks.Enabled)
            Fallbacks.Add(1, new KeyValuePair<string, object?>("backend", from), new KeyValuePair<string, object?>("to", to));
    }
}

/// <summary>
/// One call being measured: <see cref="Complete(IComputeBackend, long, long, long)"/> records it
/// once the call succeeded (with the backend that computed it, after any fallback);
/// <see cref="Dispose"/> ends the activity, marked as an error when the call threw.
/// </summary>
/// <remarks>A readonly value so that <c>using var</c> costs no allocation and no defensive copy.</remarks>
internal readonly struct OperationScope : IDisposable
{
    private readonly Activity? _activity;
    private readonly long _started;
    private readonly string _operation;

    internal OperationScope(Activity? activity, long started, string operation)
    {
        _activity = activity;
        _started = started;
        _operation = operation;
    }

    /// <summary>Records a completed call that computed <paramref name="empathies"/> empathies and ran <paramref name="trials"/> trials.</summary>
    /// <param name="backend">The backend now serving the engine (the fallback's when the call fell back).</param>
    /// <param name="empathies">Empathies computed (0 for other operations).</param>
    /// <param name="trials">Trials run.</param>
    /// <param name="batch">Items of a batch call, or 0 for a single call (no batch-size record).</param>
    public void Complete(IComputeBackend backend, long empathies, long trials, long batch)
    {
        string name = backend.Name;
        var backendTag = new KeyValuePair<string, object?>("backend", name);
        var operationTag = new KeyValuePair<string, object?>("operation", _operation);
        if (empathies > 0 && IsingTelemetry.Empathies.Enabled) IsingTelemetry.Empathies.Add(empathies, backendTag, operationTag);
        if (trials > 0 && IsingTelemetry.Trials.Enabled) IsingTelemetry.Trials.Add(trials, backendTag, operationTag);
        if (batch > 0 && IsingTelemetry.BatchSize.Enabled) IsingTelemetry.BatchSize.Record(batch, backendTag, operationTag);
        if (_started != 0 && IsingTelemetry.Duration.Enabled)
            IsingTelemetry.Duration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, backendTag, operationTag);
        if (_activity is not null)
        {
            _activity.SetTag("backend", name);
            _activity.SetStatus(ActivityStatusCode.Ok);
        }
    }

    /// <summary>Records a completed call whose results carry its empathies (Steps &gt; 0) and trials.</summary>
    public void Complete(IComputeBackend backend, ReadOnlySpan<EmpathyResult> results, long batch)
    {
        long empathies = 0, trials = 0;
        if (IsingTelemetry.Empathies.Enabled || IsingTelemetry.Trials.Enabled)
        {
            foreach (ref readonly EmpathyResult r in results)
            {
                if (r.Steps == 0) continue;   // skipped by a pre-filter: no anneal ran
                empathies++;
                trials += r.Trials;
            }
        }
        Complete(backend, empathies, trials, batch);
    }

    /// <summary>Records a completed anneal call from its statistics.</summary>
    public void Complete(IComputeBackend backend, ReadOnlySpan<AnnealStats> stats, long batch)
    {
        long trials = 0;
        if (IsingTelemetry.Trials.Enabled)
            foreach (ref readonly AnnealStats s in stats) trials += s.Trials;
        Complete(backend, 0, trials, batch);
    }

    /// <summary>Ends the activity; a call that did not complete is marked as an error.</summary>
    public void Dispose()
    {
        if (_activity is null) return;
        if (_activity.Status == ActivityStatusCode.Unset) _activity.SetStatus(ActivityStatusCode.Error);
        _activity.Dispose();
    }
}
