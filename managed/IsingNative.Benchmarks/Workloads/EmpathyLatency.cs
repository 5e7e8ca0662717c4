using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// <c>empathy-latency-n20</c> and <c>allocated-bytes-per-empathy</c>: one empathy computation
/// (n = 20, 100 steps × 10 trials = 1000 trials), one call, one thread. The original baseline
/// took 95.7 ms; the target is ≤ 10 µs on one CPU core and 0 B allocated in steady state (the
/// memory diagnoser's "Allocated" column).
/// </summary>
[MemoryDiagnoser]
public class EmpathyLatency : BackendBenchmark
{
    private IsingSystem _self = null!;
    private IsingSystem _other = null!;

    /// <inheritdoc />
    protected override void Prepare()
    {
        _self = IsingSystem.SeedPattern(Agents.DefaultSize, Agents.SelfSeed);
        _other = IsingSystem.SeedPattern(Agents.DefaultSize, Agents.OtherSeed);
    }

    /// <summary>One empathy of self towards other with the default options.</summary>
    /// <returns>The result, returned so the call cannot be eliminated as dead code.</returns>
    [Benchmark]
    public EmpathyResult Empathy() => Engine.Empathy(_self, _other, Agents.AnnealSeed);
}
