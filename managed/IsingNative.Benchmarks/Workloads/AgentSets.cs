using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// Issue 10's set workloads at n = 20 (default schedule, 1000 trials per anneal), the
/// same work as <see cref="EmpathyLatency"/>, <see cref="EmotionBatch"/> and
/// <see cref="Workloads.SocialAttention"/> but on an <see cref="AgentSet"/> created once in
/// setup: one empathy between members (target ≤ 3 µs), the emotion of 100 members (≤ 8 µs),
/// social attention over 5 members (≤ 15 µs). Managed and native rows side by side.
/// </summary>
[MemoryDiagnoser]
public class AgentSets : BackendBenchmark
{
    private AgentSet _pair = null!;
    private AgentSet _hundred = null!;
    private AgentSet _six = null!;
    private Observables[] _observed = null!;
    private readonly int[] _others = [1, 2, 3, 4, 5];

    /// <inheritdoc />
    protected override void Prepare()
    {
        _pair = Engine.CreateAgentSet([IsingSystem.SeedPattern(Agents.DefaultSize, Agents.SelfSeed),
            IsingSystem.SeedPattern(Agents.DefaultSize, Agents.OtherSeed)]);
        _hundred = Engine.CreateAgentSet(Agents.SeedPatterns(EmotionBatch.SystemCount, Agents.DefaultSize, Agents.OtherSeed));
        _observed = new Observables[EmotionBatch.SystemCount];
        var six = new IsingSystem[6];
        six[0] = IsingSystem.SeedPattern(Agents.DefaultSize, Agents.SelfSeed);
        Agents.SeedPatterns(5, Agents.DefaultSize, Agents.OtherSeed).CopyTo(six, 1);
        _six = Engine.CreateAgentSet(six);
    }

    /// <inheritdoc />
    protected override void Release()
    {
        _pair?.Dispose();
        _hundred?.Dispose();
        _six?.Dispose();
    }

    /// <summary>Member 0 towards member 1 (the EmpathyLatency pair).</summary>
    [Benchmark]
    public double EmpathyOnSet() => _pair.Empathy(0, 1, Agents.AnnealSeed).Score;

    /// <summary>Observables and emotion of all 100 members, one call.</summary>
    /// <returns>The last energy, so the call cannot be eliminated as dead code.</returns>
    [Benchmark]
    public double EmotionOf100()
    {
        _hundred.ObserveAll(_observed);
        return _observed[^1].Energy;
    }

    /// <summary>Member 0 over members 1..5.</summary>
    [Benchmark]
    public SocialAttentionResult SocialAttentionOver5() => _six.SocialAttention(0, _others, Agents.AnnealSeed);
}

/// <summary>
/// The 1000-agent K×K matrix (n = 20, 10⁶ anneals of 1000 trials) as ONE call on an
/// <see cref="AgentSet"/>, reported per entry: pairs/s = 10⁹ / Mean[ns] (target ≥ 500 000).
/// One invocation takes seconds on a 2-core CPU; run it on its own
/// (<c>--filter *AgentSetMatrix*</c>), with a short job.
/// </summary>
[MemoryDiagnoser]
public class AgentSetMatrix : BackendBenchmark
{
    /// <summary>Agents in the swarm.</summary>
    public const int AgentCount = 1000;

    /// <summary>Entries of the matrix, the diagonal included.</summary>
    public const int Entries = AgentCount * AgentCount;

    private AgentSet _swarm = null!;
    private double[] _scores = null!;

    /// <inheritdoc />
    protected override void Prepare()
    {
        _swarm = Engine.CreateAgentSet(Agents.SeedPatterns(AgentCount, Agents.DefaultSize, Agents.OtherSeed));
        _scores = new double[Entries];
    }

    /// <inheritdoc />
    protected override void Release() => _swarm?.Dispose();

    /// <summary>The whole matrix; the time shown is per entry (pair).</summary>
    /// <returns>The last entry, so the matrix cannot be eliminated as dead code.</returns>
    [Benchmark(OperationsPerInvoke = Entries)]
    public double Matrix()
    {
        _swarm.EmpathyMatrix(Agents.AnnealSeed, _scores);
        return _scores[^1];
    }
}
