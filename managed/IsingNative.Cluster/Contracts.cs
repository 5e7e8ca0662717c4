using Orleans.Concurrency;

namespace IsingNative.Cluster;

/// <summary>
/// One swarm agent as a grain, keyed <c>"{runId}/{agent}"</c> (<see cref="SwarmAgentGrainKey"/>).
/// The round protocol (docs/CLUSTER.md §2): the coordinator calls <see cref="Step"/> on every
/// agent for round r, then <see cref="Commit"/> on every agent, which persists a checkpoint
/// every c rounds; after a fault it calls <see cref="Rollback"/> on every agent and redoes the
/// rounds since the last checkpoint. Step and Commit are idempotent per round.
/// </summary>
public interface ISwarmAgentGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes this grain agent <paramref name="init"/>.Agent of a run at round 0 and persists it
    /// (the checkpoint of round 0). Repeating the same Init is a no-op; a different one for an
    /// initialised agent is refused.
    /// </summary>
    /// <param name="init">The agent's index, the run's K, its neighbours, the run's options and its initial state.</param>
    Task Init(SwarmAgentInit init);

    /// <summary>
    /// The agent's state at the start of round <paramref name="round"/> and its observables. It
    /// answers for the round it is in and, after committing that round, still for the previous
    /// one (neighbours that are redoing it read it); for another round it throws
    /// <see cref="SwarmStepLostException"/>. Interleaves with every other call: it only reads.
    /// </summary>
    /// <param name="round">The round.</param>
    [AlwaysInterleave]
    Task<SwarmAgentSnapshot> GetSnapshot(int round);

    /// <summary>
    /// Computes the agent's round <paramref name="round"/> from its neighbours' snapshots (their
    /// empathies run in this silo's batch) and keeps the new state pending until
    /// <see cref="Commit"/>. A second call for the same round returns the same record, also
    /// after the round was committed. An agent at another round (re-activated from its
    /// checkpoint) throws <see cref="SwarmStepLostException"/>.
    /// </summary>
    /// <param name="round">The round (the agent's live round count, or one less).</param>
    Task<SwarmAgentRound> Step(int round);

    /// <summary>
    /// Makes the pending state of round <paramref name="round"/> the live state at the start of
    /// round + 1 and, when <paramref name="checkpoint"/>, persists it as the agent's newest
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

    /// <summary>The agent's live state and how many rounds it has committed (persisted or not).</summary>
    Task<SwarmAgentCommitted> GetState();

    /// <summary>Deletes the agent's persisted state and deactivates it (the run is over). Idempotent.</summary>
    Task Forget();
}

/// <summary>What a grain needs to become an agent.</summary>
/// <param name="Agent">The agent's index in [0, K).</param>
/// <param name="AgentCount">K.</param>
/// <param name="Neighbours">Its neighbours, in graph order.</param>
/// <param name="Options">The run's options (seed, schedule, response).</param>
/// <param name="State">The agent's initial state.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmAgentInit(
    [property: Id(0)] int Agent, [property: Id(1)] int AgentCount, [property: Id(2)] int[] Neighbours,
    [property: Id(3)] SwarmOptions Options, [property: Id(4)] SwarmAgentState State);

/// <summary>An agent's system at the start of a round and its observables then.</summary>
/// <param name="Round">The round.</param>
/// <param name="Couplings">n×n couplings, row-major.</param>
/// <param name="Fields">n fields.</param>
/// <param name="Spins">n spins.</param>
/// <param name="Observables">Its observables (what a neighbour's social attention reads).</param>
[GenerateSerializer, Immutable]
public sealed record SwarmAgentSnapshot(
    [property: Id(0)] int Round, [property: Id(1)] double[] Couplings, [property: Id(2)] double[] Fields,
    [property: Id(3)] sbyte[] Spins, [property: Id(4)] Observables Observables)
{
    /// <summary>The snapshot as a system of its own.</summary>
    public IsingSystem ToSystem() => IsingSystem.FromArrays(Fields.Length, Couplings, Fields, Spins);
}

/// <summary>An agent's committed state.</summary>
/// <param name="Round">Rounds committed (the next round's index).</param>
/// <param name="State">The state at the start of that round.</param>
[GenerateSerializer, Immutable]
public sealed record SwarmAgentCommitted([property: Id(0)] int Round, [property: Id(1)] SwarmAgentState State);

/// <summary>
/// An agent lost what it held in memory: it was re-activated (its silo stopped) from its last
/// checkpoint, so a pending step or the rounds since the checkpoint are gone, or it was asked
/// for a round it is not at. The coordinator rolls every agent back to the last checkpoint and
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

/// <summary>Keys of the agent grains.</summary>
public static class SwarmAgentGrainKey
{
    /// <summary><c>"{runId}/{agent}"</c>.</summary>
    /// <param name="runId">The run (no '/').</param>
    /// <param name="agent">The agent's index.</param>
    public static string Of(string runId, int agent) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{runId}/{agent}");
}
