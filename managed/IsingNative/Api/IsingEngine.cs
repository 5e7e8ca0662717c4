using System.Buffers;
using IsingNative.Backends;
using IsingNative.Backends.Native;
using IsingNative.Core;
using IsingNative.Diagnostics;
using Microsoft.Extensions.Logging;

namespace IsingNative;

/// <summary>
/// The entry point for every computation. An engine owns one compute backend (managed,
/// native CPU or GPU, behind the same internal interface), the coupling
/// similarity cache and the worker-thread budget. It validates arguments (nothing is
/// changed when a call fails), consults the caches, lays the work out as flat batches
/// and assembles the results; the backend computes. Results follow docs/ALGORITHM.md bit
/// for bit, whatever the backend and thread count.
/// </summary>
/// <remarks>
/// Threads (docs/MANAGED-API.md, "Threads"): one engine may be shared by any number of
/// threads. A call reads the systems it is given while it runs; if another thread mutates
/// one of them meanwhile, the call throws <see cref="SystemModifiedException"/> (naming the
/// argument) instead of returning a result computed from a mix of two states. Output spans of
/// a call that throws may hold partial values. <see cref="Dispose"/> may race with calls:
/// a call in progress completes or throws <see cref="ObjectDisposedException"/>, later calls
/// throw it.
/// </remarks>
public sealed partial class IsingEngine : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly CouplingSimilarityCache _similarity = new(CouplingSimilarityCache.DefaultCapacity);
    private volatile bool _disposed;
    private int _disposeStarted;

    private IsingEngine(IComputeBackend backend, int threads)
    {
        _backend = backend;
        Threads = threads;
    }

    /// <summary>
    /// The name of the library's <see cref="System.Diagnostics.Metrics.Meter"/> and
    /// <see cref="System.Diagnostics.ActivitySource"/> ("IsingNative"): subscribe with
    /// <c>AddMeter(IsingEngine.TelemetryName)</c> and <c>AddSource(IsingEngine.TelemetryName)</c>
    /// (docs/MANAGED-API.md, "Observability").
    /// </summary>
    public const string TelemetryName = "IsingNative";

    /// <summary>Creates an engine.</summary>
    /// <param name="backend">The backend; <see cref="BackendKind.Auto"/> picks <see cref="AutoChoice"/>.</param>
    /// <param name="threads">Worker threads for batches (≥ 1); null uses every core.</param>
    /// <param name="logger">Told which backend the engine runs on and why (information), of a backend Auto
    /// could not create (warning) and of a later switch from the GPU to the CPU (warning); null logs nothing.</param>
    /// <exception cref="BackendUnavailableException">The requested backend is not available here.</exception>
    public static IsingEngine Create(BackendKind backend = BackendKind.Auto, int? threads = null, ILogger? logger = null)
    {
        if (!Enum.IsDefined(backend))
            throw new ArgumentOutOfRangeException(nameof(backend), backend, $"backend has an unknown value {(int)backend}.");
        int t = threads ?? Environment.ProcessorCount;
        if (t < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must be >= 1, got {t}.");
        IComputeBackend created = backend == BackendKind.Auto ? CreateAuto(t, logger) : CreateBackend(backend, t);
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
        {
            string why = backend != BackendKind.Auto ? "as requested"
                : created.Kind == AutoChoice ? "Auto's choice on this machine"
                : $"Auto's choice {NameOf(AutoChoice)} could not be created";
            EngineLog.BackendChosen(logger, created.Name, t, why, DescribeBackendsLine());
        }
        return new IsingEngine(created, t);
    }

    /// <summary><see cref="DescribeBackends"/> on one line, for the log.</summary>
    private static string DescribeBackendsLine() => string.Join("; ",
        DescribeBackends().Select(b => $"{b.Name} {(b.Available ? "available" : "unavailable")} ({b.Detail})"));

    /// <summary>An engine over a given backend (tests use it to inject faults).</summary>
    internal static IsingEngine CreateWith(IComputeBackend backend, int threads) => new(backend, threads);

    private static IComputeBackend CreateBackend(BackendKind kind, int threads) => kind switch
    {
        BackendKind.Managed => new ManagedBackend(threads),
        BackendKind.NativeCpu => NativeBackend.CreateCpu(threads),
        BackendKind.Gpu => NativeBackend.CreateGpu(),
        _ => throw new BackendUnavailableException(kind, $"backend {NameOf(kind)} is unknown."),
    };

    /// <summary>
    /// Auto never fails for want of a device: it tries <see cref="AutoChoice"/>, then the
    /// CPU path; a GPU it gets is wrapped so that a later device fault replays the request
    /// on the CPU (<see cref="FallbackBackend"/>); the native CPU engine it gets is wrapped so
    /// that each operation family runs on the faster of the two CPU engines
    /// (<see cref="AutoRoutedBackend.Table"/>).
    /// </summary>
    private static IComputeBackend CreateAuto(int threads, ILogger? logger)
    {
        if (AutoChoice == BackendKind.Gpu)
        {
            try { return new FallbackBackend(CreateBackend(BackendKind.Gpu, threads), () => new ManagedBackend(threads), logger); }
            catch (Exception e) when (e is BackendUnavailableException or NativeBackendException)
            { if (logger is not null) EngineLog.AutoSkipped(logger, NameOf(BackendKind.Gpu), e.Message); }
        }
        if (NativeLibraryState.Current.Usable)
        {
            try { return new AutoRoutedBackend(CreateBackend(BackendKind.NativeCpu, threads), new ManagedBackend(threads)); }
            catch (Exception e) when (e is BackendUnavailableException or NativeBackendException)
            { if (logger is not null) EngineLog.AutoSkipped(logger, NameOf(BackendKind.NativeCpu), e.Message); }
        }
        return new ManagedBackend(threads);
    }

    /// <summary>
    /// Why an <see cref="BackendKind.Auto"/> engine left the GPU for a CPU backend after a
    /// device fault (the request that hit the fault was completed on the CPU), or null.
    /// </summary>
    public string? FallbackReason => (_backend as FallbackBackend)?.FallbackReason;

    /// <summary>
    /// Every backend this build knows, whether it can be created here and why (native: the
    /// library's path and version, or every path probed; GPU: the device, or the reason).
    /// </summary>
    public static IReadOnlyList<BackendInfo> DescribeBackends()
    {
        NativeLibraryState lib = NativeLibraryState.Current;
        return
        [
            new BackendInfo(BackendKind.Managed, NameOf(BackendKind.Managed), true,
                $"pure managed reference implementation, {Environment.ProcessorCount} cores"),
            new BackendInfo(BackendKind.NativeCpu, NameOf(BackendKind.NativeCpu), lib.Usable, lib.Detail),
            new BackendInfo(BackendKind.Gpu, NameOf(BackendKind.Gpu), NativeGpuProbe.Available, NativeGpuProbe.Detail),
        ];
    }

    /// <summary>The backend <see cref="BackendKind.Auto"/> resolves to on this machine.</summary>
    public static BackendKind AutoChoice => Auto.Value;

    /// <summary>The resolved backend (never Auto).</summary>
    public BackendKind Backend => _backend.Kind;

    /// <summary>"managed", "native-cpu" or "gpu".</summary>
    public string BackendName => _backend.Name;

    /// <summary>Capacity of the coupling-similarity LRU cache (128).</summary>
    public int CouplingCacheCapacity => _similarity.Capacity;

    /// <summary>The most worker threads a batch uses.</summary>
    internal int Threads { get; }

    /// <summary>The similarity cache (tests inspect hits and misses).</summary>
    internal CouplingSimilarityCache SimilarityCache => _similarity;

    /// <summary>The backend (tests and benchmarks call it directly).</summary>
    internal IComputeBackend ComputeBackend => _backend;

    private static readonly Lazy<BackendKind> Auto = new(ResolveAuto, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The one place Auto is decided (once per process): the GPU when the native library is
    /// usable, reports a device and a GPU context can be created; otherwise the native CPU
    /// engine when the library is usable; otherwise the managed engine.
    /// </summary>
    /// <remarks>
    /// Native CPU over managed is a measurement, not a preference: the native CPU engine is the
    /// faster at every annealing workload (docs/PERFORMANCE.md, "Round 3"), and annealing
    /// dominates every real workload. Both are bit-identical, so the choice only changes speed;
    /// <see cref="BackendKind.Managed"/> stays available on request (re-measure when either
    /// engine is tuned). The exception is the borrowed observe batch, where a native call
    /// validates every J at the C boundary: an Auto engine on the native CPU runs that family on
    /// the managed engine (<see cref="AutoRoutedBackend.Table"/>; docs/PERFORMANCE.md, "Auto, per
    /// operation"). Explicit backends are never routed.
    /// </remarks>
    private static BackendKind ResolveAuto() => NativeGpuProbe.Available ? BackendKind.Gpu
        : NativeLibraryState.Current.Usable ? BackendKind.NativeCpu : BackendKind.Managed;

    internal static string NameOf(BackendKind kind) => kind switch
    {
        BackendKind.Managed => "managed",
        BackendKind.NativeCpu => "native-cpu",
        BackendKind.Gpu => "gpu",
        _ => "auto",
    };

    /// <summary>
    /// The Theory-of-Mind anneal (ALGORITHM.md §4) of <paramref name="system"/>'s J and h
    /// from random spins drawn from <paramref name="seed"/>; the system is not changed.
    /// </summary>
    /// <param name="system">The system (its spins are not read).</param>
    /// <param name="seed">The seed of the starting spins and of every trial.</param>
    /// <param name="spinsOut">n bytes receiving the final spins.</param>
    /// <param name="options">The schedule; null for <see cref="AnnealOptions.Default"/>.</param>
    /// <returns>Steps, trials run, accepted flips and the energy of the final spins.</returns>
    public unsafe AnnealStats Anneal(IsingSystem system, ulong seed, Span<sbyte> spinsOut, AnnealOptions? options = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(system);
        options ??= AnnealOptions.Default;
        options.Validate();
        if (spinsOut.Length != system.Size)
            throw new ArgumentException($"spinsOut: expected {system.Size} elements (n), got {spinsOut.Length}.", nameof(spinsOut));
        AnnealParams p = AnnealParams.From(options);
        AnnealStats stats = default;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.Anneal", "anneal", 1, system.Size);
        long sequence = system.BeginRead();
        fixed (sbyte* output = spinsOut)
        {
            var task = new AnnealTask(system.View(), seed, output);
            try { _backend.Anneal(new ReadOnlySpan<AnnealTask>(in task), p, new Span<AnnealStats>(ref stats)); }
            catch (Exception e) when (Torn(e, system, sequence)) { throw new SystemModifiedException(nameof(system), nameof(Anneal), e); }
        }
        GC.KeepAlive(system);
        Verify(system, sequence, nameof(system), nameof(Anneal));
        operation.Complete(_backend, new ReadOnlySpan<AnnealStats>(in stats), 0);
        return stats;
    }

    /// <summary>
    /// The empathy of <paramref name="self"/> towards <paramref name="other"/> (ALGORITHM.md §5):
    /// anneal the other's J, h, compare the prediction with its actual spins, weigh in the
    /// (cached) coupling similarity. Allocation-free in steady state.
    /// </summary>
    /// <param name="self">The empathising system.</param>
    /// <param name="other">The simulated system, same n.</param>
    /// <param name="seed">The anneal's seed.</param>
    /// <param name="options">Schedule and weights; null for <see cref="EmpathyOptions.Default"/>.</param>
    public EmpathyResult Empathy(IsingSystem self, IsingSystem other, ulong seed, EmpathyOptions? options = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(other);
        Validation.CheckSameSize(self, other, nameof(self), nameof(other));
        options ??= EmpathyOptions.Default;
        options.Validate();
        AnnealParams p = AnnealParams.From(options.Anneal);
        ScoreWeights w = ScoreWeights.From(options.Weights);
        using OperationScope operation = IsingTelemetry.Start("IsingNative.Empathy", "empathy", 1, self.Size);
        long ss = self.BeginRead(), so = other.BeginRead();
        EmpathyResult result = default;
        try
        {
            double c = _similarity.Get(self, ss, other, so, _backend);
            var task = new EmpathyTask(self.View(), other.View(), seed, double.NaN, double.NaN, c);
            _backend.Empathy(new ReadOnlySpan<EmpathyTask>(in task), p, w, new Span<EmpathyResult>(ref result));
        }
        catch (Exception e) when (Torn(e, self, ss) || Torn(e, other, so))
        { throw Modified(self, ss, nameof(self), nameof(other), nameof(Empathy), e); }
        GC.KeepAlive(self);
        GC.KeepAlive(other);
        Verify(self, ss, nameof(self), other, so, nameof(other), nameof(Empathy));
        operation.Complete(_backend, new ReadOnlySpan<EmpathyResult>(in result), 0);
        return result;
    }

    /// <summary>
    /// Many independent empathies at once, on all the engine's threads. If another thread
    /// mutates a system of the batch meanwhile, the call throws <see cref="SystemModifiedException"/>
    /// naming the first such pair, and <paramref name="results"/> may hold partial values.
    /// </summary>
    /// <param name="pairs">The (self, other, seed) requests; each pair must have equal n.</param>
    /// <param name="results">Receives one result per pair (at least as long as <paramref name="pairs"/>).</param>
    /// <param name="options">Schedule and weights for every pair; null for the defaults.</param>
    public void EmpathyBatch(ReadOnlySpan<EmpathyPair> pairs, Span<EmpathyResult> results, EmpathyOptions? options = null)
        => EmpathyBatch(pairs, results, options, CancellationToken.None, null);

    /// <summary>
    /// Many independent empathies with cancellation and progress: the batch runs in tiles of
    /// <see cref="BatchTile"/> pairs (results do not depend on the tiling: every pair carries its
    /// own seed); the token is checked and progress reported between tiles, on the calling thread.
    /// </summary>
    /// <param name="pairs">The (self, other, seed) requests; each pair must have equal n.</param>
    /// <param name="results">Receives one result per pair (at least as long as <paramref name="pairs"/>).</param>
    /// <param name="options">Schedule and weights for every pair; null for the defaults.</param>
    /// <param name="cancellationToken">Checked before each tile (<see cref="OperationCanceledException"/>; the
    /// finished tiles' results stay written, the rest of <paramref name="results"/> is untouched).</param>
    /// <param name="progress">Told the pairs finished after each tile.</param>
    public void EmpathyBatch(ReadOnlySpan<EmpathyPair> pairs, Span<EmpathyResult> results, EmpathyOptions? options,
        CancellationToken cancellationToken, IProgress<BatchProgress>? progress = null)
    {
        ThrowIfDisposed();
        if (results.Length < pairs.Length)
            throw new ArgumentException($"results: needs room for {pairs.Length} results, has {results.Length}.", nameof(results));
        options ??= EmpathyOptions.Default;
        options.Validate();
        CheckPairs(pairs);
        if (pairs.IsEmpty) return;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.EmpathyBatch", "batch", pairs.Length, pairs[0].Self.Size);
        EmpathyTask[] tasks = ArrayPool<EmpathyTask>.Shared.Rent(pairs.Length);
        long[] sequences = ArrayPool<long>.Shared.Rent(2 * pairs.Length);
        try
        {
            BeginReads(pairs, sequences);
            try
            {
                Borrow(pairs, sequences, tasks, withSeeds: true);
                AnnealParams parameters = AnnealParams.From(options.Anneal);
                ScoreWeights weights = ScoreWeights.From(options.Weights);
                if (!cancellationToken.CanBeCanceled && progress is null)
                {
                    _backend.Empathy(tasks.AsSpan(0, pairs.Length), parameters, weights, results[..pairs.Length]);
                }
                else
                {
                    for (int start = 0; start < pairs.Length; start += BatchTile)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        int length = Math.Min(BatchTile, pairs.Length - start);
                        _backend.Empathy(tasks.AsSpan(start, length), parameters, weights, results.Slice(start, length));
                        progress?.Report(new BatchProgress(start + length, pairs.Length));
                    }
                }
            }
            catch (Exception e) when (IsFailure(e) && FirstChangedPair(pairs, sequences) is not null)
            { throw new SystemModifiedException(FirstChangedPair(pairs, sequences) ?? "pairs", nameof(EmpathyBatch), e); }
            for (int k = 0; k < pairs.Length; k++) { GC.KeepAlive(pairs[k].Self); GC.KeepAlive(pairs[k].Other); }
            if (FirstChangedPair(pairs, sequences) is { } changed) throw new SystemModifiedException(changed, nameof(EmpathyBatch));
            operation.Complete(_backend, results[..pairs.Length], pairs.Length);
        }
        finally
        {
            ArrayPool<EmpathyTask>.Shared.Return(tasks);
            ArrayPool<long>.Shared.Return(sequences);
        }
    }

    /// <summary>
    /// Pairs per tile of a cancellable EmpathyBatch: about 10 ms of work at n = 20 on two cores, so
    /// a cancellation is honoured promptly while each tile still fills every worker.
    /// </summary>
    public const int BatchTile = 4096;

    /// <summary>Throws naming pairs[k] unless every pair has two systems of equal n.</summary>
    private static void CheckPairs(ReadOnlySpan<EmpathyPair> pairs)
    {
        for (int k = 0; k < pairs.Length; k++)
        {
            if (pairs[k].Self is null || pairs[k].Other is null)
                throw new ArgumentNullException(nameof(pairs), $"pairs[{k}] has a null system.");
            if (pairs[k].Self.Size != pairs[k].Other.Size)
                throw new ArgumentException(
                    $"pairs[{k}]: Other has n={pairs[k].Other.Size} but Self has n={pairs[k].Self.Size}; equal n is required.", nameof(pairs));
        }
    }

    /// <summary>Records the read sequence of both systems of every pair (Self at 2k, Other at 2k + 1).</summary>
    private static void BeginReads(ReadOnlySpan<EmpathyPair> pairs, long[] sequences)
    {
        for (int k = 0; k < pairs.Length; k++)
        {
            sequences[2 * k] = pairs[k].Self.BeginRead();
            sequences[2 * k + 1] = pairs[k].Other.BeginRead();
        }
    }

    /// <summary>The backend's view of every pair: the borrowed arrays, the seed (or 0) and both cached norms.</summary>
    private void Borrow(ReadOnlySpan<EmpathyPair> pairs, long[] sequences, EmpathyTask[] tasks, bool withSeeds)
    {
        for (int k = 0; k < pairs.Length; k++)
        {
            EmpathyPair pr = pairs[k];
            tasks[k] = new EmpathyTask(pr.Self.View(), pr.Other.View(), withSeeds ? pr.Seed : 0,
                CouplingSimilarityCache.Norm(pr.Self, sequences[2 * k], _backend),
                CouplingSimilarityCache.Norm(pr.Other, sequences[2 * k + 1], _backend), double.NaN);
        }
    }

    /// <summary>"pairs[k].Self" or "pairs[k].Other" for the first system that changed since its sequence, else null.</summary>
    private static string? FirstChangedPair(ReadOnlySpan<EmpathyPair> pairs, long[] sequences)
    {
        Interlocked.MemoryBarrier();   // as in FirstChanged
        for (int k = 0; k < pairs.Length; k++)
        {
            if (pairs[k].Self.CurrentSequence != sequences[2 * k]) return $"pairs[{k}].Self";
            if (pairs[k].Other.CurrentSequence != sequences[2 * k + 1]) return $"pairs[{k}].Other";
        }
        return null;
    }

    /// <summary>
    /// Social attention (ALGORITHM.md §7): empathy with <c>others[k]</c> using seed
    /// <c>seedBase + k</c>, attention weights proportional to the scores (uniform when their
    /// sum is ≤ 1e-8), the attention-weighted collective emotion and the first argmax.
    /// </summary>
    /// <param name="self">The attending system.</param>
    /// <param name="others">At least one system, each with self's n.</param>
    /// <param name="seedBase">Seed of the first anneal (64-bit wrap-around after).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    public SocialAttentionResult SocialAttention(IsingSystem self, ReadOnlySpan<IsingSystem> others, ulong seedBase,
        EmpathyOptions? options = null)
        => Social(self, others, seedBase, options, null, RunControl.None);

    /// <summary>
    /// <see cref="SocialAttention(IsingSystem, ReadOnlySpan{IsingSystem}, ulong, EmpathyOptions?)"/> with
    /// cancellation and progress: the empathies run in tiles (sized by time, so a cancellation is seen within
    /// tens of milliseconds); results are the uncancellable call's, bit for bit.
    /// </summary>
    /// <param name="self">The attending system.</param>
    /// <param name="others">At least one system, each with self's n.</param>
    /// <param name="seedBase">Seed of the first anneal (64-bit wrap-around after).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles (<see cref="OperationCanceledException"/>; nothing is
    /// returned and no system is changed: the aggregate needs every other).</param>
    /// <param name="progress">Told the empathies finished after each tile, on the calling thread.</param>
    public SocialAttentionResult SocialAttention(IsingSystem self, ReadOnlySpan<IsingSystem> others, ulong seedBase,
        EmpathyOptions? options, CancellationToken cancellationToken, IProgress<BatchProgress>? progress = null)
        => Social(self, others, seedBase, options, null, new RunControl(cancellationToken, progress));

    /// <summary>
    /// <see cref="SocialAttention(IsingSystem, ReadOnlySpan{IsingSystem}, ulong, EmpathyOptions?, PreFilter)"/> with
    /// cancellation and progress (of the kept others' empathies).
    /// </summary>
    /// <param name="self">The attending system.</param>
    /// <param name="others">At least one system, each with self's n.</param>
    /// <param name="seedBase">Seed of the first anneal (64-bit wrap-around after).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of others to keep.</param>
    /// <param name="cancellationToken">Checked between tiles (<see cref="OperationCanceledException"/>; nothing is returned).</param>
    /// <param name="progress">Told the full empathies finished after each tile, on the calling thread.</param>
    public SocialAttentionResult SocialAttention(IsingSystem self, ReadOnlySpan<IsingSystem> others, ulong seedBase,
        EmpathyOptions? options, PreFilter preFilter, CancellationToken cancellationToken, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        return Social(self, others, seedBase, options, preFilter, new RunControl(cancellationToken, progress));
    }

    /// <summary>
    /// Social attention with a <see cref="PreFilter"/> (MODEL.md §7, "Pre-filtering"): every other is
    /// estimated with the filter's method and the full empathy runs only for the
    /// <see cref="PreFilter.TopK"/> best-estimated others (equal estimates: the lower index), with the
    /// seeds the unfiltered call gives them (bit-identical results). Weights are §7's over the kept
    /// others and 0 for the skipped ones, whose score is 0 and result <c>default</c> (<c>Steps</c> 0); the
    /// collective emotion and the most empathic index are over the kept others. With TopK ≥ the number
    /// of others the result is the unfiltered call's.
    /// </summary>
    /// <param name="self">The attending system.</param>
    /// <param name="others">At least one system, each with self's n.</param>
    /// <param name="seedBase">Seed of the first anneal (64-bit wrap-around after).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of others to keep.</param>
    public SocialAttentionResult SocialAttention(IsingSystem self, ReadOnlySpan<IsingSystem> others, ulong seedBase,
        EmpathyOptions? options, PreFilter preFilter)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        return Social(self, others, seedBase, options, preFilter, RunControl.None);
    }

    private SocialAttentionResult Social(IsingSystem self, ReadOnlySpan<IsingSystem> others, ulong seedBase,
        EmpathyOptions? options, PreFilter? preFilter, in RunControl control)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(self);
        if (others.IsEmpty) throw new ArgumentException("others: at least one other system is required, got 0.", nameof(others));
        for (int k = 0; k < others.Length; k++)
        {
            if (others[k] is null) throw new ArgumentNullException(nameof(others), $"others[{k}] is null.");
            if (others[k].Size != self.Size)
                throw new ArgumentException($"others: others[{k}] has n={others[k].Size} but self has n={self.Size}; equal n is required.", nameof(others));
        }
        options ??= EmpathyOptions.Default;
        options.Validate();
        preFilter?.Validate(nameof(preFilter));
        control.Token.ThrowIfCancellationRequested();
        int count = others.Length;
        // Member 0 is self, members 1..count the others: the backend's set does the
        // empathies, the emotions and the §7 aggregation (written once per backend).
        var members = new IsingSystem[count + 1];
        members[0] = self;
        others.CopyTo(members.AsSpan(1));
        var indices = new int[count];
        for (int k = 0; k < count; k++) indices[k] = k + 1;
        var weights = new double[count];
        var results = new EmpathyResult[count];
        int best;
        EmotionVector collective;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.SocialAttention", "social", count, self.Size);
        var sequences = new long[count + 1];
        for (int a = 0; a <= count; a++) sequences[a] = members[a].BeginRead();
        try
        {
            using IBackendAgentSet set = CreateBackendSet(members, sequences);
            AnnealParams p = AnnealParams.From(options.Anneal);
            ScoreWeights w = ScoreWeights.From(options.Weights);
            best = preFilter is null ? set.SocialAttention(0, indices, seedBase, p, w, weights, results, out collective, control)
                : PreFiltering.SocialAttention(set, 0, indices, seedBase, p, w, preFilter, weights, results, out collective, control);
            GC.KeepAlive(members);
        }
        catch (Exception e) when (IsFailure(e) && FirstChanged(members, sequences) >= 0)
        { throw new SystemModifiedException(SocialName(FirstChanged(members, sequences)), nameof(SocialAttention), e); }
        if (FirstChanged(members, sequences) is int changed and >= 0)
            throw new SystemModifiedException(SocialName(changed), nameof(SocialAttention));
        operation.Complete(_backend, results, count);
        var scores = new double[count];
        for (int k = 0; k < count; k++) scores[k] = results[k].Score;
        return new SocialAttentionResult(weights, scores, collective, best, results);
    }

    private static string SocialName(int member) => member == 0 ? "self" : $"others[{member - 1}]";

    /// <summary>
    /// The K×K empathy matrix of a swarm (ALGORITHM.md §7): entry (a, b), row-major, is the
    /// score of agent a towards agent b with seed <c>seedBase + a·K + b</c>. The diagonal is
    /// computed like every other entry (an agent simulating itself). All agents need equal n.
    /// The agents go to the backend once, as a transient agent set; for repeated work on the
    /// same swarm keep an <see cref="AgentSet"/> instead.
    /// </summary>
    /// <param name="agents">K ≥ 1 systems of equal n.</param>
    /// <param name="seedBase">The seed of entry (0, 0).</param>
    /// <param name="scores">K*K scores, row-major.</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    public void EmpathyMatrix(ReadOnlySpan<IsingSystem> agents, ulong seedBase, Span<double> scores, EmpathyOptions? options = null)
        => EmpathyMatrix(agents, seedBase, scores, options, CancellationToken.None, null);

    /// <summary>The K×K empathy matrix with cancellation and progress (see the other overload).</summary>
    /// <param name="agents">K ≥ 1 systems of equal n.</param>
    /// <param name="seedBase">The seed of entry (0, 0).</param>
    /// <param name="scores">K*K scores, row-major.</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles (<see cref="OperationCanceledException"/>; finished tiles stay written).</param>
    /// <param name="progress">Told the entries finished after each tile, on the calling thread.</param>
    public void EmpathyMatrix(ReadOnlySpan<IsingSystem> agents, ulong seedBase, Span<double> scores, EmpathyOptions? options,
        CancellationToken cancellationToken, IProgress<BatchProgress>? progress = null)
        => Matrix(agents, seedBase, scores, options, null, cancellationToken, progress);

    /// <summary>
    /// The K×K matrix with a <see cref="PreFilter"/> (MODEL.md §7, "Pre-filtering"), as
    /// <see cref="AgentSet.EmpathyMatrix(ulong, Span{double}, EmpathyOptions?, PreFilter, CancellationToken, IProgress{BatchProgress}?)"/>
    /// on a set of these agents: each row's K − 1 off-diagonal entries are estimated and only its
    /// <see cref="PreFilter.TopK"/> best get the full empathy (bit-identical to the unfiltered entries);
    /// every other entry, the diagonal included, is 0. The output is written when the call completes.
    /// </summary>
    /// <param name="agents">K ≥ 1 systems of equal n.</param>
    /// <param name="seedBase">The seed of entry (0, 0).</param>
    /// <param name="scores">K*K scores, row-major.</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of entries to keep per row.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <param name="progress">Told the full empathies finished after each tile.</param>
    public void EmpathyMatrix(ReadOnlySpan<IsingSystem> agents, ulong seedBase, Span<double> scores, EmpathyOptions? options,
        PreFilter preFilter, CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        Matrix(agents, seedBase, scores, options, preFilter, cancellationToken, progress);
    }

    private void Matrix(ReadOnlySpan<IsingSystem> agents, ulong seedBase, Span<double> scores, EmpathyOptions? options,
        PreFilter? preFilter, CancellationToken cancellationToken, IProgress<BatchProgress>? progress)
    {
        ThrowIfDisposed();
        if (agents.IsEmpty) throw new ArgumentException("agents: at least one agent is required, got 0.", nameof(agents));
        int k = agents.Length;
        if (k > MaxAgents)
            throw new ArgumentOutOfRangeException(nameof(agents), k, $"agents: at most {MaxAgents} agents, got {k}.");
        long cells = (long)k * k;
        if (scores.Length != cells)
            throw new ArgumentException($"scores: expected {cells} elements (K*K with K={k}), got {scores.Length}.", nameof(scores));
        for (int a = 0; a < k; a++)
        {
            if (agents[a] is null) throw new ArgumentNullException(nameof(agents), $"agents[{a}] is null.");
            if (agents[a].Size != agents[0].Size)
                throw new ArgumentException($"agents: agents[{a}] has n={agents[a].Size} but agents[0] has n={agents[0].Size}; equal n is required.", nameof(agents));
        }
        options ??= EmpathyOptions.Default;
        options.Validate();
        preFilter?.Validate(nameof(preFilter));
        cancellationToken.ThrowIfCancellationRequested();
        using OperationScope operation = IsingTelemetry.Start("IsingNative.EmpathyMatrix", "matrix", cells, agents[0].Size);
        long[] sequences = ArrayPool<long>.Shared.Rent(k);
        try
        {
            for (int a = 0; a < k; a++) sequences[a] = agents[a].BeginRead();
            try
            {
                using IBackendAgentSet set = CreateBackendSet(agents, sequences);
                AnnealParams p = AnnealParams.From(options.Anneal);
                ScoreWeights w = ScoreWeights.From(options.Weights);
                if (preFilter is null) set.EmpathyMatrix(seedBase, p, w, scores, default, new RunControl(cancellationToken, progress));
                else PreFiltering.EmpathyMatrix(set, k, seedBase, p, w, preFilter, scores, default, new RunControl(cancellationToken, progress));
            }
            catch (Exception e) when (IsFailure(e) && FirstChanged(agents, sequences) >= 0)
            { throw new SystemModifiedException($"agents[{FirstChanged(agents, sequences)}]", nameof(EmpathyMatrix), e); }
            for (int a = 0; a < k; a++) GC.KeepAlive(agents[a]);
            if (FirstChanged(agents, sequences) is int changed and >= 0)
                throw new SystemModifiedException($"agents[{changed}]", nameof(EmpathyMatrix));
            operation.Complete(_backend, MatrixEmpathies(k, preFilter), 0, cells);
        }
        finally { ArrayPool<long>.Shared.Return(sequences); }
    }

    /// <summary>
    /// The full empathies of a K×K matrix, for a scores-only call that has no result to count:
    /// every entry, or with a pre-filter the TopK kept of each row's K − 1 candidates.
    /// </summary>
    internal static long MatrixEmpathies(int k, PreFilter? preFilter)
        => preFilter is null ? (long)k * k : (long)k * Math.Min(preFilter.TopK, k - 1);

    /// <summary>Most members of an agent set (the C API's ISN_MAX_AGENTS).</summary>
    public const int MaxAgents = Interop.IsingNativeApi.ISN_MAX_AGENTS;

    /// <summary>
    /// Creates an <see cref="AgentSet"/> of <paramref name="members"/> in this engine: each
    /// member is handed to the backend once (copied into the native library, uploaded once
    /// to a GPU), and the set's calls then name members by index. The set keeps the
    /// members (not copies): mutate one and the next call that involves it pushes it again.
    /// </summary>
    /// <param name="members">1 ≤ K ≤ <see cref="MaxAgents"/> systems (any sizes; repeats allowed).</param>
    /// <returns>The set; dispose it before or after the engine.</returns>
    public AgentSet CreateAgentSet(ReadOnlySpan<IsingSystem> members)
    {
        ThrowIfDisposed();
        if (members.IsEmpty) throw new ArgumentException("members: at least one member is required, got 0.", nameof(members));
        if (members.Length > MaxAgents)
            throw new ArgumentOutOfRangeException(nameof(members), members.Length, $"members: at most {MaxAgents} members, got {members.Length}.");
        for (int i = 0; i < members.Length; i++)
            if (members[i] is null) throw new ArgumentNullException(nameof(members), $"members[{i}] is null.");
        var systems = members.ToArray();
        var sequences = new long[systems.Length];
        var structure = new long[systems.Length];
        // The set records each member's read sequence as pushed: a member mutated while it was
        // being copied would be stored half-written, so the creation fails instead.
        for (int i = 0; i < systems.Length; i++) { sequences[i] = systems[i].BeginRead(); structure[i] = systems[i].StructureVersion; }
        IBackendAgentSet set;
        try { set = CreateBackendSet(systems, sequences, cachedNormsOnly: true); }
        catch (Exception e) when (IsFailure(e) && FirstChanged(systems, sequences) >= 0)
        { throw new SystemModifiedException($"members[{FirstChanged(systems, sequences)}]", nameof(CreateAgentSet), e); }
        if (FirstChanged(systems, sequences) is int changed and >= 0)
        {
            set.Dispose();
            throw new SystemModifiedException($"members[{changed}]", nameof(CreateAgentSet));
        }
        return new AgentSet(this, set, systems, sequences, structure);
    }

    /// <summary>Creates an <see cref="AgentSet"/> of the members in order (see the span overload).</summary>
    /// <param name="members">1 ≤ K ≤ <see cref="MaxAgents"/> systems.</param>
    public AgentSet CreateAgentSet(IEnumerable<IsingSystem> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return CreateAgentSet(members.ToArray().AsSpan());
    }

    /// <summary>
    /// A backend set over the systems' views, with their §6 norms: from (and into) the
    /// per-system norm cache for transient sets, only the already cached ones for long-lived sets.
    /// <paramref name="sequences"/>: the systems' read sequences (the caller checks them afterwards).
    /// </summary>
    private IBackendAgentSet CreateBackendSet(ReadOnlySpan<IsingSystem> systems, long[] sequences, bool cachedNormsOnly = false)
    {
        int k = systems.Length;
        SystemView[] views = ArrayPool<SystemView>.Shared.Rent(k);
        double[] norms = ArrayPool<double>.Shared.Rent(k);
        try
        {
            for (int a = 0; a < k; a++)
            {
                views[a] = systems[a].View();
                norms[a] = cachedNormsOnly ? CouplingSimilarityCache.CachedNormOrNaN(systems[a], sequences[a])
                    : CouplingSimilarityCache.Norm(systems[a], sequences[a], _backend);
            }
            IBackendAgentSet set = _backend.CreateSet(views.AsSpan(0, k), norms.AsSpan(0, k));
            for (int a = 0; a < k; a++) GC.KeepAlive(systems[a]);
            return set;
        }
        finally
        {
            ArrayPool<SystemView>.Shared.Return(views);
            ArrayPool<double>.Shared.Return(norms);
        }
    }

    /// <summary>
    /// The roadmap's annealing-free estimate (ALGORITHM.md §7, <see cref="QuickMethod.Seed"/>):
    /// <c>0.7·(1 - min(|Es - Eo|/scale, 1)) + 0.3·c</c>. It does not rank pairs like the full
    /// empathy; <see cref="Quick(IsingSystem, IsingSystem, QuickMethod, EmpathyOptions?, double)"/> with
    /// <see cref="QuickMethod.Quench"/> does (docs/MODEL.md §7).
    /// </summary>
    /// <param name="self">One system.</param>
    /// <param name="other">The other, same n.</param>
    /// <param name="scale">Energy scale, finite and &gt; 0 (default 100).</param>
    public QuickEstimate Quick(IsingSystem self, IsingSystem other, double scale = 100)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(other);
        Validation.CheckSameSize(self, other, nameof(self), nameof(other));
        if (!double.IsFinite(scale) || scale <= 0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale must be finite and > 0, got {Validation.Fmt(scale)}.");
        long ss = self.BeginRead(), so = other.BeginRead();
        QuickEstimate result;
        try
        {
            double c = _similarity.Get(self, ss, other, so, _backend);
            result = Scoring.Quick(self.Energy(), other.Energy(), c, scale);
        }
        catch (Exception e) when (Torn(e, self, ss) || Torn(e, other, so))
        { throw Modified(self, ss, nameof(self), nameof(other), nameof(Quick), e); }
        Verify(self, ss, nameof(self), other, so, nameof(other), nameof(Quick));
        return result;
    }

    /// <summary>
    /// An annealing-free, deterministic estimate of the empathy of <paramref name="self"/> towards
    /// <paramref name="other"/>. <see cref="QuickMethod.Quench"/> (ALGORITHM.md §7.1) quenches the
    /// other's J, h at zero temperature from all +1 and scores the result against the other's
    /// spins exactly as <see cref="Empathy"/> scores its anneal (same components, same weights):
    /// it ranks pairs like the full empathy at a fraction of its cost. <see cref="QuickMethod.Seed"/>
    /// is the roadmap's formula (§7), as <see cref="Quick(IsingSystem, IsingSystem, double)"/>.
    /// Bit-identical on every backend (computed on the host).
    /// </summary>
    /// <param name="self">The empathising system.</param>
    /// <param name="other">The simulated system, same n.</param>
    /// <param name="method">Which estimate.</param>
    /// <param name="options">The quench's score weights (<see cref="EmpathyOptions.Weights"/>; the anneal options
    /// are not used); null for <see cref="EmpathyOptions.Default"/>.</param>
    /// <param name="scale"><see cref="QuickMethod.Seed"/>'s energy scale, finite and &gt; 0 (default 100; checked for either method).</param>
    public QuickEstimate Quick(IsingSystem self, IsingSystem other, QuickMethod method, EmpathyOptions? options = null,
        double scale = 100)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(other);
        Validation.CheckSameSize(self, other, nameof(self), nameof(other));
        QuickParams p = QuickParams.From(method, options, scale);
        if (method == QuickMethod.Seed) return Quick(self, other, scale);
        long ss = self.BeginRead(), so = other.BeginRead();
        QuickEstimate result = default;
        try
        {
            double c = _similarity.Get(self, ss, other, so, _backend);
            var task = new EmpathyTask(self.View(), other.View(), 0, double.NaN, double.NaN, c);
            _backend.Estimate(new ReadOnlySpan<EmpathyTask>(in task), p, new Span<QuickEstimate>(ref result));
        }
        catch (Exception e) when (Torn(e, self, ss) || Torn(e, other, so))
        { throw Modified(self, ss, nameof(self), nameof(other), nameof(Quick), e); }
        GC.KeepAlive(self);
        GC.KeepAlive(other);
        Verify(self, ss, nameof(self), other, so, nameof(other), nameof(Quick));
        return result;
    }

    /// <summary>
    /// Quick estimates of many pairs (their seeds are ignored) by <paramref name="method"/>, on the
    /// engine's threads; each result is bit for bit <see cref="Quick(IsingSystem, IsingSystem, QuickMethod, EmpathyOptions?, double)"/>.
    /// Allocation-free in steady state. If another thread mutates a system meanwhile, the call throws
    /// <see cref="SystemModifiedException"/> naming the first such pair.
    /// </summary>
    /// <param name="pairs">The pairs; each must have equal n.</param>
    /// <param name="results">One estimate per pair (at least as long as <paramref name="pairs"/>).</param>
    /// <param name="method">Which estimate.</param>
    /// <param name="options">The quench's score weights; null for the defaults.</param>
    /// <param name="scale"><see cref="QuickMethod.Seed"/>'s energy scale, finite and &gt; 0 (default 100).</param>
    public void QuickBatch(ReadOnlySpan<EmpathyPair> pairs, Span<QuickEstimate> results, QuickMethod method,
        EmpathyOptions? options = null, double scale = 100)
    {
        ThrowIfDisposed();
        if (results.Length < pairs.Length)
            throw new ArgumentException($"results: needs room for {pairs.Length} results, has {results.Length}.", nameof(results));
        QuickParams p = QuickParams.From(method, options, scale);
        CheckPairs(pairs);
        if (pairs.IsEmpty) return;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.QuickBatch", "quick-batch", pairs.Length, pairs[0].Self.Size);
        EmpathyTask[] tasks = ArrayPool<EmpathyTask>.Shared.Rent(pairs.Length);
        long[] sequences = ArrayPool<long>.Shared.Rent(2 * pairs.Length);
        try
        {
            BeginReads(pairs, sequences);
            try
            {
                Borrow(pairs, sequences, tasks, withSeeds: false);
                _backend.Estimate(tasks.AsSpan(0, pairs.Length), p, results[..pairs.Length]);
            }
            catch (Exception e) when (IsFailure(e) && FirstChangedPair(pairs, sequences) is not null)
            { throw new SystemModifiedException(FirstChangedPair(pairs, sequences) ?? "pairs", nameof(QuickBatch), e); }
            for (int k = 0; k < pairs.Length; k++) { GC.KeepAlive(pairs[k].Self); GC.KeepAlive(pairs[k].Other); }
            if (FirstChangedPair(pairs, sequences) is { } changed) throw new SystemModifiedException(changed, nameof(QuickBatch));
            operation.Complete(_backend, 0, 0, pairs.Length);
        }
        finally
        {
            ArrayPool<EmpathyTask>.Shared.Return(tasks);
            ArrayPool<long>.Shared.Return(sequences);
        }
    }

    /// <summary>The §6 coupling similarity in [0, 1], LRU-cached by (Id, Version) of both systems.</summary>
    /// <param name="a">One system.</param>
    /// <param name="b">The other, same n.</param>
    public double CouplingSimilarity(IsingSystem a, IsingSystem b)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Validation.CheckSameSize(a, b, nameof(a), nameof(b));
        long sa = a.BeginRead(), sb = b.BeginRead();
        double result;
        try { result = _similarity.Get(a, sa, b, sb, _backend); }
        catch (Exception e) when (Torn(e, a, sa) || Torn(e, b, sb))
        { throw Modified(a, sa, nameof(a), nameof(b), nameof(CouplingSimilarity), e); }
        Verify(a, sa, nameof(a), b, sb, nameof(b), nameof(CouplingSimilarity));
        return result;
    }

    /// <summary>Energy, magnetization, frustration and emotion of the system's current spins.</summary>
    /// <param name="system">The system.</param>
    public Observables Observe(IsingSystem system)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(system);
        long sequence = system.BeginRead();
        SystemView view = system.View();
        Observables result = default;
        try { _backend.Observe(new ReadOnlySpan<SystemView>(in view), new Span<Observables>(ref result)); }
        catch (Exception e) when (Torn(e, system, sequence)) { throw new SystemModifiedException(nameof(system), nameof(Observe), e); }
        GC.KeepAlive(system);
        Verify(system, sequence, nameof(system), nameof(Observe));
        return result;
    }

    /// <summary>The observables of many systems at once (one batch for the backend).</summary>
    /// <param name="systems">The systems (any sizes).</param>
    /// <param name="results">One result per system (at least as long as <paramref name="systems"/>).</param>
    public void ObserveBatch(ReadOnlySpan<IsingSystem> systems, Span<Observables> results)
    {
        ThrowIfDisposed();
        if (results.Length < systems.Length)
            throw new ArgumentException($"results: needs room for {systems.Length} results, has {results.Length}.", nameof(results));
        if (systems.IsEmpty) return;
        for (int i = 0; i < systems.Length; i++)
            if (systems[i] is null) throw new ArgumentNullException(nameof(systems), $"systems[{i}] is null.");
        SystemView[] views = ArrayPool<SystemView>.Shared.Rent(systems.Length);
        long[] sequences = ArrayPool<long>.Shared.Rent(systems.Length);
        try
        {
            for (int i = 0; i < systems.Length; i++)
            {
                sequences[i] = systems[i].BeginRead();
                views[i] = systems[i].View();
            }
            try { _backend.Observe(views.AsSpan(0, systems.Length), results[..systems.Length]); }
            catch (Exception e) when (IsFailure(e) && FirstChanged(systems, sequences) >= 0)
            { throw new SystemModifiedException($"systems[{FirstChanged(systems, sequences)}]", nameof(ObserveBatch), e); }
            for (int i = 0; i < systems.Length; i++) GC.KeepAlive(systems[i]);
            if (FirstChanged(systems, sequences) is int changed and >= 0)
                throw new SystemModifiedException($"systems[{changed}]", nameof(ObserveBatch));
        }
        finally
        {
            ArrayPool<SystemView>.Shared.Return(views);
            ArrayPool<long>.Shared.Return(sequences);
        }
    }

    /// <summary>
    /// Fixed-β Markov chain (ALGORITHM.md §10), starting from the system's spins (or random
    /// spins when it has none): <paramref name="burnIn"/> sweeps, then <paramref name="samples"/>
    /// times <paramref name="thin"/> sweeps followed by recording the state. A sweep is n
    /// trials. The system is not changed. With <see cref="AcceptanceRule.Metropolis"/> the
    /// chain's stationary distribution is Boltzmann at β.
    /// </summary>
    /// <param name="system">The system.</param>
    /// <param name="beta">Inverse temperature, in [1e-30, 1e30] (ALGORITHM.md §12).</param>
    /// <param name="samples">States to record, ≥ 1.</param>
    /// <param name="thin">Sweeps between records, ≥ 1.</param>
    /// <param name="burnIn">Sweeps before the first block, ≥ 0.</param>
    /// <param name="seed">The chain's seed.</param>
    /// <param name="acceptance">The acceptance rule.</param>
    public unsafe SampleResult Sample(IsingSystem system, double beta, int samples, int thin, int burnIn, ulong seed,
        AcceptanceRule acceptance = AcceptanceRule.Metropolis)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(system);
        Validation.CheckBeta(beta, nameof(beta));
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, $"samples must be >= 1, got {samples}.");
        if (thin < 1) throw new ArgumentOutOfRangeException(nameof(thin), thin, $"thin must be >= 1, got {thin}.");
        if (burnIn < 0) throw new ArgumentOutOfRangeException(nameof(burnIn), burnIn, $"burnIn must be >= 0, got {burnIn}.");
        if (!Enum.IsDefined(acceptance))
            throw new ArgumentOutOfRangeException(nameof(acceptance), acceptance, $"acceptance has an unknown value {(int)acceptance}.");
        int n = system.Size;
        long stored = (long)samples * n;
        if (stored > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"samples*n = {stored} states do not fit in memory.");
        long trials = ((long)burnIn + (long)samples * thin) * n;
        if (trials > AnnealOptions.MaxTotalTrials)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"(burnIn + samples*thin)*n = {trials} trials exceed 1e11.");

        var flat = new sbyte[stored];
        var energies = new double[samples];
        TrialCounts counts;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.Sample", "sample", samples, n);
        long sequence = system.BeginRead();
        fixed (sbyte* states = flat)
        fixed (double* e = energies)
        fixed (sbyte* start = system.SpinArray)
        {
            try
            {
                counts = _backend.Sample(system.View(), beta, samples, thin, burnIn, seed, acceptance,
                    system.HasSpins ? start : null, states, e);
            }
            catch (Exception x) when (Torn(x, system, sequence)) { throw new SystemModifiedException(nameof(system), nameof(Sample), x); }
        }
        GC.KeepAlive(system);
        Verify(system, sequence, nameof(system), nameof(Sample));
        operation.Complete(_backend, 0, counts.Trials, 0);
        var result = new sbyte[samples][];
        for (int r = 0; r < samples; r++) result[r] = flat.AsSpan(r * n, n).ToArray();
        double rate = counts.Trials == 0 ? 0.0 : (double)counts.Accepted / counts.Trials;
        return new SampleResult(result, energies, rate, counts.Trials, counts.Accepted);
    }

    /// <summary>The compassionate response's default blend strength (MODEL.md §8).</summary>
    public const double DefaultStrength = 0.1;

    /// <summary>The compassionate response's default noise level (MODEL.md §8).</summary>
    public const double DefaultNoise = 0.05;

    /// <summary>
    /// The compassionate response (ALGORITHM.md §11), which mutates <paramref name="self"/>:
    /// if <paramref name="score"/> &gt; 0.5, blend self's couplings towards the other's with
    /// <c>b = strength·score</c>; otherwise flip each of self's spins with probability
    /// <c>τ = noise·(1 - score)</c> drawn from <paramref name="seed"/>. The version increments.
    /// </summary>
    /// <param name="self">The responding system (mutated).</param>
    /// <param name="other">The system responded to, same n.</param>
    /// <param name="score">An empathy score in [0, 1].</param>
    /// <param name="seed">Seed of the spin-flip noise.</param>
    /// <param name="strength">Blend strength in [0, 1] (default 0.1).</param>
    /// <param name="noise">Noise level in [0, 1] (default 0.05).</param>
    /// <returns>The blend factor b or the flip probability τ that was applied.</returns>
    public double CompassionateResponse(IsingSystem self, IsingSystem other, double score, ulong seed,
        double strength = DefaultStrength, double noise = DefaultNoise)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(other);
        Validation.CheckSameSize(self, other, nameof(self), nameof(other));
        Validation.CheckUnit(score, nameof(score));
        Validation.CheckUnit(strength, nameof(strength));
        Validation.CheckUnit(noise, nameof(noise));
        // One mutation of self each, under self's writer lock (and other's, so other cannot
        // change while the blend reads it): concurrent readers of self see it change.
        if (score > 0.5)
        {
            double b = strength * score;
            self.BlendCouplingsTowards(other, b);
            return b;
        }
        double tau = noise * (1.0 - score);
        self.FlipNoise(seed, tau);
        return tau;
    }

    /// <summary>
    /// Releases the backend; later calls throw <see cref="ObjectDisposedException"/>. Safe while
    /// other threads are inside calls: each completes (its native context is kept alive until it
    /// returns) or throws <see cref="ObjectDisposedException"/>. Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0) return;
        _disposed = true;
        _backend.Dispose();
        _similarity.Clear();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    // ---- reads of systems another thread may mutate (docs/MANAGED-API.md, "Threads") ----------

    /// <summary>Throws <see cref="SystemModifiedException"/> when <paramref name="system"/> changed since <paramref name="sequence"/>.</summary>
    private static void Verify(IsingSystem system, long sequence, string argument, string operation)
    {
        if (!system.Unchanged(sequence)) throw new SystemModifiedException(argument, operation);
    }

    /// <summary>The two-system <see cref="Verify(IsingSystem, long, string, string)"/> with one barrier, naming the first that changed.</summary>
    private static void Verify(IsingSystem a, long sa, string nameA, IsingSystem b, long sb, string nameB, string operation)
    {
        Interlocked.MemoryBarrier();   // the call's reads complete before the sequences are read again
        if (a.CurrentSequence != sa) throw new SystemModifiedException(nameA, operation);
        if (b.CurrentSequence != sb) throw new SystemModifiedException(nameB, operation);
    }

    /// <summary>
    /// A failure that may be the torn read's doing (a native backend refusing a half-written
    /// matrix as "not symmetric", say): everything but cancellation and disposal.
    /// </summary>
    private static bool IsFailure(Exception e) => e is not (OperationCanceledException or ObjectDisposedException);

    /// <summary>Whether <paramref name="e"/> happened while <paramref name="system"/> was being mutated.</summary>
    private static bool Torn(Exception e, IsingSystem system, long sequence) => IsFailure(e) && !system.Unchanged(sequence);

    /// <summary>The exception naming <paramref name="first"/> if it changed, else <paramref name="second"/>.</summary>
    private static SystemModifiedException Modified(IsingSystem a, long sa, string first, string second, string operation, Exception inner)
        => new(a.Unchanged(sa) ? second : first, operation, inner);

    /// <summary>The index of the first system that changed since its sequence, or -1.</summary>
    private static int FirstChanged(ReadOnlySpan<IsingSystem> systems, long[] sequences)
    {
        Interlocked.MemoryBarrier();   // once for all: the call's reads complete before the sequences are read again
        for (int i = 0; i < systems.Length; i++)
            if (systems[i].CurrentSequence != sequences[i]) return i;
        return -1;
    }

    /// <summary>An agent set's calls need a live engine (its backend).</summary>
    internal void ThrowIfDisposedFor(AgentSet set)
    {
        if (_disposed) throw new ObjectDisposedException(nameof(IsingEngine), "the engine this agent set belongs to was disposed.");
    }
}
