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
    /// <remarks>
    /// A state is checked exactly as a new agent is (<see cref="Create"/>): the system as by
    /// <see cref="IsingSystem.FromArrays"/> and with n spins, the initial couplings by the same
    /// rules as couplings (finite, bounded, symmetric, zero diagonal), the memory's capacity and
    /// every remembered value finite. A checkpoint that lost its spins would otherwise run as if
    /// every spin were +1, and a NaN initial coupling would make every drift NaN.
    /// </remarks>
    /// <param name="state">The saved state.</param>
    /// <exception cref="ArgumentException">The state is not one an agent can have; the message names the field and the value.</exception>
    public static SwarmAgent FromState(SwarmAgentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int n = state.Fields?.Length ?? throw new ArgumentNullException(nameof(state), "state: Fields is null.");
        if (state.Spins is null || state.Spins.Length != n)
            throw new ArgumentException(
                $"state: Spins has {state.Spins?.Length ?? 0} values but Fields has n={n}; a swarm agent needs its n spins (its emotion is read from them).",
                nameof(state));
        var system = StateField("Couplings, Fields or Spins", () => IsingSystem.FromArrays(n, state.Couplings, state.Fields, state.Spins));
        if (state.InitialCouplings is null || state.InitialCouplings.Length != n * n)
            throw new ArgumentException($"state: InitialCouplings must hold {n}×{n} values, has {state.InitialCouplings?.Length ?? 0}.", nameof(state));
        StateField("InitialCouplings", () => { Validation.CheckCouplings(n, state.InitialCouplings, "InitialCouplings"); return 0; });
        if (state.MemoryEmotions is null || state.MemoryScores is null || state.MemoryEmotions.Length != state.MemoryScores.Length
            || state.MemoryEmotions.Length > state.MemoryCapacity)
            throw new ArgumentException($"state: the memory holds {state.MemoryEmotions?.Length} emotions and {state.MemoryScores?.Length} scores for capacity {state.MemoryCapacity}.", nameof(state));
        var memory = StateField("MemoryCapacity", () => new EmotionalMemory(state.MemoryCapacity));
        for (int k = 0; k < state.MemoryScores.Length; k++)
        {
            int entry = k;
            StateField($"memory entry {entry}", () => { memory.Record(state.MemoryEmotions[entry], state.MemoryScores[entry]); return 0; });
        }
        return new SwarmAgent(system, memory, (double[])state.InitialCouplings.Clone());
    }

    /// <summary>Runs a check of one field of a state; its refusal names the state and the field.</summary>
    private static T StateField<T>(string field, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (ArgumentException e)
        {
            string message = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
            if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
                message = message.Replace($"{Environment.NewLine}Actual value was {actual}.", "", StringComparison.Ordinal);
            throw new ArgumentException($"state: {field}: {message}", "state", e);
        }
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
