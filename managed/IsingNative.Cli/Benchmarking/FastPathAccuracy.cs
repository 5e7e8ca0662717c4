namespace IsingNative.Cli.Benchmarking;

/// <summary>
/// The opt-in fast paths against the double-precision full anneal (WORKLOADS.md: "the
/// single-precision and early-stop paths must report their measured deviation"): the
/// empathy score of each path over many random pairs (seed-pattern and spin-glass systems,
/// n = 20, the default schedule), the mean and largest |Δscore|, and the speed-up of an
/// EmpathyBatch over the same pairs.
/// </summary>
internal sealed class FastPathAccuracy(IsingEngine engine, bool quick, int repeats, double repeatSeconds)
{
    /// <summary>Early stop used here: 100 rejections in a row (5 sweeps at n = 20) once β ≥ 10.</summary>
    public static readonly EarlyStop EarlyStopSetting = new(Window: 100, BetaThreshold: 10);

    /// <summary>The rows, in order.</summary>
    public static IReadOnlyList<string> MetricNames { get; } =
    [
        "single-precision-score-deviation-mean", "single-precision-score-deviation-max", "single-precision-speedup",
        "early-stop-score-deviation-mean", "early-stop-score-deviation-max", "early-stop-trials-fraction", "early-stop-speedup",
    ];

    /// <summary>Measures both fast paths, reporting each metric name before it starts.</summary>
    public IEnumerable<BenchRow> Run(Action<string> starting)
    {
        int count = quick ? 512 : 4096;
        var pairs = new EmpathyPair[count];
        for (int k = 0; k < count; k++)
        {
            ulong seed = 5000 + (ulong)k;
            IsingSystem Make(ulong s) => k % 2 == 0 ? IsingSystem.SeedPattern(20, s) : IsingSystem.SpinGlass(20, s);
            pairs[k] = new EmpathyPair(Make(seed), Make(seed + 100_000), seed);
        }
        var full = EmpathyOptions.Default;
        var single = full with { Anneal = full.Anneal with { Precision = Precision.Single } };
        var early = full with { Anneal = full.Anneal with { EarlyStop = EarlyStopSetting } };

        var reference = new EmpathyResult[count];
        var fast = new EmpathyResult[count];
        engine.EmpathyBatch(pairs, reference, full);
        Measurement fullTime = Time(pairs, reference, full);

        string where = $"{count} random pairs (seed pattern and spin glass), n = 20, 100 × 10 trials";
        foreach (var (name, options, what) in new[] { ("single-precision", single, "Precision.Single"),
                                                      ("early-stop", early, $"EarlyStop(window {EarlyStopSetting.Window}, β ≥ {EarlyStopSetting.BetaThreshold})") })
        {
            starting($"{name}-score-deviation-mean");
            engine.EmpathyBatch(pairs, fast, options);
            double sum = 0, max = 0, trials = 0, fullTrials = 0;
            for (int k = 0; k < count; k++)
            {
                double d = Math.Abs(fast[k].Score - reference[k].Score);
                sum += d;
                max = Math.Max(max, d);
                trials += fast[k].Trials;
                fullTrials += reference[k].Trials;
            }
            yield return Row($"{name}-score-deviation-mean", "|Δscore|", sum / count, $"{what} vs double full anneal, mean over {where}");
            yield return Row($"{name}-score-deviation-max", "|Δscore|", max, $"{what} vs double full anneal, largest over {where}");
            if (name == "early-stop")
                yield return Row("early-stop-trials-fraction", "ratio", trials / fullTrials, $"trials run with {what} / trials of the full schedule");
            starting($"{name}-speedup");
            Measurement time = Time(pairs, fast, options);
            yield return new BenchRow($"{name}-speedup", "×", fullTime.Map(t => t / time.Median), null,
                $"EmpathyBatch time, double full anneal / {what} (the spread is the full anneal's)");
        }
    }

    private Measurement Time(EmpathyPair[] pairs, EmpathyResult[] results, EmpathyOptions options) =>
        Timing.SecondsPerOp(n => { for (int i = 0; i < n; i++) engine.EmpathyBatch(pairs, results, options); }, repeats, repeatSeconds);

    private static BenchRow Row(string metric, string unit, double value, string note) =>
        new(metric, unit, new Measurement(value, value, value, 1), null, note);
}
