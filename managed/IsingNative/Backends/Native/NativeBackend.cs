using System.Buffers;
using IsingNative.Core;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// The NativeCpu and Gpu backends: every <see cref="IComputeBackend"/> operation is one call
/// of the C API (native/include/isingnative.h) through the generated bindings. The systems'
/// arrays are already pinned by <see cref="IsingSystem"/>, so views point straight at them
/// (no copies of J, h or spins); single-item calls build their views on the stack and
/// allocate nothing in steady state.
/// </summary>
/// <remarks>
/// Concurrency: a native context runs one call at a time (the library serialises calls on a
/// context). Batches go to one context that parallelises itself (CPU: the engine's thread
/// count; GPU: one launch). Single-item calls on the CPU take a one-thread context from a
/// small lock-free pool, so concurrent <c>Empathy</c> calls from several threads run in
/// parallel instead of queueing on the batch context. On the GPU everything goes to the
/// device's context.
/// </remarks>
internal sealed unsafe class NativeBackend : IComputeBackend
{
    private readonly NativeContextHandle _batch;
    private readonly NativeContextHandle?[]? _singles;
    private volatile bool _disposed;

    private NativeBackend(BackendKind kind, NativeContextHandle batch, bool pooledSingles)
    {
        Kind = kind;
        _batch = batch;
        if (pooledSingles) _singles = new NativeContextHandle?[Math.Max(2, Environment.ProcessorCount)];
        Description = batch.Describe(kind);
    }

    /// <summary>A native CPU backend whose batches use <paramref name="threads"/> threads.</summary>
    /// <exception cref="BackendUnavailableException">The library is not usable here.</exception>
    public static NativeBackend CreateCpu(int threads)
    {
        RequireLibrary(BackendKind.NativeCpu);
        // The C API caps a context at 1024 threads; more would only oversubscribe anyway.
        return new NativeBackend(BackendKind.NativeCpu, NativeContextHandle.CreateCpu(Math.Min(threads, 1024)), pooledSingles: true);
    }

    /// <summary>A GPU backend on device 0.</summary>
    /// <exception cref="BackendUnavailableException">No usable library or no GPU (message says which).</exception>
    public static NativeBackend CreateGpu()
    {
        RequireLibrary(BackendKind.Gpu);
        return new NativeBackend(BackendKind.Gpu, NativeContextHandle.CreateGpu(0), pooledSingles: false);
    }

    private static void RequireLibrary(BackendKind kind)
    {
        NativeLibraryState lib = NativeLibraryState.Current;
        if (!lib.Usable)
            throw new BackendUnavailableException(kind,
                $"backend {IsingEngine.NameOf(kind)} is unavailable: {lib.Detail}. Set {NativeLibraryResolver.EnvironmentVariable} " +
                "to the library file or its folder, reference the IsingNative package (it carries the library in runtimes/<rid>/native/), " +
                "or create the engine with BackendKind.Managed or BackendKind.Auto.", lib.Detail);
    }

    public BackendKind Kind { get; }

    public string Name => IsingEngine.NameOf(Kind);

    /// <summary>The batch context's description ("cpu, 2 threads", "gpu 0: ...").</summary>
    public string Description { get; }

    // ---- contexts --------------------------------------------------------------------------

    private NativeContextHandle Rent(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count != 1 || _singles is null) return _batch;
        for (int i = 0; i < _singles.Length; i++)
        {
            NativeContextHandle? c = Interlocked.Exchange(ref _singles[i], null);
            if (c is not null) return c;
        }
        return NativeContextHandle.CreateCpu(1);   // first use, or more concurrent callers than slots
    }

    private void Return(NativeContextHandle context)
    {
        if (ReferenceEquals(context, _batch)) return;
        if (!_disposed && _singles is not null)
            for (int i = 0; i < _singles.Length; i++)
                if (Interlocked.CompareExchange(ref _singles[i], context, null) is null)
                {
                    // Dispose may have swept the slots between the check above and the store:
                    // then take it back out and release it here (whoever empties the slot does).
                    if (_disposed) Interlocked.Exchange(ref _singles[i], null)?.Dispose();
                    return;
                }
        context.Dispose();
    }

    // ---- operations -----------------------------------------------------------------------

    public void Anneal(ReadOnlySpan<AnnealTask> tasks, in AnnealParams parameters, Span<AnnealStats> results)
    {
        int count = tasks.Length;
        if (count == 0) return;
        IsnAnnealOptions options = NativeConvert.Options(parameters);
        if (count == 1)
        {
            IsnSystemView view = NativeConvert.View(tasks[0].System);
            ulong seed = tasks[0].Seed;
            IsnAnnealStats stats;
            NativeContextHandle c = Rent(1);
            try
            {
                using var lease = new ContextLease(c);
                NativeErrors.Check(IsingNativeApi.isn_anneal_batch(lease.Context, &view, 1, &seed, &options, tasks[0].SpinsOut, &stats), Kind);
            }
            finally { Return(c); }
            results[0] = NativeConvert.Stats(stats);
            return;
        }

        long totalSpins = 0;
        for (int k = 0; k < count; k++) totalSpins += tasks[k].System.N;
        if (totalSpins > Array.MaxLength)
            throw new ArgumentException($"tasks: {totalSpins} spins in one batch do not fit in one buffer.", nameof(tasks));
        IsnSystemView[] views = ArrayPool<IsnSystemView>.Shared.Rent(count);
        ulong[] seeds = ArrayPool<ulong>.Shared.Rent(count);
        IsnAnnealStats[] stats2 = ArrayPool<IsnAnnealStats>.Shared.Rent(count);
        sbyte[] spins = ArrayPool<sbyte>.Shared.Rent((int)totalSpins);
        try
        {
            for (int k = 0; k < count; k++) { views[k] = NativeConvert.View(tasks[k].System); seeds[k] = tasks[k].Seed; }
            fixed (IsnSystemView* v = views)
            fixed (ulong* s = seeds)
            fixed (IsnAnnealStats* st = stats2)
            fixed (sbyte* sp = spins)
            {
                using var lease = new ContextLease(Rent(count));
                NativeErrors.Check(IsingNativeApi.isn_anneal_batch(lease.Context, v, count, s, &options, sp, st), Kind);
            }
            long offset = 0;
            for (int k = 0; k < count; k++)
            {
                int n = tasks[k].System.N;
                spins.AsSpan((int)offset, n).CopyTo(new Span<sbyte>(tasks[k].SpinsOut, n));
                offset += n;
                results[k] = NativeConvert.Stats(stats2[k]);
            }
        }
        finally
        {
            ArrayPool<IsnSystemView>.Shared.Return(views);
            ArrayPool<ulong>.Shared.Return(seeds);
            ArrayPool<IsnAnnealStats>.Shared.Return(stats2);
            ArrayPool<sbyte>.Shared.Return(spins);
        }
    }

    /// <remarks>
    /// The tasks' cached norms and similarity are not passed on: the C API computes the §6
    /// similarity itself, with the same operation order, so the result is the same bits.
    /// </remarks>
    public void Empathy(ReadOnlySpan<EmpathyTask> tasks, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results)
    {
        int count = tasks.Length;
        if (count == 0) return;
        IsnEmpathyOptions options = NativeConvert.Options(parameters, weights);
        if (count == 1)
        {
            IsnSystemView* views = stackalloc IsnSystemView[2];
            views[0] = NativeConvert.View(tasks[0].Self);
            views[1] = NativeConvert.View(tasks[0].Other);
            IsnPair pair = new() { self_index = 0, other_index = 1, seed = tasks[0].Seed };
            IsnEmpathyResult result;
            NativeContextHandle c = Rent(1);
            try
            {
                using var lease = new ContextLease(c);
                NativeErrors.Check(IsingNativeApi.isn_empathy_batch(lease.Context, views, 2, &pair, 1, &options, &result), Kind);
            }
            finally { Return(c); }
            results[0] = NativeConvert.Result(result);
            return;
        }

        // A batch: each distinct system is passed once (a swarm's K agents, not 2·K² views),
        // which also spares the library K² validations and, on a GPU, K² uploads.
        IsnSystemView[] systems = ArrayPool<IsnSystemView>.Shared.Rent(2 * count);
        IsnPair[] pairs = ArrayPool<IsnPair>.Shared.Rent(count);
        IsnEmpathyResult[] native = ArrayPool<IsnEmpathyResult>.Shared.Rent(count);
        try
        {
            int systemCount = Distinct(tasks, systems, pairs);
            fixed (IsnSystemView* v = systems)
            fixed (IsnPair* p = pairs)
            fixed (IsnEmpathyResult* r = native)
            {
                using var lease = new ContextLease(Rent(count));
                NativeErrors.Check(IsingNativeApi.isn_empathy_batch(lease.Context, v, systemCount, p, count, &options, r), Kind);
            }
            for (int k = 0; k < count; k++) results[k] = NativeConvert.Result(native[k]);
        }
        finally
        {
            ArrayPool<IsnSystemView>.Shared.Return(systems);
            ArrayPool<IsnPair>.Shared.Return(pairs);
            ArrayPool<IsnEmpathyResult>.Shared.Return(native);
        }
    }

    public void Estimate(ReadOnlySpan<EmpathyTask> tasks, in QuickParams parameters, Span<QuickEstimate> results)
    {
        int count = tasks.Length;
        if (count == 0) return;
        // Computed on the host by the library (isn_estimate_batch) whatever the context's device:
        // the same bits as the managed engine's Quench/Scoring. The similarity is the library's own (§6).
        IsnEstimateOptions options = NativeConvert.Options(parameters);
        IsnSystemView[] systems = ArrayPool<IsnSystemView>.Shared.Rent(2 * count);
        IsnPair[] pairs = ArrayPool<IsnPair>.Shared.Rent(count);
        try
        {
            int systemCount = Distinct(tasks, systems, pairs);
            fixed (IsnSystemView* v = systems)
            fixed (IsnPair* p = pairs)
            fixed (QuickEstimate* r = results)
            {
                using var lease = new ContextLease(Rent(count));
                NativeErrors.Check(IsingNativeApi.isn_estimate_batch(lease.Context, v, systemCount, p, count, &options,
                    (IsnQuickEstimate*)r), Kind);
            }
        }
        finally
        {
            ArrayPool<IsnSystemView>.Shared.Return(systems);
            ArrayPool<IsnPair>.Shared.Return(pairs);
        }
    }

    /// <summary>Distinct systems of the largest batch whose view map is kept for reuse (bounds the memory kept per thread).</summary>
    private const int MaxCachedViews = 16384;

    /// <summary>Per-thread map from a system's pointers to its index in a batch's view array (reused: batches allocate nothing in steady state).</summary>
    [ThreadStatic] private static Dictionary<(nint, nint, nint, int), int>? t_viewIndex;

    /// <summary>
    /// Fills <paramref name="pairs"/> (with the tasks' seeds) and <paramref name="systems"/> with each
    /// distinct system of <paramref name="tasks"/> once, in first-use order; returns how many systems.
    /// </summary>
    private static int Distinct(ReadOnlySpan<EmpathyTask> tasks, IsnSystemView[] systems, IsnPair[] pairs)
    {
        Dictionary<(nint, nint, nint, int), int> index = t_viewIndex ?? new();
        t_viewIndex = null;
        try
        {
            int systemCount = 0;
            for (int k = 0; k < tasks.Length; k++)
            {
                pairs[k] = new IsnPair
                {
                    self_index = IndexOf(tasks[k].Self, systems, ref systemCount, index),
                    other_index = IndexOf(tasks[k].Other, systems, ref systemCount, index),
                    seed = tasks[k].Seed,
                };
            }
            return systemCount;
        }
        finally
        {
            // Keep the (cleared) map for this thread's next batch, unless a huge batch grew it.
            if (index.Count <= MaxCachedViews) { index.Clear(); t_viewIndex = index; }
        }
    }

    private static int IndexOf(SystemView s, IsnSystemView[] systems, ref int systemCount, Dictionary<(nint, nint, nint, int), int> index)
    {
        var key = ((nint)s.J, (nint)s.H, (nint)s.S, s.N);
        if (index.TryGetValue(key, out int i)) return i;
        i = systemCount++;
        systems[i] = NativeConvert.View(s);
        index.Add(key, i);
        return i;
    }

    public void Observe(ReadOnlySpan<SystemView> systems, Span<Observables> results)
    {
        int count = systems.Length;
        if (count == 0) return;
        if (count == 1)
        {
            IsnSystemView view = NativeConvert.View(systems[0]);
            IsnObservables o;
            NativeContextHandle c = Rent(1);
            try
            {
                using var lease = new ContextLease(c);
                NativeErrors.Check(IsingNativeApi.isn_observe_batch(lease.Context, &view, 1, &o), Kind);
            }
            finally { Return(c); }
            results[0] = NativeConvert.Observables(o);
            return;
        }
        IsnSystemView[] views = ArrayPool<IsnSystemView>.Shared.Rent(count);
        IsnObservables[] native = ArrayPool<IsnObservables>.Shared.Rent(count);
        try
        {
            for (int k = 0; k < count; k++) views[k] = NativeConvert.View(systems[k]);
            fixed (IsnSystemView* v = views)
            fixed (IsnObservables* r = native)
            {
                using var lease = new ContextLease(Rent(count));
                NativeErrors.Check(IsingNativeApi.isn_observe_batch(lease.Context, v, count, r), Kind);
            }
            for (int k = 0; k < count; k++) results[k] = NativeConvert.Observables(native[k]);
        }
        finally
        {
            ArrayPool<IsnSystemView>.Shared.Return(views);
            ArrayPool<IsnObservables>.Shared.Return(native);
        }
    }

    /// <remarks>
    /// The C API has no norm entry point (it computes norms inside its similarity); this is
    /// the §6 sum in its contract order, which the engine only uses to feed its cache.
    /// </remarks>
    public double CouplingNormSquared(SystemView system) => Scoring.UpperNormSquared(system.N, system.J);

    /// <remarks>The library recomputes the norms (same order, same bits); the cached ones are not needed.</remarks>
    public double CouplingSimilarity(SystemView a, SystemView b, double normA, double normB)
    {
        IsnSystemView* views = stackalloc IsnSystemView[2];
        views[0] = NativeConvert.View(a);
        views[1] = NativeConvert.View(b);
        IsnPair pair = new() { self_index = 0, other_index = 1 };
        double result;
        NativeContextHandle c = Rent(1);
        try
        {
            using var lease = new ContextLease(c);
            NativeErrors.Check(IsingNativeApi.isn_coupling_similarity_batch(lease.Context, views, 2, &pair, 1, &result), Kind);
        }
        finally { Return(c); }
        return result;
    }

    public TrialCounts Sample(SystemView system, double beta, int samples, int thin, int burnIn, ulong seed,
        AcceptanceRule acceptance, sbyte* start, sbyte* states, double* energies)
    {
        IsnSystemView view = NativeConvert.View(system);
        view.spins = start;   // NULL: the library starts from INIT_SPINS, like the managed chain
        IsnSampleStats stats;
        NativeContextHandle c = Rent(1);
        try
        {
            using var lease = new ContextLease(c);
            NativeErrors.Check(IsingNativeApi.isn_sample(lease.Context, &view, beta, samples, thin, burnIn, seed,
                (int)acceptance, states, energies, &stats), Kind);
        }
        finally { Return(c); }
        return new TrialCounts { Trials = stats.trials, Accepted = stats.accepted };
    }

    /// <remarks>Sets live on the batch context (a set belongs to the context it was created on).</remarks>
    public IBackendAgentSet CreateSet(ReadOnlySpan<SystemView> members, ReadOnlySpan<double> norms)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new NativeAgentSet(_batch, members, Kind);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_singles is not null)
            for (int i = 0; i < _singles.Length; i++) Interlocked.Exchange(ref _singles[i], null)?.Dispose();
        _batch.Dispose();
    }
}
