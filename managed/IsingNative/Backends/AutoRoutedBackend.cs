using IsingNative.Core;

namespace IsingNative.Backends;

/// <summary>The operation families of <see cref="IComputeBackend"/> that Auto routes one by one.</summary>
internal enum AutoOperation
{
    /// <summary><see cref="IComputeBackend.Anneal"/>.</summary>
    Anneal,
    /// <summary><see cref="IComputeBackend.Empathy"/> (single, batch, matrix of borrowed systems).</summary>
    Empathy,
    /// <summary><see cref="IComputeBackend.Estimate"/> (quick estimates).</summary>
    Estimate,
    /// <summary><see cref="IComputeBackend.Observe"/> (Observe, ObserveBatch, the emotion of a system).</summary>
    Observe,
    /// <summary><see cref="IComputeBackend.CouplingNormSquared"/> and <see cref="IComputeBackend.CouplingSimilarity"/>.</summary>
    Coupling,
    /// <summary><see cref="IComputeBackend.Sample"/>.</summary>
    Sample,
    /// <summary><see cref="IComputeBackend.CreateSet"/> and every call on the set.</summary>
    AgentSet,
}

/// <summary>
/// What <see cref="BackendKind.Auto"/> hands out when it picked the native CPU engine: each
/// operation family goes to the engine the routing <see cref="Table"/> names. Every backend
/// computes the same bits (docs/ALGORITHM.md), so a route changes speed only; the engine
/// reports itself as the native CPU engine (<see cref="Kind"/>, <see cref="Name"/>), the
/// choice Auto made for the work that dominates (annealing).
/// </summary>
internal sealed class AutoRoutedBackend : IComputeBackend
{
    /// <summary>
    /// The routing table, one row per family (docs/PERFORMANCE.md, "Auto, per operation", has
    /// the measurements). Only Observe leaves the native CPU engine: a borrowed native observe
    /// re-validates every J at the C boundary (O(n²) per system, as much as the observables
    /// themselves), so the managed engine, which trusts the engine's own validated systems, is
    /// about twice as fast. Agent sets stay native: their observe is a copy of cached values.
    /// </summary>
    internal static readonly IReadOnlyList<(AutoOperation Operation, BackendKind Engine)> Table =
    [
        (AutoOperation.Anneal, BackendKind.NativeCpu),
        (AutoOperation.Empathy, BackendKind.NativeCpu),
        (AutoOperation.Estimate, BackendKind.NativeCpu),
        (AutoOperation.Observe, BackendKind.Managed),
        (AutoOperation.Coupling, BackendKind.NativeCpu),
        (AutoOperation.Sample, BackendKind.NativeCpu),
        (AutoOperation.AgentSet, BackendKind.NativeCpu),
    ];

    private readonly IComputeBackend _native;
    private readonly IComputeBackend _managed;
    private readonly IComputeBackend _anneal, _empathy, _estimate, _observe, _coupling, _sample, _set;

    /// <param name="native">The native CPU engine (Kind NativeCpu), or a stand-in in tests.</param>
    /// <param name="managed">The managed engine (Kind Managed), or a stand-in in tests.</param>
    public AutoRoutedBackend(IComputeBackend native, IComputeBackend managed)
    {
        _native = native;
        _managed = managed;
        // Resolved once: a call pays one field load for its route, nothing else.
        _anneal = For(AutoOperation.Anneal);
        _empathy = For(AutoOperation.Empathy);
        _estimate = For(AutoOperation.Estimate);
        _observe = For(AutoOperation.Observe);
        _coupling = For(AutoOperation.Coupling);
        _sample = For(AutoOperation.Sample);
        _set = For(AutoOperation.AgentSet);
    }

    /// <summary>The backend the table routes <paramref name="operation"/> to.</summary>
    internal IComputeBackend For(AutoOperation operation)
    {
        foreach ((AutoOperation op, BackendKind engine) in Table)
            if (op == operation) return engine == BackendKind.Managed ? _managed : _native;
        throw new ArgumentOutOfRangeException(nameof(operation), operation, $"operation {operation} has no row in Auto's routing table.");
    }

    public BackendKind Kind => _native.Kind;
    public string Name => _native.Name;

    public void Anneal(ReadOnlySpan<AnnealTask> tasks, in AnnealParams parameters, Span<AnnealStats> results)
        => _anneal.Anneal(tasks, parameters, results);

    public void Empathy(ReadOnlySpan<EmpathyTask> tasks, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results)
        => _empathy.Empathy(tasks, parameters, weights, results);

    public void Estimate(ReadOnlySpan<EmpathyTask> tasks, in QuickParams parameters, Span<QuickEstimate> results)
        => _estimate.Estimate(tasks, parameters, results);

    public void Observe(ReadOnlySpan<SystemView> systems, Span<Observables> results)
        => _observe.Observe(systems, results);

    public double CouplingNormSquared(SystemView system) => _coupling.CouplingNormSquared(system);

    public double CouplingSimilarity(SystemView a, SystemView b, double normA, double normB)
        => _coupling.CouplingSimilarity(a, b, normA, normB);

    public unsafe TrialCounts Sample(SystemView system, double beta, int samples, int thin, int burnIn, ulong seed,
        AcceptanceRule acceptance, sbyte* start, sbyte* states, double* energies)
        => _sample.Sample(system, beta, samples, thin, burnIn, seed, acceptance, start, states, energies);

    public IBackendAgentSet CreateSet(ReadOnlySpan<SystemView> members, ReadOnlySpan<double> norms)
        => _set.CreateSet(members, norms);

    public void Dispose()
    {
        _native.Dispose();
        _managed.Dispose();
    }
}
