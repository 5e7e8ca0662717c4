namespace IsingNative.Cli.Benchmarking;

/// <summary>
/// The quick estimates against the full empathy, and the pre-filter built on them (issue 15;
/// WORKLOADS.md §1, docs/PERFORMANCE.md "Quick estimates"): per estimator and family of the
/// <see cref="PairMix"/>, the within-group Spearman correlation with the full empathy, the top-10 %
/// recall against the mean full score over 8 seeds and the mean |estimate − full|; per quick method
/// its cost relative to a full empathy (batch against batch); and per method the pre-filter's recall
/// of the unfiltered top entries and its speed-up, for social attention and an agent-set matrix.
/// </summary>
internal sealed class QuickEstimateAccuracy(IsingEngine engine, bool quick, int repeats, double repeatSeconds)
{
    private static string[] MethodNames => Enum.GetValues<QuickMethod>().Select(m => m.ToString().ToLowerInvariant()).ToArray();

    private static int MatrixAgents(bool quick) => quick ? 100 : 300;

    /// <summary>The rows, in order.</summary>
    public static IReadOnlyList<string> MetricNames(bool quick)
    {
        var names = new List<string>();
        foreach (string e in MethodNames.Append("reseed"))
            foreach (PairFamily f in PairFamily.All)
                names.AddRange([$"estimator-{e}-spearman-{f.Name}", $"estimator-{e}-recall-{f.Name}", $"estimator-{e}-mad-{f.Name}"]);
        foreach (string m in MethodNames) names.Add($"estimator-{m}-cost");
        int k = MatrixAgents(quick);
        foreach (string m in MethodNames)
            names.AddRange([$"prefilter-{m}-social-{PreFilterAccuracy.SocialOthers}-recall", $"prefilter-{m}-social-{PreFilterAccuracy.SocialOthers}-speedup",
                            $"prefilter-{m}-matrix-{k}-recall", $"prefilter-{m}-matrix-{k}-speedup"]);
        return names;
    }

    /// <summary>Measures every row, reporting each metric name before it starts.</summary>
    public IEnumerable<BenchRow> Run(Action<string> starting)
    {
        var mix = new PairMix(quick ? 2 : 16);
        var accuracy = new EstimatorAccuracy(engine, mix);
        string where = mix.Describe();
        IReadOnlyList<Estimator> estimators = Estimator.All(engine);
        foreach (Estimator estimator in estimators)
        {
            starting($"estimator-{estimator.Name}-spearman-{PairFamily.All[0].Name}");
            foreach (AccuracyStats s in accuracy.Measure(estimator))
            {
                string family = $"{s.Family} pairs of {where}";
                yield return Row($"estimator-{s.Estimator}-spearman-{s.Family}", "ρ", s.Spearman,
                    $"{estimator.Description}: Spearman with the full empathy among one self's others, mean over {s.Groups} groups (pooled over the family: {s.SpearmanPooled:F3}); {family}");
                yield return Row($"estimator-{s.Estimator}-recall-{s.Family}", "fraction", s.Recall,
                    $"{estimator.Description}: of each self's true top 10 % (mean full score over {PairMix.ReferenceSeeds} seeds), the fraction its top 10 % holds; {family}");
                yield return Row($"estimator-{s.Estimator}-mad-{s.Family}", "|Δscore|", s.MeanAbsDifference,
                    $"{estimator.Description}: mean |estimate − full empathy|; {family}");
            }
        }

        var estimates = new double[mix.Pairs.Length];
        var results = new EmpathyResult[mix.Pairs.Length];
        foreach (Estimator estimator in estimators.Where(e => e.Name != "reseed"))
        {
            starting($"estimator-{estimator.Name}-cost");
            yield return new BenchRow($"estimator-{estimator.Name}-cost", "× full",
                Ratio(() => estimator.Estimate(mix.Pairs, estimates), () => engine.EmpathyBatch(mix.Pairs, results)), null,
                $"{estimator.Description} over the {mix.Pairs.Length} pairs / EmpathyBatch of the same pairs, timed alternately");
        }

        var social = PreFilterAccuracy.SocialWorkload(quick ? 3 : 12);
        int k = MatrixAgents(quick);
        using AgentSet set = engine.CreateAgentSet(PreFilterAccuracy.MatrixAgents(k));
        int keep = k / 5;
        var scores = new double[k * k];
        foreach (QuickMethod method in Enum.GetValues<QuickMethod>())
        {
            string m = method.ToString().ToLowerInvariant();
            string socialName = $"prefilter-{m}-social-{PreFilterAccuracy.SocialOthers}";
            starting($"{socialName}-recall");
            var filter = new PreFilter(PreFilterAccuracy.SocialKeep, method);
            yield return Row($"{socialName}-recall", "fraction", PreFilterAccuracy.SocialRecall(engine, social, method),
                $"SocialAttention over {PreFilterAccuracy.SocialOthers} others (n = {PreFilterAccuracy.Size}), PreFilter({PreFilterAccuracy.SocialKeep}, {method}): of the unfiltered weights' top 10 %, the fraction kept; mean over {social.Length} selves (families round robin)");
            starting($"{socialName}-speedup");
            var (self, others) = social[0];
            yield return new BenchRow($"{socialName}-speedup", "×",
                Ratio(() => engine.SocialAttention(self, others, 7), () => engine.SocialAttention(self, others, 7, null, filter)), null,
                $"SocialAttention time, unfiltered / PreFilter({PreFilterAccuracy.SocialKeep}, {method}), {PreFilterAccuracy.SocialOthers} seed-pattern others, timed alternately");

            string matrixName = $"prefilter-{m}-matrix-{k}";
            starting($"{matrixName}-recall");
            yield return Row($"{matrixName}-recall", "fraction", PreFilterAccuracy.MatrixRecall(set, method, keep),
                $"AgentSet.EmpathyMatrix of {k} seed-pattern agents (n = {PreFilterAccuracy.Size}), PreFilter({keep}, {method}): of each row's unfiltered top 10 % (off the diagonal), the fraction kept; mean over the rows");
            starting($"{matrixName}-speedup");
            var matrixFilter = new PreFilter(keep, method);
            yield return new BenchRow($"{matrixName}-speedup", "×",
                Ratio(() => set.EmpathyMatrix(7, scores.AsSpan()), () => set.EmpathyMatrix(7, scores.AsSpan(), null, matrixFilter)), null,
                $"AgentSet.EmpathyMatrix time, unfiltered / PreFilter({keep}, {method}), {k} agents, timed alternately");
        }
    }

    /// <summary>
    /// Time of <paramref name="a"/> over time of <paramref name="b"/>, the two timed alternately (a loop of
    /// each per repeat, calibrated to about the repeat time) so that a neighbour's load on the shared
    /// machine falls on both; median and spread of the per-repeat ratios.
    /// </summary>
    private Measurement Ratio(Action a, Action b)
    {
        a();
        b();   // warm-up
        int CountFor(Action f)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            f();
            return Math.Max(1, (int)Math.Ceiling(repeatSeconds / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
        }
        int countA = CountFor(a), countB = CountFor(b);
        double Seconds(Action f, int count)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < count; i++) f();
            return clock.Elapsed.TotalSeconds / count;
        }
        int rounds = Math.Max(repeats, 5);
        var ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) ratios[r] = Seconds(a, countA) / Seconds(b, countB);
        Array.Sort(ratios);
        return new Measurement(ratios[rounds / 2], ratios[0], ratios[^1], rounds);
    }

    private static BenchRow Row(string metric, string unit, double value, string note) =>
        new(metric, unit, new Measurement(value, value, value, 1), null, note);
}
