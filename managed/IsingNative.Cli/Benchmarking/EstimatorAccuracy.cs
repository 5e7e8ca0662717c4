using IsingNative.Core;

// Compiled into the `ising` tool (`ising bench` rows) and linked into IsingNative.Benchmarks (the
// BenchmarkDotNet accuracy columns), so both report the same statistics of the same pairs.
namespace IsingNative.Cli.Benchmarking;

/// <summary>An estimate of the full empathy score of many pairs: fills one score per pair.</summary>
/// <param name="Name">Row key part, lower case (for example "seed").</param>
/// <param name="Description">What it computes, for the notes.</param>
/// <param name="Estimate">Fills <c>scores[k]</c> for <c>pairs[k]</c>.</param>
internal sealed record Estimator(string Name, string Description, Action<EmpathyPair[], double[]> Estimate)
{
    /// <summary>
    /// Every quick-estimate method of the engine, then "reseed": the full empathy with a second
    /// anneal seed, the noise floor any estimator of one full anneal is measured against.
    /// </summary>
    public static IReadOnlyList<Estimator> All(IsingEngine engine) =>
        [.. QuickMethods(engine), Reseed(engine)];

    /// <summary>One estimator per <see cref="QuickMethod"/> (each engine's own quick batch).</summary>
    public static IEnumerable<Estimator> QuickMethods(IsingEngine engine)
    {
        foreach (QuickMethod method in Enum.GetValues<QuickMethod>())
            yield return new Estimator(method.ToString().ToLowerInvariant(), $"Quick(method: {method})",
                (pairs, scores) => QuickScores(engine, method, pairs, scores));
    }

    /// <summary>The full empathy of each pair with its seed + <see cref="PairMix.ReseedOffset"/>.</summary>
    public static Estimator Reseed(IsingEngine engine) =>
        new("reseed", "the full empathy with another anneal seed", (pairs, scores) =>
        {
            var reseeded = pairs.Select(p => p with { Seed = p.Seed + PairMix.ReseedOffset }).ToArray();
            var results = new EmpathyResult[pairs.Length];
            engine.EmpathyBatch(reseeded, results);
            for (int k = 0; k < pairs.Length; k++) scores[k] = results[k].Score;
        });

    /// <summary>The method's estimates of the pairs (the engine's batch form, default weights and scale).</summary>
    public static void QuickScores(IsingEngine engine, QuickMethod method, EmpathyPair[] pairs, double[] scores)
    {
        var results = new QuickEstimate[pairs.Length];
        engine.QuickBatch(pairs, results, method);
        for (int k = 0; k < pairs.Length; k++) scores[k] = results[k].Score;
    }
}

/// <summary>A generator of test systems.</summary>
/// <param name="Name">Row key part.</param>
/// <param name="Make">The system of size n from a seed.</param>
internal sealed record PairFamily(string Name, Func<int, ulong, IsingSystem> Make)
{
    /// <summary>
    /// Both generators of MODEL.md §1 (seed pattern: structured, positive couplings; spin glass: random
    /// Gaussian couplings) and a structured-but-frustrated family: a seed pattern with n/2 of its
    /// couplings (chosen by the seed) negated.
    /// </summary>
    public static IReadOnlyList<PairFamily> All { get; } =
    [
        new("seed-pattern", IsingSystem.SeedPattern),
        new("spin-glass", IsingSystem.SpinGlass),
        new("flipped-pattern", FlippedPattern),
    ];

    /// <summary>A seed pattern with n/2 couplings negated (at pairs drawn from the seed).</summary>
    public static IsingSystem FlippedPattern(int n, ulong seed)
    {
        IsingSystem pattern = IsingSystem.SeedPattern(n, seed);
        double[] j = pattern.Couplings.ToArray();
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        for (int f = 0; f < n / 2; f++)
        {
            int a = rng.Next(n), b = rng.Next(n - 1);
            if (b >= a) b++;
            j[a * n + b] = -j[a * n + b];
            j[b * n + a] = j[a * n + b];
        }
        return IsingSystem.FromArrays(n, j, pattern.Fields, pattern.Spins);
    }
}

/// <summary>
/// The documented pair mix of the estimator-accuracy measurement (docs/PERFORMANCE.md, "Quick
/// estimates: accuracy"): for each family of <see cref="PairFamily.All"/> and each n of
/// <see cref="Sizes"/>, <c>groups</c> groups of one self and <see cref="OthersPerGroup"/> others of the
/// same family and n, so that "the top 10 % of a self's others" is meaningful. Pair k's seed (the
/// reference anneal) is <see cref="SeedBase"/> + k.
/// </summary>
internal sealed class PairMix
{
    public const int OthersPerGroup = 40;
    public const int ReferenceSeeds = 8;
    public const double TopFraction = 0.1;
    public const ulong SeedBase = 15_000;
    /// <summary>Reference seed r of a pair is its seed + r·ReseedOffset; r = 1 is the "reseed" estimator's.</summary>
    public const ulong ReseedOffset = 1_000_003;
    public static readonly int[] Sizes = [12, 20, 32];

    /// <summary>One self and its others.</summary>
    public sealed record Group(PairFamily Family, int Size, int Start, int Count);

    public PairMix(int groupsPerCell)
    {
        var pairs = new List<EmpathyPair>();
        var groups = new List<Group>();
        ulong systemSeed = 900_000;
        foreach (PairFamily family in PairFamily.All)
            foreach (int n in Sizes)
                for (int g = 0; g < groupsPerCell; g++)
                {
                    IsingSystem self = family.Make(n, systemSeed++);
                    groups.Add(new Group(family, n, pairs.Count, OthersPerGroup));
                    for (int o = 0; o < OthersPerGroup; o++)
                        pairs.Add(new EmpathyPair(self, family.Make(n, systemSeed++), SeedBase + (ulong)pairs.Count));
                }
        Pairs = pairs.ToArray();
        Groups = groups;
        GroupsPerCell = groupsPerCell;
    }

    public EmpathyPair[] Pairs { get; }
    public IReadOnlyList<Group> Groups { get; }
    public int GroupsPerCell { get; }

    /// <summary>"3 families × n ∈ {12, 20, 32} × G groups of 1 self × 40 others" for the notes.</summary>
    public string Describe() =>
        $"{Pairs.Length} pairs: {PairFamily.All.Count} families × n ∈ {{{string.Join(", ", Sizes)}}} × {GroupsPerCell} group(s) of 1 self × {OthersPerGroup} others";
}

/// <summary>One estimator's agreement with the full empathy over one family of the mix.</summary>
/// <param name="Estimator">The estimator's name.</param>
/// <param name="Family">The family's name.</param>
/// <param name="Spearman">Mean over the groups of Spearman(estimate, full empathy with the pair's seed) among one self's others.</param>
/// <param name="SpearmanPooled">Spearman over every pair of the family (all n and groups together).</param>
/// <param name="MeanAbsDifference">Mean |estimate − full empathy| over the family's pairs.</param>
/// <param name="Recall">Mean over the groups of the fraction of the true top 10 % (by the mean full score over 8 seeds) in the estimate's top 10 %.</param>
/// <param name="Groups">Groups whose Spearman was defined (the estimate was not constant).</param>
internal sealed record AccuracyStats(string Estimator, string Family, double Spearman, double SpearmanPooled,
    double MeanAbsDifference, double Recall, int Groups);

/// <summary>
/// The estimator-accuracy measurement (issue 15): the full empathy of every pair of a
/// <see cref="PairMix"/> with the pair's seed and with <see cref="PairMix.ReferenceSeeds"/> seeds (the
/// reference ranking), then each estimator's Spearman, mean |Δ| and top-10 % recall per family.
/// Deterministic: every figure is a function of the mix and the engine's bit-identical empathies.
/// </summary>
internal sealed class EstimatorAccuracy
{
    private readonly PairMix _mix;
    private readonly double[] _full;
    private readonly double[] _reference;

    public EstimatorAccuracy(IsingEngine engine, PairMix mix)
    {
        _mix = mix;
        int count = mix.Pairs.Length;
        _full = new double[count];
        _reference = new double[count];
        var results = new EmpathyResult[count];
        for (int r = 0; r < PairMix.ReferenceSeeds; r++)
        {
            var seeded = mix.Pairs.Select(p => p with { Seed = p.Seed + (ulong)r * PairMix.ReseedOffset }).ToArray();
            engine.EmpathyBatch(seeded, results);
            for (int k = 0; k < count; k++)
            {
                if (r == 0) _full[k] = results[k].Score;
                _reference[k] += results[k].Score / PairMix.ReferenceSeeds;
            }
        }
    }

    /// <summary>The full empathy of each pair with its own seed.</summary>
    public ReadOnlySpan<double> Full => _full;

    /// <summary>The estimator's statistics, one per family, in <see cref="PairFamily.All"/> order.</summary>
    public IReadOnlyList<AccuracyStats> Measure(Estimator estimator)
    {
        var estimates = new double[_mix.Pairs.Length];
        estimator.Estimate(_mix.Pairs, estimates);
        var stats = new List<AccuracyStats>();
        foreach (PairFamily family in PairFamily.All)
        {
            double spearman = 0, recall = 0, absDiff = 0;
            int defined = 0, groups = 0, pairs = 0;
            var pooledEstimate = new List<double>();
            var pooledFull = new List<double>();
            foreach (PairMix.Group g in _mix.Groups.Where(g => g.Family == family))
            {
                var e = estimates.AsSpan(g.Start, g.Count);
                var f = _full.AsSpan(g.Start, g.Count);
                double rho = Ranking.Spearman(e, f);
                if (!double.IsNaN(rho)) { spearman += rho; defined++; }
                recall += Ranking.Recall(_reference.AsSpan(g.Start, g.Count), e, Ranking.TopCount(g.Count, PairMix.TopFraction));
                groups++;
                for (int k = 0; k < g.Count; k++) absDiff += Math.Abs(e[k] - f[k]);
                pairs += g.Count;
                pooledEstimate.AddRange(e.ToArray());
                pooledFull.AddRange(f.ToArray());
            }
            stats.Add(new AccuracyStats(estimator.Name, family.Name, defined > 0 ? spearman / defined : double.NaN,
                Ranking.Spearman(pooledEstimate.ToArray(), pooledFull.ToArray()), absDiff / pairs, recall / groups, defined));
        }
        return stats;
    }
}

/// <summary>
/// The pre-filter's accuracy (issue 15, item 4): how many of the unfiltered call's top 10 % entries
/// (by weight, or by score for the matrix) the filtered call kept. Social attention: self over
/// <see cref="SocialOthers"/> others, keeping <see cref="SocialKeep"/>; the matrix: an agent set of
/// seed-pattern agents, keeping 20 % of each row.
/// </summary>
internal static class PreFilterAccuracy
{
    public const int SocialOthers = 100;
    public const int SocialKeep = 20;
    public const int Size = 20;

    /// <summary>The social-attention workload of selves g = 0..selves-1 (families round robin).</summary>
    public static (IsingSystem Self, IsingSystem[] Others)[] SocialWorkload(int selves)
    {
        var work = new (IsingSystem, IsingSystem[])[selves];
        for (int g = 0; g < selves; g++)
        {
            PairFamily family = PairFamily.All[g % PairFamily.All.Count];
            ulong seed = 700_000 + (ulong)g * 1000;
            work[g] = (family.Make(Size, seed), Enumerable.Range(1, SocialOthers).Select(o => family.Make(Size, seed + (ulong)o)).ToArray());
        }
        return work;
    }

    /// <summary>Seed-pattern agents for the matrix workload.</summary>
    public static IsingSystem[] MatrixAgents(int count) =>
        Enumerable.Range(0, count).Select(a => IsingSystem.SeedPattern(Size, 800_000 + (ulong)a)).ToArray();

    /// <summary>Mean over the selves of the fraction of the unfiltered weights' top 10 % that the filter kept.</summary>
    public static double SocialRecall(IsingEngine engine, (IsingSystem Self, IsingSystem[] Others)[] work, QuickMethod method)
    {
        double sum = 0;
        foreach (var (self, others) in work)
        {
            SocialAttentionResult full = engine.SocialAttention(self, others, 7);
            SocialAttentionResult filtered = engine.SocialAttention(self, others, 7, null, new PreFilter(SocialKeep, method));
            sum += KeptFraction(full.Weights, filtered.Results.Select(r => r.Steps > 0).ToArray());
        }
        return sum / work.Length;
    }

    /// <summary>Mean over the rows of the fraction of the unfiltered row's top 10 % (off the diagonal) that the filter kept.</summary>
    public static double MatrixRecall(AgentSet set, QuickMethod method, int keep)
    {
        int k = set.Count;
        var full = new double[k * k];
        var filtered = new EmpathyResult[k * k];
        set.EmpathyMatrix(7, full.AsSpan());
        set.EmpathyMatrix(7, filtered.AsSpan(), null, new PreFilter(keep, method));
        double sum = 0;
        for (int a = 0; a < k; a++)
        {
            var row = new List<double>();
            var kept = new List<bool>();
            for (int b = 0; b < k; b++)
            {
                if (b == a) continue;
                row.Add(full[a * k + b]);
                kept.Add(filtered[a * k + b].Steps > 0);
            }
            sum += KeptFraction(row.ToArray(), kept.ToArray());
        }
        return sum / k;
    }

    /// <summary>The fraction of the top 10 % of <paramref name="truth"/> whose entry is kept.</summary>
    private static double KeptFraction(double[] truth, bool[] kept)
    {
        int top = Ranking.TopCount(truth.Length, PairMix.TopFraction);
        var best = new int[top];
        Ranking.TopK(truth, top, best);
        return (double)best.Count(i => kept[i]) / top;
    }
}
