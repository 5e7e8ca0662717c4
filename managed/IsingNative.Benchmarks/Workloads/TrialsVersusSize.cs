using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// How the cost of a trial grows with n (WORKLOADS.md: O(1) per rejected trial, O(n) per
/// accepted flip): one 50-sweep anneal of the <see cref="AnchorProblem"/> at each size, per
/// backend. The time is one whole call of 50·n trials, so trials/s = 50·n / Mean; O(n²) set-up
/// (initial local fields) and the final energy are included, as in the anchor. Both sweep
/// orders: the default random site per trial, and the opt-in sequential order (ALGORITHM.md
/// §4.1), which is the anchor's own order.
/// <c>tools/perf/plot-trials.py</c> draws docs/trials-per-second.svg from this class's CSV report.
/// </summary>
[MemoryDiagnoser]
public class TrialsVersusSize : BackendBenchmark
{
    /// <summary>The number of spins.</summary>
    [Params(20, 50, 100, 200, 500, 1000, 2000)]
    public int N { get; set; }

    /// <summary>The trials' site order.</summary>
    [Params(SweepOrder.Random, SweepOrder.Sequential)]
    public SweepOrder Order { get; set; }

    private IsingSystem _system = null!;
    private AnnealOptions _options = null!;
    private sbyte[] _spins = null!;

    /// <inheritdoc />
    protected override void Prepare()
    {
        _system = AnchorProblem.Create(N, seed: N);
        _options = AnchorProblem.Options(N) with { SweepOrder = Order };
        _spins = new sbyte[N];
    }

    /// <summary>One whole anneal of 50·N trials (the plot divides by the trial count).</summary>
    [Benchmark]
    public AnnealStats Anneal() => Engine.Anneal(_system, Agents.AnnealSeed, _spins, _options);
}
