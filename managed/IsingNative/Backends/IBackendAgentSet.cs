using IsingNative.Core;

namespace IsingNative.Backends;

/// <summary>
/// The controls of one long set call: a cancellation token checked between tiles and a
/// progress sink told after each tile (on the calling thread, never after the call returns).
/// </summary>
internal readonly struct RunControl(CancellationToken token, IProgress<BatchProgress>? progress)
{
    public readonly CancellationToken Token = token;
    public readonly IProgress<BatchProgress>? Progress = progress;

    /// <summary>No token that can be cancelled and no progress sink: the call needs no controls.</summary>
    public bool IsNone => !Token.CanBeCanceled && Progress is null;

    public static RunControl None => default;
}

/// <summary>
/// A backend's copy (or views) of K member systems, created once and run many times (the C
/// API's <c>isn_agent_set</c>). Members are named by index. The engine's <see cref="AgentSet"/>
/// validates every argument and pushes changed members before a call; implementations only
/// compute, bit-identically to the borrowed-view operations of <see cref="IComputeBackend"/>.
/// One call at a time (the owning AgentSet serialises them).
/// </summary>
internal interface IBackendAgentSet : IDisposable
{
    /// <summary>Members.</summary>
    int Count { get; }

    /// <summary>
    /// Whether calls read the members' own arrays (views), not copies taken at the last push:
    /// then a member mutated during a call can tear what the call read, and the owning
    /// <see cref="AgentSet"/> checks the members again after the call. True unless a set copies.
    /// </summary>
    bool ReadsMembers => true;

    /// <summary>Count, largest n, host and device bytes.</summary>
    AgentSetInfo Info();

    /// <summary>Replaces member <paramref name="index"/> with <paramref name="system"/> (J, h and spins; any n).</summary>
    /// <param name="index">The member.</param>
    /// <param name="system">Its new view.</param>
    /// <param name="norm">The member's §6 norm when already known, else NaN.</param>
    void Update(int index, SystemView system, double norm);

    /// <summary>Replaces only member <paramref name="index"/>'s spins (J and h unchanged).</summary>
    void UpdateSpins(int index, SystemView system);

    /// <summary>Anneals members[k]'s J and h with seeds[k]; spinsOut is the concatenation of their final spins.</summary>
    void Anneal(ReadOnlySpan<int> members, ReadOnlySpan<ulong> seeds, in AnnealParams parameters,
        Span<sbyte> spinsOut, Span<AnnealStats> stats, in RunControl control);

    /// <summary>Observables of the listed members.</summary>
    void Observe(ReadOnlySpan<int> members, Span<Observables> results);

    /// <summary>Observables of every member, in order.</summary>
    void ObserveAll(Span<Observables> results);

    /// <summary>Empathy for each (self, other, seed) pair of member indices.</summary>
    void Empathy(ReadOnlySpan<AgentPair> pairs, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results, in RunControl control);

    /// <summary>
    /// §7 social attention of self over others (seeds seedBase + k); returns the first argmax.
    /// The empathies run in tiles under <paramref name="control"/> (progress counts them); a
    /// cancellation throws with NOTHING written (the aggregate needs every other).
    /// </summary>
    int SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, in AnnealParams parameters,
        in ScoreWeights weights, Span<double> weightsOut, Span<EmpathyResult> results, out EmotionVector collective,
        in RunControl control);

    /// <summary>The K×K matrix (seed seedBase + a·K + b); scores K·K or empty, results K·K or empty (not both empty).</summary>
    void EmpathyMatrix(ulong seedBase, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control);

    /// <summary>The matrix entries of the given edges; scores/results as for the matrix, one per edge.</summary>
    void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control);

    /// <summary>§7 / §7.1 quick estimates of member pairs (seeds ignored), of the method <paramref name="parameters"/> names.</summary>
    void Quick(ReadOnlySpan<AgentPair> pairs, in QuickParams parameters, Span<QuickEstimate> results);

    /// <summary>§6 similarities of member pairs (seeds ignored).</summary>
    void CouplingSimilarity(ReadOnlySpan<AgentPair> pairs, Span<double> results);
}
