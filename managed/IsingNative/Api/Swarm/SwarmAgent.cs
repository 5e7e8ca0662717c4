using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace IsingNative;

/// <summary>
/// One member of an evolving swarm: its Ising system (mutated by its compassionate
/// responses), its emotional memory, and its initial couplings (for the drift statistic).
/// </summary>
public sealed class SwarmAgent
{
    private readonly double[] _initialCouplings;

    private SwarmAgent(IsingSystem system, EmotionalMemory memory, double[] initialCouplings)
    {
        System = system;
        Memory = memory;
        _initialCouplings = initialCouplings;
    }

    /// <summary>The agent's system (the swarm's own copy).</summary>
    public IsingSystem System { get; }

    /// <summary>What the agent remembers: one (own emotion, best empathy) entry per round.</summary>
    public EmotionalMemory Memory { get; }

    /// <summary>The couplings the agent started with.</summary>
    public ReadOnlySpan<double> InitialCouplings => _initialCouplings;

    /// <summary>A new agent starting from a copy of <paramref name="system"/> with an empty memory.</summary>
    /// <param name="system">The initial system (copied; it needs spins).</param>
    /// <param name="memoryCapacity">The memory's capacity, ≥ 1.</param>
    public static SwarmAgent Create(IsingSystem system, int memoryCapacity = EmotionalMemory.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (!system.HasSpins)
            throw new ArgumentException($"system: a swarm agent needs spins (its emotion is read from them); {system} has none.", nameof(system));
        var copy = system.Clone();
        return new SwarmAgent(copy, new EmotionalMemory(memoryCapacity), copy.Couplings.ToArray());
    }

    /// <summary>Restores an agent from <see cref="ToState"/>'s arrays, bit for bit.</summary>
    /// <param name="state">The saved state.</param>
    public static SwarmAgent FromState(SwarmAgentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int n = state.Fields?.Length ?? throw new ArgumentNullException(nameof(state), "state: Fields is null.");
        var system = IsingSystem.FromArrays(n, state.Couplings, state.Fields, state.Spins);
        if (state.InitialCouplings is null || state.InitialCouplings.Length != n * n)
            throw new ArgumentException($"state: InitialCouplings must hold {n}×{n} values, has {state.InitialCouplings?.Length ?? 0}.", nameof(state));
        if (state.MemoryEmotions is null || state.MemoryScores is null || state.MemoryEmotions.Length != state.MemoryScores.Length
            || state.MemoryEmotions.Length > state.MemoryCapacity)
            throw new ArgumentException($"state: the memory holds {state.MemoryEmotions?.Length} emotions and {state.MemoryScores?.Length} scores for capacity {state.MemoryCapacity}.", nameof(state));
        var memory = new EmotionalMemory(state.MemoryCapacity);
        for (int k = 0; k < state.MemoryScores.Length; k++) memory.Record(state.MemoryEmotions[k], state.MemoryScores[k]);
        return new SwarmAgent(system, memory, (double[])state.InitialCouplings.Clone());
    }

    /// <summary>The agent's whole state as fresh arrays (see <see cref="SwarmAgentState"/>).</summary>
    public SwarmAgentState ToState()
    {
        var (couplings, fields, spins) = System.ReadConsistently(s => (s.Couplings.ToArray(), s.Fields.ToArray(), s.Spins.ToArray()));
        var emotions = new EmotionVector[Memory.Count];
        var scores = new double[Memory.Count];
        Memory.CopyTo(emotions, scores);
        return new SwarmAgentState(couplings, fields, spins, (double[])_initialCouplings.Clone(), Memory.Capacity, emotions, scores);
    }

    /// <summary>‖J − J₀‖, the Frobenius norm of the change of the couplings, summed row-major.</summary>
    public double Drift()
    {
        ReadOnlySpan<double> j = System.Couplings;
        double sum = 0;
        for (int k = 0; k < j.Length; k++)
        {
            double d = j[k] - _initialCouplings[k];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// A SHA-256 of every agent's couplings, fields, spins and memory, in agent order: two
    /// runs ended in the same state exactly when their digests agree.
    /// </summary>
    /// <param name="agents">The agents, in order.</param>
    public static string Digest(IEnumerable<SwarmAgent> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> count = stackalloc byte[4];
        foreach (var agent in agents)
        {
            var state = agent.ToState();
            hash.AppendData(MemoryMarshal.AsBytes(state.Couplings.AsSpan()));
            hash.AppendData(MemoryMarshal.AsBytes(state.Fields.AsSpan()));
            hash.AppendData(MemoryMarshal.AsBytes(state.Spins.AsSpan()));
            BitConverter.TryWriteBytes(count, state.MemoryScores.Length);
            hash.AppendData(count);
            hash.AppendData(MemoryMarshal.AsBytes(state.MemoryEmotions.AsSpan()));
            hash.AppendData(MemoryMarshal.AsBytes(state.MemoryScores.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
