using System.Runtime.InteropServices;

namespace IsingNative.Cluster;

/// <summary>
/// One checkpoint of a block: its agents at the start of a round, stored by column (every
/// agent's couplings in one array, then fields, spins and memories) as raw little-endian bytes,
/// which Orleans' serializer copies in bulk; an array of per-agent records would be written
/// value by value. The initial couplings never change and live in the block's config instead.
/// </summary>
[GenerateSerializer]
public sealed class SwarmBlockCheckpoint
{
    /// <summary>The round whose start the states are.</summary>
    [Id(0)] public int Round { get; set; }
    /// <summary>Agents.</summary>
    [Id(1)] public int Count { get; set; }
    /// <summary>n.</summary>
    [Id(2)] public int Size { get; set; }
    /// <summary>Count·n² couplings, agent by agent, row-major.</summary>
    [Id(3)] public byte[] Couplings { get; set; } = [];
    /// <summary>Count·n fields.</summary>
    [Id(4)] public byte[] Fields { get; set; } = [];
    /// <summary>Count·n spins.</summary>
    [Id(5)] public sbyte[] Spins { get; set; } = [];
    /// <summary>The memories' capacity (one for the run).</summary>
    [Id(6)] public int MemoryCapacity { get; set; }
    /// <summary>Entries per agent's memory.</summary>
    [Id(7)] public int[] MemoryCounts { get; set; } = [];
    /// <summary>The memories' emotions, agent by agent, oldest first (4 doubles each).</summary>
    [Id(8)] public byte[] MemoryEmotions { get; set; } = [];
    /// <summary>The memories' scores, same order.</summary>
    [Id(9)] public byte[] MemoryScores { get; set; } = [];

    /// <summary>The checkpoint of <paramref name="agents"/> at the start of <paramref name="round"/>; the arrays of <paramref name="reuse"/> are refilled where their lengths fit.</summary>
    /// <param name="round">The round.</param>
    /// <param name="agents">The block's agents, all of one n and one memory capacity.</param>
    /// <param name="reuse">An older checkpoint of the same block whose storage write completed, or null.</param>
    public static SwarmBlockCheckpoint Of(int round, IReadOnlyList<SwarmAgent> agents, SwarmBlockCheckpoint? reuse)
    {
        ArgumentNullException.ThrowIfNull(agents);
        RequireLittleEndian("a block checkpoint stores doubles");
        int count = agents.Count, n = count > 0 ? agents[0].System.Size : 0, entries = 0;
        foreach (var a in agents) entries += a.Memory.Count;
        var c = reuse ?? new SwarmBlockCheckpoint();
        c.Round = round;
        c.Count = count;
        c.Size = n;
        c.MemoryCapacity = count > 0 ? agents[0].Memory.Capacity : 0;
        c.Couplings = Fit(c.Couplings, 8L * count * n * n);
        c.Fields = Fit(c.Fields, 8L * count * n);
        c.Spins = c.Spins.Length == count * n ? c.Spins : new sbyte[count * n];
        c.MemoryCounts = c.MemoryCounts.Length == count ? c.MemoryCounts : new int[count];
        c.MemoryEmotions = Fit(c.MemoryEmotions, 32L * entries);
        c.MemoryScores = Fit(c.MemoryScores, 8L * entries);
        Span<double> couplings = MemoryMarshal.Cast<byte, double>(c.Couplings.AsSpan()), fields = MemoryMarshal.Cast<byte, double>(c.Fields.AsSpan());
        Span<EmotionVector> emotions = MemoryMarshal.Cast<byte, EmotionVector>(c.MemoryEmotions.AsSpan());
        Span<double> scores = MemoryMarshal.Cast<byte, double>(c.MemoryScores.AsSpan());
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            IsingSystem s = agents[i].System;
            if (s.Size != n) throw new ArgumentException($"agents: agent {i} has n={s.Size}, agent 0 n={n}; a block needs one n.", nameof(agents));
            // The block's own agents: nothing mutates them while it checkpoints.
            s.Couplings.CopyTo(couplings.Slice(i * n * n, n * n));
            s.Fields.CopyTo(fields.Slice(i * n, n));
            s.Spins.CopyTo(c.Spins.AsSpan(i * n, n));
            EmotionalMemory memory = agents[i].Memory;
            c.MemoryCounts[i] = memory.Count;
            memory.CopyTo(emotions.Slice(at, memory.Count), scores.Slice(at, memory.Count));
            at += memory.Count;
        }
        return c;
    }

    /// <summary>Every agent's initial couplings, as the config keeps them.</summary>
    /// <param name="agents">The block's agents.</param>
    public static byte[] InitialCouplingsOf(IReadOnlyList<SwarmAgent> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        RequireLittleEndian("a block checkpoint stores doubles");
        int n = agents.Count > 0 ? agents[0].System.Size : 0;
        var bytes = new byte[8L * agents.Count * n * n];
        Span<double> all = MemoryMarshal.Cast<byte, double>(bytes.AsSpan());
        for (int i = 0; i < agents.Count; i++) agents[i].InitialCouplings.CopyTo(all.Slice(i * n * n, n * n));
        return bytes;
    }

    /// <summary>The agents again, bit for bit, each checked as <see cref="SwarmAgent.FromState"/> checks a state.</summary>
    /// <param name="initialCouplings">The config's initial couplings.</param>
    public SwarmAgent[] Agents(byte[] initialCouplings)
    {
        ArgumentNullException.ThrowIfNull(initialCouplings);
        RequireLittleEndian("a block checkpoint stores doubles");
        int n = Size, nn = n * n;
        if (Couplings.Length != 8L * Count * nn || Fields.Length != 8L * Count * n || Spins.Length != Count * n || MemoryCounts.Length != Count
            || initialCouplings.Length != Couplings.Length || MemoryScores.Length * 4L != MemoryEmotions.Length || MemoryCounts.Sum() * 8L != MemoryScores.Length)
            throw new InvalidOperationException($"the checkpoint of round {Round} does not hold {Count} agents of n={n}: its arrays have other lengths.");
        ReadOnlySpan<double> couplings = MemoryMarshal.Cast<byte, double>(Couplings), fields = MemoryMarshal.Cast<byte, double>(Fields);
        ReadOnlySpan<double> initial = MemoryMarshal.Cast<byte, double>(initialCouplings), scores = MemoryMarshal.Cast<byte, double>(MemoryScores);
        ReadOnlySpan<EmotionVector> emotions = MemoryMarshal.Cast<byte, EmotionVector>(MemoryEmotions);
        var agents = new SwarmAgent[Count];
        int at = 0;
        for (int i = 0; i < Count; i++)
        {
            int entries = MemoryCounts[i];
            agents[i] = SwarmAgent.FromState(new SwarmAgentState(couplings.Slice(i * nn, nn).ToArray(), fields.Slice(i * n, n).ToArray(),
                Spins.AsSpan(i * n, n).ToArray(), initial.Slice(i * nn, nn).ToArray(), MemoryCapacity,
                emotions.Slice(at, entries).ToArray(), scores.Slice(at, entries).ToArray()));
            at += entries;
        }
        return agents;
    }

    private static byte[] Fit(byte[] array, long bytes) => array.LongLength == bytes ? array : new byte[bytes];

    /// <summary>Refuses a big-endian machine: checkpoints and round records travel as this machine's bytes, read as little-endian.</summary>
    /// <param name="what">What is stored that way.</param>
    internal static void RequireLittleEndian(string what)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException($"{what} as little-endian bytes; this machine is big-endian.");
    }
}
