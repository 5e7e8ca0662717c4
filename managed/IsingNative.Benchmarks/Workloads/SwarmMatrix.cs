using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// <c>swarm-1000-n20</c>, scaled down: the full empathy matrix of a swarm of
/// <see cref="AgentCount"/> = 200 agents (n = 20, 1000 trials per entry) on all cores, reported
/// per matrix entry, so pairs/s = 10⁹ / Mean[ns].
/// </summary>
/// <remarks>
/// <para>Why 200 and not 1000 agents: the 1000-agent matrix is 10⁶ anneals, several seconds
/// per invocation on a 2-core CPU with the managed backend, and BenchmarkDotNet needs many
/// invocations; the 200-agent one is 4·10⁴ anneals.</para>
/// <para>How to scale: every entry is an independent anneal of the same cost (ALGORITHM §7, the
/// diagonal included), so the cost is linear in the number of entries K². Pairs/s is therefore
/// the same for both sizes, and the time of the 1000-agent matrix is
/// (1000/200)² = 25 × the time of one invocation here (= 10⁶ × Mean per entry). The only
/// term that is not linear is the coupling-similarity cache, which both sizes overflow
/// (K² ≫ 128 pairs).</para>
/// </remarks>
[MemoryDiagnoser]
public class SwarmMatrix : BackendBenchmark
{
    /// <summary>Agents in the swarm (a scaled stand-in for 1000; see the remarks).</summary>
    public const int AgentCount = 200;

    /// <summary>Entries of the matrix: every agent towards every agent, the diagonal included.</summary>
    public const int Entries = AgentCount * AgentCount;

    private IsingSystem[] _agents = null!;
    private double[] _scores = null!;

    /// <inheritdoc />
    protected override void Prepare()
    {
        _agents = Agents.SeedPatterns(AgentCount, Agents.DefaultSize, Agents.OtherSeed);
        _scores = new double[Entries];
    }

    /// <summary>The whole K×K matrix; the time shown is per entry (pair).</summary>
    /// <returns>The last entry, so the matrix cannot be eliminated as dead code.</returns>
    [Benchmark(OperationsPerInvoke = Entries)]
    public double Matrix()
    {
        Engine.EmpathyMatrix(_agents, Agents.AnnealSeed, _scores);
        return _scores[^1];
    }
}
