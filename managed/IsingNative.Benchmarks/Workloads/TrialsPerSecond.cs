using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// <c>trials-per-second-n20</c> and <c>trials-per-second-n1000</c>: one fused anneal of the
/// D-Wave <c>neal</c> anchor problem (<see cref="AnchorProblem"/>: dense ferromagnet, 50 sweeps
/// = 50·n trials, β geometric 0.1 → 0.1·e¹⁰), one call, one thread. The time is reported per
/// trial (<see cref="BenchmarkAttribute.OperationsPerInvoke"/> = 50·n), so
/// trials/s = 10⁹ / Mean[ns].
/// </summary>
/// <remarks>
/// Anchor on the 2-core EPYC machine (WORKLOADS.md): 4.0·10⁸ trials/s at n = 20 in batch
/// (7.9 µs per 1000-trial anneal as a single call, i.e. 7.9 ns per trial), 3.3·10⁷ at n = 1000.
/// Target: match it at n = 20, beat it ≥ 2× at n = 1000. As in the anchor, a call includes
/// its O(n²) set-up (initial local fields) and the final energy, which matter at n = 1000.
/// </remarks>
[MemoryDiagnoser]
public class TrialsPerSecond : BackendBenchmark
{
    private const int Small = 20;
    private const int Large = 1000;
    private const int SmallTrials = AnchorProblem.Sweeps * Small;
    private const int LargeTrials = AnchorProblem.Sweeps * Large;

    private IsingSystem _small = null!;
    private IsingSystem _large = null!;
    private readonly AnnealOptions _smallOptions = AnchorProblem.Options(Small);
    private readonly AnnealOptions _largeOptions = AnchorProblem.Options(Large);
    private readonly sbyte[] _smallSpins = new sbyte[Small];
    private readonly sbyte[] _largeSpins = new sbyte[Large];

    /// <inheritdoc />
    protected override void Prepare()
    {
        _small = AnchorProblem.Create(Small, seed: 20);
        _large = AnchorProblem.Create(Large, seed: 1000);
    }

    /// <summary>One anneal at n = 20 (1000 trials); the time shown is per trial.</summary>
    [Benchmark(OperationsPerInvoke = SmallTrials)]
    public AnnealStats AnnealN20() => Engine.Anneal(_small, Agents.AnnealSeed, _smallSpins, _smallOptions);

    /// <summary>One anneal at n = 1000 (50 000 trials); the time shown is per trial.</summary>
    [Benchmark(OperationsPerInvoke = LargeTrials)]
    public AnnealStats AnnealN1000() => Engine.Anneal(_large, Agents.AnnealSeed, _largeSpins, _largeOptions);
}
