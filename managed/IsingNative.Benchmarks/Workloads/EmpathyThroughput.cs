using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// <c>empathy-throughput-n20</c>: many independent empathies (n = 20, 1000 trials each) in one
/// <see cref="IsingEngine.EmpathyBatch"/> call on all cores. The time is reported per empathy
/// (<see cref="BenchmarkAttribute.OperationsPerInvoke"/>), so empathies/s = 10⁹ / Mean[ns].
/// Target: ≥ 200 000/s on a 2-core CPU.
/// </summary>
/// <remarks>
/// The batch holds every ordered pair of 64 distinct agents (64 × 64 = 4096 pairs, each with its
/// own seed). That is more distinct pairs than the engine's coupling-similarity cache holds
/// (128), so the batch pays for its similarities as a real swarm would instead of reading one
/// cached value 4096 times.
/// </remarks>
[MemoryDiagnoser]
public class EmpathyThroughput : BackendBenchmark
{
    /// <summary>Distinct agents in the pool; the batch is every ordered pair of them.</summary>
    public const int AgentCount = 64;

    /// <summary>Empathies per batch call.</summary>
    public const int BatchSize = AgentCount * AgentCount;

    private EmpathyPair[] _pairs = null!;
    private EmpathyResult[] _results = null!;

    /// <inheritdoc />
    protected override void Prepare()
    {
        IsingSystem[] agents = Agents.SeedPatterns(AgentCount, Agents.DefaultSize, Agents.OtherSeed);
        _pairs = new EmpathyPair[BatchSize];
        for (int k = 0; k < _pairs.Length; k++)
            _pairs[k] = new EmpathyPair(agents[k % AgentCount], agents[k / AgentCount], Agents.AnnealSeed + (ulong)k);
        _results = new EmpathyResult[BatchSize];
    }

    /// <summary>One batch of <see cref="BatchSize"/> empathies; the time shown is per empathy.</summary>
    /// <returns>The last score, so the batch cannot be eliminated as dead code.</returns>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public double Batch()
    {
        Engine.EmpathyBatch(_pairs, _results);
        return _results[^1].Score;
    }
}
