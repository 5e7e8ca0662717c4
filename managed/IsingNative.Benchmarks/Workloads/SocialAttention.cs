using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// <c>social-attention-5-n20</c>, <c>social-attention-10-n20</c> and
/// <c>social-attention-5-n50</c>: the social attention of one agent over K others, the original
/// profile's three configurations (n = 50 runs 50 steps, the others 100; 10 trials per step).
/// The original took 475 ms for 5 others at n = 20; the target is ≤ 50 µs on CPU.
/// </summary>
[MemoryDiagnoser]
public class SocialAttention : BackendBenchmark
{
    private const int LargeSize = 50;

    private IsingSystem _self20 = null!;
    private IsingSystem[] _five20 = null!;
    private IsingSystem[] _ten20 = null!;
    private IsingSystem _self50 = null!;
    private IsingSystem[] _five50 = null!;

    // The original profile ran the n = 50 configuration with 50 steps instead of 100.
    private readonly EmpathyOptions _options50 = new() { Anneal = new AnnealOptions { Steps = 50 } };

    /// <inheritdoc />
    protected override void Prepare()
    {
        _self20 = IsingSystem.SeedPattern(Agents.DefaultSize, Agents.SelfSeed);
        _five20 = Agents.SeedPatterns(5, Agents.DefaultSize, Agents.OtherSeed);
        _ten20 = Agents.SeedPatterns(10, Agents.DefaultSize, Agents.OtherSeed);
        _self50 = IsingSystem.SeedPattern(LargeSize, Agents.SelfSeed);
        _five50 = Agents.SeedPatterns(5, LargeSize, Agents.OtherSeed);
    }

    /// <summary>Self over 5 others, n = 20, 100 × 10 trials each.</summary>
    [Benchmark]
    public SocialAttentionResult Others5N20() => Engine.SocialAttention(_self20, _five20, Agents.AnnealSeed);

    /// <summary>Self over 10 others, n = 20, 100 × 10 trials each.</summary>
    [Benchmark]
    public SocialAttentionResult Others10N20() => Engine.SocialAttention(_self20, _ten20, Agents.AnnealSeed);

    /// <summary>Self over 5 others, n = 50, 50 × 10 trials each.</summary>
    [Benchmark]
    public SocialAttentionResult Others5N50() => Engine.SocialAttention(_self50, _five50, Agents.AnnealSeed, _options50);
}
