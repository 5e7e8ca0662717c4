using System.Runtime.InteropServices;
using IsingNative.Core;

namespace IsingNative.Backends;

/// <summary>One anneal of a batch (the C API's <c>ising_anneal_task</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly unsafe struct AnnealTask(SystemView system, ulong seed, sbyte* spinsOut)
{
    /// <summary>The system whose J and h are annealed (its spins are not read).</summary>
    public readonly SystemView System = system;
    /// <summary>The anneal's seed.</summary>
    public readonly ulong Seed = seed;
    /// <summary>n bytes receiving the final spins.</summary>
    public readonly sbyte* SpinsOut = spinsOut;
}

/// <summary>
/// One empathy of a batch (the C API's <c>ising_empathy_task</c>). The coupling
/// similarity may be supplied by the engine's cache; NaN asks the backend to compute it
/// from the norms (themselves NaN when not cached) and the dot product.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct EmpathyTask(SystemView self, SystemView other, ulong seed,
    double selfNorm, double otherNorm, double similarity, double otherEnergy = double.NaN)
{
    /// <summary>The empathising system (only its couplings are read).</summary>
    public readonly SystemView Self = self;
    /// <summary>The simulated system (J and h annealed, spins are the truth).</summary>
    public readonly SystemView Other = other;
    /// <summary>The anneal's seed.</summary>
    public readonly ulong Seed = seed;
    /// <summary>§6 Σ upper-triangle squares of Self's J, or NaN.</summary>
    public readonly double SelfNorm = selfNorm;
    /// <summary>The same for Other, or NaN.</summary>
    public readonly double OtherNorm = otherNorm;
    /// <summary>The §6 similarity, or NaN.</summary>
    public readonly double Similarity = similarity;
    /// <summary>The §3 energy of Other's actual spins when already known (an agent set caches it), or NaN.</summary>
    public readonly double OtherEnergy = otherEnergy;
}

/// <summary>
/// The compute operations an <see cref="IsingEngine"/> delegates, shaped like a C API:
/// flat, blittable data in, results written into caller-provided buffers, batches
/// first. The managed backend implements it with the Core primitives; a native backend
/// implements it by P/Invoke. Implementations must follow docs/ALGORITHM.md bit for bit
/// and must not keep any pointer after a call returns. Thread-safe.
/// </summary>
internal interface IComputeBackend : IDisposable
{
    /// <summary>The resolved kind (never Auto).</summary>
    BackendKind Kind { get; }

    /// <summary>"managed", "native-cpu" or "gpu".</summary>
    string Name { get; }

    /// <summary>Runs every anneal of <paramref name="tasks"/> (§4) with the same parameters.</summary>
    void Anneal(ReadOnlySpan<AnnealTask> tasks, in AnnealParams parameters, Span<AnnealStats> results);

    /// <summary>Runs every empathy of <paramref name="tasks"/> (§5), in parallel where the batch allows.</summary>
    void Empathy(ReadOnlySpan<EmpathyTask> tasks, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results);

    /// <summary>
    /// §7 / §7.1 quick estimates of every task (seeds ignored): the roadmap formula or the quench,
    /// as <paramref name="parameters"/> says. A task's Similarity and OtherEnergy are used when
    /// known (not NaN). Computed on the host in every backend.
    /// </summary>
    void Estimate(ReadOnlySpan<EmpathyTask> tasks, in QuickParams parameters, Span<QuickEstimate> results);

    /// <summary>§3 observables of every system.</summary>
    void Observe(ReadOnlySpan<SystemView> systems, Span<Observables> results);

    /// <summary>§6 Σ of the squares of the strict upper triangle of J.</summary>
    double CouplingNormSquared(SystemView system);

    /// <summary>§6 similarity from the dot product and the two (already known) norms.</summary>
    double CouplingSimilarity(SystemView a, SystemView b, double normA, double normB);

    /// <summary>
    /// §10 fixed-β chain. Starts from <paramref name="start"/> (n spins) or, when null, from
    /// INIT_SPINS; writes samples*n spins to <paramref name="states"/> and samples energies.
    /// </summary>
    unsafe TrialCounts Sample(SystemView system, double beta, int samples, int thin, int burnIn, ulong seed,
        AcceptanceRule acceptance, sbyte* start, sbyte* states, double* energies);

    /// <summary>
    /// An agent set over <paramref name="members"/> (already validated systems, each with
    /// spins). <paramref name="norms"/>: the members' §6 norms when known (NaN entries, or
    /// empty, are computed). The members' arrays must stay alive and pinned for the set's life.
    /// </summary>
    IBackendAgentSet CreateSet(ReadOnlySpan<SystemView> members, ReadOnlySpan<double> norms);
}
