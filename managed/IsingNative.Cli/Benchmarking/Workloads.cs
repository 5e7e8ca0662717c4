namespace IsingNative.Cli.Benchmarking;

/// <summary>What the original research code published for a metric (WORKLOADS.md), in the metric's unit.</summary>
/// <param name="Value">The original figure converted to this metric's unit.</param>
/// <param name="Text">The figure as published.</param>
/// <param name="HigherIsBetter">Whether a larger value is faster (rates) or slower (latencies).</param>
internal sealed record OriginalFigure(double Value, string Text, bool HigherIsBetter);

/// <summary>One row of the bench table.</summary>
/// <param name="Metric">WORKLOADS.md's metric key.</param>
/// <param name="Unit">The unit of <see cref="Value"/>.</param>
/// <param name="Value">Median and spread.</param>
/// <param name="Original">The original code's figure, where it published one.</param>
/// <param name="Note">How it was measured.</param>
internal sealed record BenchRow(string Metric, string Unit, Measurement Value, OriginalFigure? Original, string Note)
{
    /// <summary>Whether a larger value is better (rates, speed-ups, accuracy) or worse (times, bytes, deviations).</summary>
    public bool HigherIsBetter => HigherIsBetterFor(Unit);

    /// <summary>
    /// The direction of a metric from its unit: rates ("/s"), speed-ups ("×"), rank correlations ("ρ")
    /// and recalls ("fraction") are better higher; times, bytes, costs ("× full"), score deviations and
    /// the early stop's trial ratio are better lower.
    /// </summary>
    public static bool HigherIsBetterFor(string unit) => unit.EndsWith("/s", StringComparison.Ordinal) || unit is "×" or "ρ" or "fraction";

    /// <summary>How many times faster than the original (null without an original figure).</summary>
    public double? Speedup => Original is null ? null
        : Original.HigherIsBetter ? Value.Median / Original.Value : Original.Value / Value.Median;
}

/// <summary>
/// The WORKLOADS.md workloads: seed-pattern systems, n = 20, 100 steps × 10 trials
/// (the original baseline), double precision, fixed seeds.
/// </summary>
internal sealed class Workloads(IsingEngine engine, bool quick)
{
    private readonly int _repeats = quick ? 3 : 5;
    private readonly double _repeatSeconds = quick ? 0.05 : 0.25;

    private static IsingSystem[] Agents(int count, int n, ulong seed = 1000) =>
        Enumerable.Range(0, count).Select(k => IsingSystem.SeedPattern(n, seed + (ulong)k)).ToArray();

    /// <summary>The names of the rows <see cref="Run"/> yields, for the progress line.</summary>
    public IReadOnlyList<string> Names => MetricNames(quick);

    /// <summary>Metric keys in the order they are measured.</summary>
    public static IReadOnlyList<string> MetricNames(bool quick) =>
    [
        "empathy-latency-n20", "empathy-throughput-n20", "social-attention-5-n20", "social-attention-10-n20",
        "social-attention-5-n50", "emotion-batch-100-n20", quick ? "swarm-200-n20" : "swarm-1000-n20",
        "trials-per-second-n20", "trials-per-second-n1000", "trials-per-second-n20-sequential",
        "trials-per-second-n1000-sequential", "quick-estimate-n20", "allocated-bytes-per-empathy",
        .. FastPathAccuracy.MetricNames,
        .. QuickEstimateAccuracy.MetricNames(quick),
    ];

    /// <summary>Measures the workloads one by one, reporting each name before it starts.</summary>
    public IEnumerable<BenchRow> Run(Action<string> starting)
    {
        var pair = Agents(2, 20, 42);
        var self = pair[0];
        var other = pair[1];

        starting("empathy-latency-n20");
        ulong seed = 0;
        yield return new BenchRow("empathy-latency-n20", "µs",
            Timing.SecondsPerOp(count => { for (var i = 0; i < count; i++) engine.Empathy(self, other, seed++); }, _repeats, _repeatSeconds).Map(s => s * 1e6),
            new OriginalFigure(95_700, "95.7 ms", false), "one Empathy call, one thread, mean over a calibrated loop");

        starting("empathy-throughput-n20");
        var batchAgents = Agents(64, 20);
        var pairs = new EmpathyPair[quick ? 2048 : 8192];
        for (var k = 0; k < pairs.Length; k++) pairs[k] = new EmpathyPair(batchAgents[k % 64], batchAgents[(k * 7 + 3) % 64], (ulong)k);
        var results = new EmpathyResult[pairs.Length];
        yield return new BenchRow("empathy-throughput-n20", "empathies/s",
            Timing.SecondsPerOp(count => { for (var i = 0; i < count; i++) engine.EmpathyBatch(pairs, results); }, _repeats, _repeatSeconds).Map(s => pairs.Length / s),
            new OriginalFigure(10.4, "10.4 /s", true), $"EmpathyBatch of {pairs.Length} pairs, all cores");

        foreach (var (k, n, steps, name) in new[] { (5, 20, 100, "social-attention-5-n20"), (10, 20, 100, "social-attention-10-n20"), (5, 50, 50, "social-attention-5-n50") })
        {
            starting(name);
            var socialSelf = IsingSystem.SeedPattern(n, 7);
            var others = Agents(k, n);
            var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = steps } };
            yield return new BenchRow(name, "µs",
                Timing.SecondsPerOp(count => { for (var i = 0; i < count; i++) engine.SocialAttention(socialSelf, others, (ulong)i, options); }, _repeats, _repeatSeconds).Map(s => s * 1e6),
                name == "social-attention-5-n20" ? new OriginalFigure(475_000, "475 ms", false) : null,
                $"SocialAttention over {k} others, n = {n}, {steps} steps × 10 trials");
        }

        starting("emotion-batch-100-n20");
        var hundred = Agents(100, 20);
        var observed = new Observables[100];
        yield return new BenchRow("emotion-batch-100-n20", "µs",
            Timing.SecondsPerOp(count => { for (var i = 0; i < count; i++) engine.ObserveBatch(hundred, observed); }, _repeats, _repeatSeconds).Map(s => s * 1e6),
            new OriginalFigure(32_000, "32 ms", false), "ObserveBatch of 100 systems");

        var swarmSize = quick ? 200 : 1000;
        var swarmName = $"swarm-{swarmSize}-n20";
        starting(swarmName);
        var swarm = Agents(swarmSize, 20);
        var matrix = new double[swarmSize * swarmSize];
        engine.EmpathyMatrix(swarm.AsSpan(0, 8), 0, matrix.AsSpan(0, 64)); // warm-up
        var swarmRepeats = quick ? 3 : 1;
        yield return new BenchRow(swarmName, "pairs/s",
            Timing.SecondsOfRuns(() => engine.EmpathyMatrix(swarm, 0, matrix), swarmRepeats).Map(s => (double)swarmSize * swarmSize / s),
            null, $"EmpathyMatrix of {swarmSize} agents ({swarmSize * swarmSize:N0} pairs), {swarmRepeats} run(s)");

        foreach (var (n, name, order) in new[]
                 {
                     (20, "trials-per-second-n20", SweepOrder.Random), (1000, "trials-per-second-n1000", SweepOrder.Random),
                     (20, "trials-per-second-n20-sequential", SweepOrder.Sequential),
                     (1000, "trials-per-second-n1000-sequential", SweepOrder.Sequential),
                 })
        {
            starting(name);
            var system = IsingSystem.SeedPattern(n, 3);
            var spins = new sbyte[n];
            // Long enough that the O(n²) set-up of the local fields is amortised.
            var options = new AnnealOptions { Steps = 1000, TrialsPerStep = quick ? 200 : 1000, SweepOrder = order };
            long trials = 0;
            var perAnneal = Timing.SecondsPerOp(count => { for (var i = 0; i < count; i++) trials = engine.Anneal(system, (ulong)i, spins, options).Trials; }, _repeats, _repeatSeconds);
            yield return new BenchRow(name, "trials/s", perAnneal.Map(s => trials / s), null,
                $"one Anneal call of {trials:N0} trials, n = {n}, {order.ToString().ToLowerInvariant()} order, one thread (anchor: neal {(n == 20 ? "4.0e8" : "3.3e7")} trials/s per core)");
        }

        starting("quick-estimate-n20");
        yield return new BenchRow("quick-estimate-n20", "ns",
            Timing.SecondsPerOp(count => { for (var i = 0; i < count; i++) engine.Quick(self, other); }, _repeats, _repeatSeconds).Map(s => s * 1e9),
            null, "Quick(self, other), coupling similarity served from the LRU cache");

        starting("allocated-bytes-per-empathy");
        const int calls = 1000;
        for (var i = 0; i < 100; i++) engine.Empathy(self, other, (ulong)i); // steady state
        var samples = new double[_repeats];
        for (var r = 0; r < _repeats; r++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < calls; i++) engine.Empathy(self, other, (ulong)i);
            samples[r] = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        }
        Array.Sort(samples);
        yield return new BenchRow("allocated-bytes-per-empathy", "B",
            new Measurement(samples[samples.Length / 2], samples[0], samples[^1], samples.Length), null,
            $"GC.GetAllocatedBytesForCurrentThread over {calls} Empathy calls in steady state");

        foreach (var row in new FastPathAccuracy(engine, quick, _repeats, _repeatSeconds).Run(starting))
            yield return row;

        foreach (var row in new QuickEstimateAccuracy(engine, quick, _repeats, _repeatSeconds).Run(starting))
            yield return row;
    }
}
