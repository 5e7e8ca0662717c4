using System.Runtime.InteropServices;
using Orleans.Concurrency;

namespace IsingNative.Cluster;

/// <summary>
/// A block of a swarm's agents as one grain: agents [First, First + Count) of a run, keyed
/// <c>"{runId}/{block}"</c> (<see cref="SwarmBlockGrainKey"/>). The round protocol
/// (docs/CLUSTER.md §2): the coordinator calls <see cref="Step"/> on every block for round r,
/// then <see cref="Commit"/> on every block, which persists a checkpoint every c rounds; after a
/// fault it calls <see cref="Rollback"/> on every block and redoes the rounds since the last
/// checkpoint. Between blocks only the boundary travels (<see cref="GetBoundary"/>): the
/// round-start systems of the block's agents that another block's agents attend to.
/// </summary>
public interface ISwarmBlockGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes this grain the block <paramref name="init"/> describes, at round 0, and persists it
    /// (the checkpoint of round 0). Repeating the same Init is a no-op; a different one for an
    /// initialised block is refused.
    /// </summary>
    /// <param name="init">The block's agents, their neighbours, its boundary, the run's options and the initial states.</param>
    Task Init(SwarmBlockInit init);

    /// <summary>
    /// The round-start systems of the requested agents of this block, in full or, for an agent
    /// whose couplings and fields did not change since the requester's copy, its spins only
    /// (a delta). Answers for the round the block is at (stepped or not); for another round it
    /// throws <see cref="SwarmStepLostException"/>. Interleaves with every other call: it only
    /// reads what the block captured when it entered the round.
    /// </summary>
    /// <param name="request">The round, the agents and the round the requester's copies are from.</param>
    [AlwaysInterleave]
    Task<SwarmBoundary> GetBoundary(SwarmBoundaryRequest request);

    /// <summary>
    /// Computes round <paramref name="round"/> for every agent of the block: fetches the
    /// boundary, then one engine call for all the block's empathies, then each agent's attention
    /// and response, as the single process does. The new state stays pending until
    /// <see cref="Commit"/>; a second call for the same round returns the same records. A block
    /// at another round (re-activated from its checkpoint) throws <see cref="SwarmStepLostException"/>.
    /// </summary>
    /// <param name="round">The round.</param>
    Task<SwarmBlockRound> Step(int round);

    /// <summary>
    /// Makes the pending state of round <paramref name="round"/> the live state at the start of
    /// round + 1 and, when <paramref name="checkpoint"/>, persists it as the block's newest
    /// checkpoint (the one before is kept too). Idempotent; throws
    /// <see cref="SwarmStepLostException"/> when the pending step was lost (the grain was
    /// re-activated since), so the coordinator rolls back and redoes.
    /// </summary>
    /// <param name="round">The round.</param>
    /// <param name="checkpoint">Whether to persist the state at the start of round + 1.</param>
    Task Commit(int round, bool checkpoint);

    /// <summary>
    /// Reloads the persisted checkpoint of round <paramref name="round"/> (the newest or the one
    /// before) as the live state, dropping any pending step and the rounds since in memory.
    /// </summary>
    /// <param name="round">The checkpoint's round.</param>
    Task Rollback(int round);

    /// <summary>The block's agents' live states and how many rounds it has committed (persisted or not).</summary>
    Task<SwarmBlockCommitted> GetState();

    /// <summary>Deletes the block's persisted state and deactivates it (the run is over). Idempotent.</summary>
    Task Forget();
}

/// <summary>What a grain needs to become a block.</summary>
/// <param name="Block">The block's index (its grain key's suffix).</param>
/// <param name="First">Its first agent; its agents are [First, First + States.Length).</param>
/// <param name="AgentCount">The run's K.</param>
/// <param name="NeighbourStarts">Where each agent's neighbours start in <paramref name="Neighbours"/>, one more entry than agents.</param>
/// <param name="Neighbours">Every agent's neighbours, in agent order and graph order.</param>
/// <param name="Exports">Its agents that agents of other blocks attend to, ascending.</param>
/// <param name="Imports">The agents of other blocks its agents attend to, grouped by their block.</param>
/// <param name="Options">The run's options (seed, schedule, response).</param>
/// <param name="States">Its agents' initial states.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmBlockInit(
    [property: Id(0)] int Block, [property: Id(1)] int First, [property: Id(2)] int AgentCount,
    [property: Id(3)] int[] NeighbourStarts, [property: Id(4)] int[] Neighbours, [property: Id(5)] int[] Exports,
    [property: Id(6)] SwarmBlockImport[] Imports, [property: Id(7)] SwarmOptions Options, [property: Id(8)] SwarmAgentState[] States);

/// <summary>The agents of one other block that a block's agents attend to.</summary>
/// <param name="Block">The other block.</param>
/// <param name="Agents">Its agents, ascending.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmBlockImport([property: Id(0)] int Block, [property: Id(1)] int[] Agents);

/// <summary>A block's request for another block's boundary.</summary>
/// <param name="Round">The round whose start is asked for.</param>
/// <param name="Agents">The agents, ascending.</param>
/// <param name="Have">The round the requester's copies of these agents are from (−1: it has none), for deltas.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmBoundaryRequest([property: Id(0)] int Round, [property: Id(1)] int[] Agents, [property: Id(2)] int Have);

/// <summary>The round-start systems of the agents a <see cref="SwarmBoundaryRequest"/> asked for, in its order.</summary>
/// <param name="Round">The round.</param>
/// <param name="Agents">One entry per requested agent.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmBoundary([property: Id(0)] int Round, [property: Id(1)] SwarmBoundaryAgent[] Agents);

/// <summary>
/// One agent's system at the start of a round: in full, or (<see cref="IsDelta"/>) its spins
/// only, when its couplings and fields are those of the requester's copy.
/// </summary>
/// <param name="Agent">The agent.</param>
/// <param name="Couplings">n×n couplings, row-major; null in a delta.</param>
/// <param name="Fields">n fields; null in a delta.</param>
/// <param name="Spins">n spins.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmBoundaryAgent([property: Id(0)] int Agent, [property: Id(1)] double[]? Couplings,
    [property: Id(2)] double[]? Fields, [property: Id(3)] sbyte[] Spins)
{
    /// <summary>Whether only the spins travel.</summary>
    public bool IsDelta => Couplings is null;

    /// <summary>The bytes of its arrays: 8(n² + n) + n in full, n as a delta.</summary>
    public long Bytes => 8L * ((Couplings?.Length ?? 0) + (Fields?.Length ?? 0)) + Spins.Length;
}

/// <summary>
/// A block's round: its agents' records and the boundary it received. The records travel as
/// their raw little-endian bytes, which Orleans' serializer copies in bulk: thousands of records
/// per block and round, written field by field, would cost the coordinator more than the round.
/// </summary>
/// <param name="Records">The records' bytes (<see cref="Of"/>).</param>
/// <param name="Exchange">The boundary this block fetched for the round.</param>
/// <param name="Silo">The silo that computed it.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmBlockRound([property: Id(0)] byte[] Records, [property: Id(1)] SwarmExchange Exchange,
    [property: Id(2)] string Silo)
{
    /// <summary>One record per agent of the block, in agent order.</summary>
    public ReadOnlySpan<SwarmAgentRound> Agents => MemoryMarshal.Cast<byte, SwarmAgentRound>(Records.AsSpan());

    /// <summary>The round of <paramref name="agents"/>.</summary>
    /// <param name="agents">One record per agent of the block, in agent order.</param>
    /// <param name="exchange">The boundary the block fetched.</param>
    /// <param name="silo">The silo that computed it.</param>
    public static SwarmBlockRound Of(ReadOnlySpan<SwarmAgentRound> agents, SwarmExchange exchange, string silo)
    {
        SwarmBlockCheckpoint.RequireLittleEndian("a block's round carries its records");
        return new SwarmBlockRound(MemoryMarshal.AsBytes(agents).ToArray(), exchange, silo);
    }
}

/// <summary>Boundary traffic: the bytes of the systems' arrays, and how many travelled in full and as deltas.</summary>
/// <param name="Bytes">Bytes of couplings, fields and spins (<see cref="SwarmBoundaryAgent.Bytes"/>).</param>
/// <param name="Full">Agents sent in full.</param>
/// <param name="Deltas">Agents sent as spins only.</param>
[GenerateSerializer, Immutable]
public readonly record struct SwarmExchange([property: Id(0)] long Bytes, [property: Id(1)] long Full, [property: Id(2)] long Deltas)
{
    /// <summary>The sum of two exchanges.</summary>
    /// <param name="a">One.</param>
    /// <param name="b">The other.</param>
    public static SwarmExchange operator +(SwarmExchange a, SwarmExchange b) => new(a.Bytes + b.Bytes, a.Full + b.Full, a.Deltas + b.Deltas);

    /// <summary>The sum of two exchanges.</summary>
    /// <param name="other">The other.</param>
    public SwarmExchange Add(SwarmExchange other) => this + other;
}

/// <summary>A block's committed state.</summary>
/// <param name="Round">Rounds committed (the next round's index).</param>
/// <param name="States">Its agents' states at the start of that round, in agent order.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmBlockCommitted([property: Id(0)] int Round, [property: Id(1)] SwarmAgentState[] States);

/// <summary>
/// A block lost what it held in memory: it was re-activated (its silo stopped) from its last
/// checkpoint, so a pending step or the rounds since the checkpoint are gone, or it was asked
/// for a round it is not at. The coordinator rolls every block back to the last checkpoint and
/// redoes the rounds since; nothing checkpointed is lost.
/// </summary>
[GenerateSerializer]
public sealed class SwarmStepLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SwarmStepLostException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was lost.</param>
    public SwarmStepLostException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was lost.</param>
    /// <param name="inner">The cause.</param>
    public SwarmStepLostException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Keys of the block grains.</summary>
public static class SwarmBlockGrainKey
{
    /// <summary><c>"{runId}/{block}"</c>.</summary>
    /// <param name="runId">The run (no '/').</param>
    /// <param name="block">The block's index.</param>
    public static string Of(string runId, int block) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{runId}/{block}");

    /// <summary>The run and the block of a key made by <see cref="Of"/>.</summary>
    /// <param name="key">The key.</param>
    public static (string RunId, int Block) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int slash = key.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int block))
            throw new ArgumentException($"key: \"{key}\" is not a block grain's key (\"RUNID/BLOCK\").", nameof(key));
        return (key[..slash], block);
    }
}
