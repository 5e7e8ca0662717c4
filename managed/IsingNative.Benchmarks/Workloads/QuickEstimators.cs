using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using IsingNative.Benchmarks.Infrastructure;
using IsingNative.Cli.Benchmarking;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// Issue 15: each quick-estimate method against the full empathy on the <see cref="PairMix"/> of
/// `ising bench` (3 families × n ∈ {12, 20, 32} × 2 groups of 1 self × 40 others = 720 pairs). Timed:
/// one pair of a full <c>EmpathyBatch</c> (the baseline) and of a <c>QuickBatch</c>; the Ratio column is
/// the estimate's cost relative to a full empathy. Not timed (computed once in the host): the
/// within-group Spearman with the full empathy and the top-10 % recall against the 8-seed mean,
/// averaged over the three families (per family: `ising bench`, docs/PERFORMANCE.md).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class QuickEstimators : BackendBenchmark
{
    private const int GroupsPerCell = 2;

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(new AccuracyColumn(typeof(QuickEstimators), "Spearman", "Within-group Spearman with the full empathy, mean over the families", (b, m) => Mean(b, m, s => s.Spearman)));
            AddColumn(new AccuracyColumn(typeof(QuickEstimators), "Recall10", "Top-10 % recall against the mean full score over 8 seeds, mean over the families", (b, m) => Mean(b, m, s => s.Recall)));
        }
    }

    private static double Mean(BackendKind backend, QuickMethod method, Func<AccuracyStats, double> pick)
    {
        using IsingEngine engine = IsingEngine.Create(backend);
        var accuracy = new EstimatorAccuracy(engine, new PairMix(GroupsPerCell));
        Estimator estimator = Estimator.QuickMethods(engine).Single(e => e.Name == method.ToString().ToLowerInvariant());
        return accuracy.Measure(estimator).Average(pick);
    }

    /// <summary>The quick method under test.</summary>
    [ParamsSource(nameof(Methods))]
    public QuickMethod Estimate { get; set; }

    /// <summary>Every <see cref="QuickMethod"/>.</summary>
    public static IEnumerable<QuickMethod> Methods() => Enum.GetValues<QuickMethod>();

    private EmpathyPair[] _pairs = null!;
    private EmpathyResult[] _results = null!;
    private IsingNative.QuickEstimate[] _estimates = null!;

    /// <summary>Pairs in the mix (the operations per invoke).</summary>
    public const int Pairs = 3 * 3 * GroupsPerCell * PairMix.OthersPerGroup;

    /// <inheritdoc />
    protected override void Prepare()
    {
        _pairs = new PairMix(GroupsPerCell).Pairs;
        _results = new EmpathyResult[_pairs.Length];
        _estimates = new IsingNative.QuickEstimate[_pairs.Length];
    }

    /// <summary>One full empathy of the mix's EmpathyBatch.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs)]
    public void FullEmpathy() => Engine.EmpathyBatch(_pairs, _results);

    /// <summary>One estimate of the mix's QuickBatch.</summary>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public void Quick() => Engine.QuickBatch(_pairs, _estimates, Estimate);
}

/// <summary>
/// Issue 15, item 4: social attention over 100 others and a 100-agent set's matrix, unfiltered (the
/// baselines) and with <c>PreFilter(20 %, Estimate)</c>; the Ratio column is the filtered call's time
/// over the unfiltered one's (1 / speed-up). Not timed: the fraction of the unfiltered top 10 % (by
/// weight, or by score in each matrix row) that the filter kept.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[Config(typeof(Columns))]
public class PreFilterSpeedup : BackendBenchmark
{
    private const int Agents = 100;

    private sealed class Columns : ManualConfig
    {
        public Columns() =>
            AddColumn(new AccuracyColumn(typeof(PreFilterSpeedup), "TopKept", "Fraction of the unfiltered top 10 % the filter kept (social attention over 3 selves; the matrix rows)", Recall));
    }

    // One column for both categories: the mean of the two workloads' recalls.
    private static double Recall(BackendKind backend, QuickMethod method)
    {
        using IsingEngine engine = IsingEngine.Create(backend);
        double social = PreFilterAccuracy.SocialRecall(engine, PreFilterAccuracy.SocialWorkload(3), method);
        using AgentSet set = engine.CreateAgentSet(PreFilterAccuracy.MatrixAgents(Agents));
        return 0.5 * (social + PreFilterAccuracy.MatrixRecall(set, method, Agents / 5));
    }

    /// <summary>The filter's estimate.</summary>
    [ParamsSource(nameof(Methods))]
    public QuickMethod Estimate { get; set; }

    /// <summary>Every <see cref="QuickMethod"/>.</summary>
    public static IEnumerable<QuickMethod> Methods() => Enum.GetValues<QuickMethod>();

    private IsingSystem _self = null!;
    private IsingSystem[] _others = null!;
    private AgentSet _set = null!;
    private double[] _scores = null!;
    private PreFilter _socialFilter = null!;
    private PreFilter _matrixFilter = null!;

    /// <inheritdoc />
    protected override void Prepare()
    {
        (_self, _others) = PreFilterAccuracy.SocialWorkload(1)[0];
        _set = Engine.CreateAgentSet(PreFilterAccuracy.MatrixAgents(Agents));
        _scores = new double[Agents * Agents];
        _socialFilter = new PreFilter(PreFilterAccuracy.SocialKeep, Estimate);
        _matrixFilter = new PreFilter(Agents / 5, Estimate);
    }

    /// <inheritdoc />
    protected override void Release() => _set?.Dispose();

    /// <summary>Self over 100 seed-pattern others, every empathy run.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("social")]
    public SocialAttentionResult SocialFull() => Engine.SocialAttention(_self, _others, 7);

    /// <summary>The same with the pre-filter: 20 full empathies.</summary>
    [Benchmark, BenchmarkCategory("social")]
    public SocialAttentionResult SocialFiltered() => Engine.SocialAttention(_self, _others, 7, null, _socialFilter);

    /// <summary>The 100×100 matrix, every entry run.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("matrix")]
    public void MatrixFull() => _set.EmpathyMatrix(7, _scores.AsSpan());

    /// <summary>The same with the pre-filter: 20 entries per row.</summary>
    [Benchmark, BenchmarkCategory("matrix")]
    public void MatrixFiltered() => _set.EmpathyMatrix(7, _scores.AsSpan(), null, _matrixFilter);
}
