using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// <c>emotion-batch-100-n20</c>: energy, magnetization, frustration and the emotion vector of
/// 100 systems (n = 20) in one <see cref="IsingEngine.ObserveBatch"/> call. The original took
/// 32 ms; the target is ≤ 20 µs on CPU (one launch on a GPU).
/// </summary>
[MemoryDiagnoser]
public class EmotionBatch : BackendBenchmark
{
    /// <summary>Systems per batch.</summary>
    public const int SystemCount = 100;

    private IsingSystem[] _systems = null!;
    private Observables[] _results = null!;

    /// <inheritdoc />
    protected override void Prepare()
    {
        _systems = Agents.SeedPatterns(SystemCount, Agents.DefaultSize, Agents.OtherSeed);
        _results = new Observables[SystemCount];
    }

    /// <summary>Observes all 100 systems.</summary>
    /// <returns>The last energy, so the batch cannot be eliminated as dead code.</returns>
    [Benchmark]
    public double ObserveBatch()
    {
        Engine.ObserveBatch(_systems, _results);
        return _results[^1].Energy;
    }
}
