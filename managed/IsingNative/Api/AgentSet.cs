using System.Buffers;
using IsingNative.Backends;
using IsingNative.Core;
using IsingNative.Diagnostics;

namespace IsingNative;

/// <summary>
/// K member systems that live in an engine: created once (<see cref="IsingEngine.CreateAgentSet(ReadOnlySpan{IsingSystem})"/>),
/// run many times. The backend validates and copies each member once (native: into the
/// library; GPU: uploaded once and kept on the device; managed: views onto the members'
/// own arrays plus their cached norm and observables), and every call below names members
/// by index and reads that resident copy: no per-call re-validation or re-upload.
/// </summary>
/// <remarks>
/// <para>Mutations are noticed: the set remembers each member's <see cref="IsingSystem.Version"/>
/// as pushed, and before a call compares the versions of the members the call involves
/// (self and other for one empathy, O(1); every member for a matrix or <see cref="ObserveAll"/>),
/// pushing only the changed ones — just the spins when only the spins changed.</para>
/// <para>Results are bit-identical to the engine's borrowed-view calls on the same systems
/// and seeds, on every backend. Arguments are validated before anything happens: a bad
/// one throws, naming the argument and the value, and nothing is pushed or computed.
/// Calls on one set are serialised (the set is safe to share between threads; concurrent
/// calls queue). A member mutated by another thread while a call pushes it (or, on the managed
/// set, which reads the members' own arrays, while the call computes) makes the call throw
/// <see cref="SystemModifiedException"/> naming the member (a half-written member is never
/// kept: the next call pushes it again); output spans may then hold partial values.
/// Dispose waits for a call in progress on another thread (docs/MANAGED-API.md, "Threads").
/// Long calls take a <see cref="CancellationToken"/> (checked between tiles:
/// <see cref="OperationCanceledException"/>, with the finished tiles' outputs written) and an
/// <see cref="IProgress{T}"/> told on the calling thread after each tile. Dispose the set
/// (it owns native memory on native backends); it may outlive its engine only to be disposed.</para>
/// </remarks>
public sealed class AgentSet : IDisposable
{
    private readonly IsingEngine _engine;
    private readonly IBackendAgentSet _set;
    private readonly IsingSystem[] _members;
    private readonly long[] _versions;            // each member's read sequence as pushed (IsingSystem.BeginRead)
    private readonly long[] _structureVersions;
    private readonly Lock _lock = new();
    // The members the call in progress pushed or found current, once each (calls are serialised,
    // so one buffer serves them all): checked again after the call computed.
    private readonly int[] _touched;
    private readonly int[] _touchedIn;           // the call number that last touched each member
    private int _touchedCount;
    private int _call;
    private string _operation = "";
    private bool _disposed;
    private bool _running;   // a long call is in progress on this thread (its progress sink may try to re-enter)

    internal AgentSet(IsingEngine engine, IBackendAgentSet set, IsingSystem[] members, long[] versions, long[] structureVersions)
    {
        _engine = engine;
        _set = set;
        _members = members;
        _versions = versions;
        _structureVersions = structureVersions;
        _touched = new int[members.Length];
        _touchedIn = new int[members.Length];
    }

    /// <summary>The engine the set lives in.</summary>
    public IsingEngine Engine => _engine;

    /// <summary>The number of members K.</summary>
    public int Count => _members.Length;

    /// <summary>Member <paramref name="index"/> (the system itself, not a copy: mutate it and the set notices).</summary>
    public IsingSystem this[int index]
    {
        get
        {
            CheckIndex(index, nameof(index));
            return _members[index];
        }
    }

    /// <summary>Members pushed in full (J, h, spins) after a mutation or a <see cref="Replace"/> (tests count them).</summary>
    internal long MemberPushes { get; private set; }

    /// <summary>Members whose spins alone were pushed.</summary>
    internal long SpinPushes { get; private set; }

    /// <summary>The backend's own set (tests inspect it).</summary>
    internal IBackendAgentSet BackendSet => _set;

    /// <summary>Count, largest n, and the bytes the backend holds for the set.</summary>
    public AgentSetInfo Info
    {
        get
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                _engine.ThrowIfDisposedFor(this);   // the backend's set dies with its engine
                return _set.Info();
            }
        }
    }

    /// <summary>Makes <paramref name="system"/> member <paramref name="index"/> (any n); only that member is copied.</summary>
    /// <param name="index">The member to replace, 0 ≤ index &lt; <see cref="Count"/>.</param>
    /// <param name="system">The new member.</param>
    public void Replace(int index, IsingSystem system)
    {
        CheckIndex(index, nameof(index));
        ArgumentNullException.ThrowIfNull(system);
        lock (_lock)
        {
            ThrowIfDisposed();
            _engine.ThrowIfDisposedFor(this);   // the backend's set dies with its engine
            long sequence = system.BeginRead(), structure = system.StructureVersion;
            try { _set.Update(index, system.View(), CouplingSimilarityCache.CachedNormOrNaN(system, sequence)); }
            catch (Exception e) when (IsFailure(e) && !system.Unchanged(sequence))
            {
                Invalidate(index);
                throw new SystemModifiedException(nameof(system), nameof(AgentSet) + "." + nameof(Replace), e);
            }
            catch
            {
                Invalidate(index);   // the backend may hold part of the new system: push the old member again
                throw;
            }
            GC.KeepAlive(system);
            if (!system.Unchanged(sequence))
            {
                Invalidate(index);
                throw new SystemModifiedException(nameof(system), nameof(AgentSet) + "." + nameof(Replace));
            }
            _members[index] = system;
            _versions[index] = sequence;
            _structureVersions[index] = structure;
            MemberPushes++;
        }
    }

    // ---- anneal and observe ------------------------------------------------------------------

    /// <summary>The §4 anneal of member <paramref name="member"/>'s J and h (see <see cref="IsingEngine.Anneal"/>).</summary>
    /// <param name="member">The member.</param>
    /// <param name="seed">The seed of the starting spins and of every trial.</param>
    /// <param name="spinsOut">n bytes receiving the final spins.</param>
    /// <param name="options">The schedule; null for the defaults.</param>
    public AnnealStats Anneal(int member, ulong seed, Span<sbyte> spinsOut, AnnealOptions? options = null)
    {
        CheckIndex(member, nameof(member));
        options ??= AnnealOptions.Default;
        options.Validate();
        int n = _members[member].Size;
        if (spinsOut.Length != n)
            throw new ArgumentException($"spinsOut: expected {n} elements (member {member}'s n), got {spinsOut.Length}.", nameof(spinsOut));
        AnnealParams p = AnnealParams.From(options);
        AnnealStats stats = default;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.AgentSet.Anneal", "anneal", 1, n);
        lock (_lock)
        {
            Enter("AgentSet." + nameof(Anneal));
            Sync(member);
            try
            {
                _set.Anneal(new ReadOnlySpan<int>(in member), new ReadOnlySpan<ulong>(in seed), p, spinsOut,
                    new Span<AnnealStats>(ref stats), RunControl.None);
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            Verify();
            operation.Complete(_engine.ComputeBackend, new ReadOnlySpan<AnnealStats>(in stats), 0);
        }
        return stats;
    }

    /// <summary>Anneals <c>members[k]</c> with <c>seeds[k]</c>, on all the engine's threads.</summary>
    /// <param name="members">Member indices (repeats allowed).</param>
    /// <param name="seeds">One seed per entry of <paramref name="members"/>.</param>
    /// <param name="spinsOut">The final spins, concatenated in order (Σ n of the listed members).</param>
    /// <param name="stats">One entry per member listed (at least as long as <paramref name="members"/>).</param>
    /// <param name="options">The schedule; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <param name="progress">Told the anneals finished after each tile.</param>
    public void AnnealBatch(ReadOnlySpan<int> members, ReadOnlySpan<ulong> seeds, Span<sbyte> spinsOut, Span<AnnealStats> stats,
        AnnealOptions? options = null, CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        if (seeds.Length != members.Length)
            throw new ArgumentException($"seeds: expected {members.Length} elements (one per member listed), got {seeds.Length}.", nameof(seeds));
        if (stats.Length < members.Length)
            throw new ArgumentException($"stats: needs room for {members.Length} entries, has {stats.Length}.", nameof(stats));
        long spins = 0;
        for (int k = 0; k < members.Length; k++)
        {
            CheckListed(members[k], nameof(members), k);
            spins += _members[members[k]].Size;
        }
        if (spinsOut.Length != spins)
            throw new ArgumentException($"spinsOut: expected {spins} elements (the listed members' n summed), got {spinsOut.Length}.", nameof(spinsOut));
        options ??= AnnealOptions.Default;
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        if (members.IsEmpty) return;
        AnnealParams p = AnnealParams.From(options);
        using OperationScope operation = IsingTelemetry.Start("IsingNative.AgentSet.AnnealBatch", "anneal-batch", members.Length,
            _members[members[0]].Size);
        lock (_lock)
        {
            Enter("AgentSet." + nameof(AnnealBatch));
            for (int k = 0; k < members.Length; k++) Sync(members[k]);
            _running = true;
            try { _set.Anneal(members, seeds, p, spinsOut, stats[..members.Length], new RunControl(cancellationToken, progress)); }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            finally { _running = false; }
            Verify();
            operation.Complete(_engine.ComputeBackend, stats[..members.Length], members.Length);
        }
    }

    /// <summary>Energy, magnetization, frustration and emotion of member <paramref name="member"/>'s current spins.</summary>
    /// <param name="member">The member.</param>
    public Observables Observe(int member)
    {
        CheckIndex(member, nameof(member));
        Observables result = default;
        lock (_lock)
        {
            Enter("AgentSet." + nameof(Observe));
            Sync(member);
            try
            {
                _set.Observe(new ReadOnlySpan<int>(in member), new Span<Observables>(ref result));
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            Verify();
        }
        return result;
    }

    /// <summary>The observables (and emotion) of every member, in order: one call for the whole set.</summary>
    /// <param name="results">At least <see cref="Count"/> entries.</param>
    public void ObserveAll(Span<Observables> results)
    {
        if (results.Length < Count)
            throw new ArgumentException($"results: needs room for {Count} results (one per member), has {results.Length}.", nameof(results));
        lock (_lock)
        {
            Enter("AgentSet." + nameof(ObserveAll));
            SyncAll();
            try
            {
                _set.ObserveAll(results[..Count]);
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            Verify();
        }
    }

    // ---- empathy -------------------------------------------------------------------------------

    /// <summary>
    /// The empathy of member <paramref name="self"/> towards member <paramref name="other"/>
    /// (ALGORITHM.md §5), as <see cref="IsingEngine.Empathy"/> on the two systems. Allocation-free
    /// in steady state.
    /// </summary>
    /// <param name="self">The empathising member.</param>
    /// <param name="other">The simulated member (same n).</param>
    /// <param name="seed">The anneal's seed.</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    public EmpathyResult Empathy(int self, int other, ulong seed, EmpathyOptions? options = null)
    {
        CheckIndex(self, nameof(self));
        CheckIndex(other, nameof(other));
        CheckSameSize(self, other);
        (AnnealParams p, ScoreWeights w) = Parameters(options);
        var pair = new AgentPair(self, other, seed);
        EmpathyResult result = default;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.AgentSet.Empathy", "empathy", 1, _members[self].Size);
        lock (_lock)
        {
            Enter("AgentSet." + nameof(Empathy));
            Sync(self);
            Sync(other);
            try
            {
                _set.Empathy(new ReadOnlySpan<AgentPair>(in pair), p, w, new Span<EmpathyResult>(ref result), RunControl.None);
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            Verify();
            operation.Complete(_engine.ComputeBackend, new ReadOnlySpan<EmpathyResult>(in result), 0);
        }
        return result;
    }

    /// <summary>Many empathies between members as one call (tiled inside the backend).</summary>
    /// <param name="pairs">The (self, other, seed) requests; each pair must have equal n.</param>
    /// <param name="results">One result per pair (at least as long as <paramref name="pairs"/>).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <param name="progress">Told the pairs finished after each tile.</param>
    public void EmpathyBatch(ReadOnlySpan<AgentPair> pairs, Span<EmpathyResult> results, EmpathyOptions? options = null,
        CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        if (results.Length < pairs.Length)
            throw new ArgumentException($"results: needs room for {pairs.Length} results, has {results.Length}.", nameof(results));
        for (int k = 0; k < pairs.Length; k++) CheckPair(pairs[k].Self, pairs[k].Other, nameof(pairs), k);
        (AnnealParams p, ScoreWeights w) = Parameters(options);
        cancellationToken.ThrowIfCancellationRequested();
        if (pairs.IsEmpty) return;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.AgentSet.EmpathyBatch", "batch", pairs.Length,
            _members[pairs[0].Self].Size);
        lock (_lock)
        {
            Enter("AgentSet." + nameof(EmpathyBatch));
            SyncPairs(pairs);
            _running = true;
            try { _set.Empathy(pairs, p, w, results[..pairs.Length], new RunControl(cancellationToken, progress)); }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            finally { _running = false; }
            Verify();
            operation.Complete(_engine.ComputeBackend, results[..pairs.Length], pairs.Length);
        }
    }

    /// <summary>
    /// Social attention (ALGORITHM.md §7) of member <paramref name="self"/> over members
    /// <paramref name="others"/> with seeds <c>seedBase + k</c>, as
    /// <see cref="IsingEngine.SocialAttention(IsingSystem, ReadOnlySpan{IsingSystem}, ulong, EmpathyOptions?)"/> on the same systems.
    /// </summary>
    /// <param name="self">The attending member.</param>
    /// <param name="others">At least one member, each with self's n (repeats and self allowed).</param>
    /// <param name="seedBase">Seed of the first anneal (64-bit wrap-around after).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    public SocialAttentionResult SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, EmpathyOptions? options = null)
        => Social(self, others, seedBase, options, null, RunControl.None);

    /// <summary>
    /// Social attention with a <see cref="PreFilter"/> (MODEL.md §7, "Pre-filtering"): every other is
    /// estimated with the filter's method and the full empathy runs only for the
    /// <see cref="PreFilter.TopK"/> best-estimated others (equal estimates: the lower index), with the
    /// seeds the unfiltered call gives them, so their results are bit-identical to it. The weights are
    /// §7's over the kept others (uniform over them when their scores sum to ≤ 1e-8) and 0 for the
    /// skipped ones; the collective emotion is over the kept others; the most empathic index is the first
    /// argmax among them; a skipped other has score 0 and a default result (<c>Steps</c> 0). With TopK ≥
    /// the number of others nothing is skipped and the result is the unfiltered call's.
    /// </summary>
    /// <param name="self">The attending member.</param>
    /// <param name="others">At least one member, each with self's n (repeats and self allowed).</param>
    /// <param name="seedBase">Seed of the first anneal (64-bit wrap-around after).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of others to keep.</param>
    public SocialAttentionResult SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, EmpathyOptions? options,
        PreFilter preFilter)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        return Social(self, others, seedBase, options, preFilter, RunControl.None);
    }

    /// <summary>
    /// <see cref="SocialAttention(int, ReadOnlySpan{int}, ulong, EmpathyOptions?)"/> with cancellation and
    /// progress: the empathies run in tiles; results are the uncancellable call's, bit for bit.
    /// </summary>
    /// <param name="self">The attending member.</param>
    /// <param name="others">At least one member, each with self's n (repeats and self allowed).</param>
    /// <param name="seedBase">Seed of the first anneal (64-bit wrap-around after).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles (<see cref="OperationCanceledException"/>; nothing is
    /// returned and the set is unchanged: the aggregate needs every other).</param>
    /// <param name="progress">Told the empathies finished after each tile, on the calling thread.</param>
    public SocialAttentionResult SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, EmpathyOptions? options,
        CancellationToken cancellationToken, IProgress<BatchProgress>? progress = null)
        => Social(self, others, seedBase, options, null, new RunControl(cancellationToken, progress));

    /// <summary>
    /// <see cref="SocialAttention(int, ReadOnlySpan{int}, ulong, EmpathyOptions?, PreFilter)"/> with cancellation
    /// and progress (of the kept others' empathies).
    /// </summary>
    /// <param name="self">The attending member.</param>
    /// <param name="others">At least one member, each with self's n (repeats and self allowed).</param>
    /// <param name="seedBase">Seed of the first anneal (64-bit wrap-around after).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of others to keep.</param>
    /// <param name="cancellationToken">Checked between tiles (<see cref="OperationCanceledException"/>; nothing is returned).</param>
    /// <param name="progress">Told the full empathies finished after each tile, on the calling thread.</param>
    public SocialAttentionResult SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, EmpathyOptions? options,
        PreFilter preFilter, CancellationToken cancellationToken, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        return Social(self, others, seedBase, options, preFilter, new RunControl(cancellationToken, progress));
    }

    private SocialAttentionResult Social(int self, ReadOnlySpan<int> others, ulong seedBase, EmpathyOptions? options, PreFilter? preFilter,
        in RunControl control)
    {
        CheckIndex(self, nameof(self));
        if (others.IsEmpty) throw new ArgumentException("others: at least one other member is required, got 0.", nameof(others));
        for (int k = 0; k < others.Length; k++)
        {
            CheckListed(others[k], nameof(others), k);
            if (_members[others[k]].Size != _members[self].Size)
                throw new ArgumentException($"others: others[{k}] = {others[k]} has n={_members[others[k]].Size} but self = {self} has n={_members[self].Size}; equal n is required.", nameof(others));
        }
        (AnnealParams p, ScoreWeights w) = Parameters(options);
        preFilter?.Validate(nameof(preFilter));
        control.Token.ThrowIfCancellationRequested();
        int count = others.Length;
        var weights = new double[count];
        var results = new EmpathyResult[count];
        int best;
        EmotionVector collective;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.AgentSet.SocialAttention", "social", count, _members[self].Size);
        lock (_lock)
        {
            Enter("AgentSet." + nameof(SocialAttention));
            Sync(self);
            for (int k = 0; k < count; k++) Sync(others[k]);
            try
            {
                best = preFilter is null ? _set.SocialAttention(self, others, seedBase, p, w, weights, results, out collective, control)
                    : PreFiltering.SocialAttention(_set, self, others, seedBase, p, w, preFilter, weights, results, out collective, control);
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            Verify();
            operation.Complete(_engine.ComputeBackend, results, count);
        }
        var scores = new double[count];
        for (int k = 0; k < count; k++) scores[k] = results[k].Score;
        return new SocialAttentionResult(weights, scores, collective, best, results);
    }

    /// <summary>
    /// The K×K empathy matrix of the whole set as one call: entry (a, b), row-major, is member
    /// a's score towards member b with seed <c>seedBase + a·K + b</c> (as
    /// <see cref="IsingEngine.EmpathyMatrix(ReadOnlySpan{IsingSystem}, ulong, Span{double}, EmpathyOptions?)"/>).
    /// Every member needs the same n.
    /// </summary>
    /// <param name="seedBase">The seed of entry (0, 0).</param>
    /// <param name="scores">K*K scores, row-major.</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <param name="progress">Told the entries finished after each tile.</param>
    public void EmpathyMatrix(ulong seedBase, Span<double> scores, EmpathyOptions? options = null,
        CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        CheckMatrix(scores.Length, nameof(scores));
        Matrix(seedBase, scores, default, options, null, cancellationToken, progress);
    }

    /// <summary>
    /// The K×K matrix with a <see cref="PreFilter"/> (MODEL.md §7, "Pre-filtering"): each row's K − 1
    /// off-diagonal entries are estimated with the filter's method and only the row's
    /// <see cref="PreFilter.TopK"/> best-estimated entries (equal estimates: the lower column) get the
    /// full empathy, bit-identical to the unfiltered matrix's entries (same seeds). Every other entry,
    /// the diagonal included, is 0. Progress counts the full empathies run.
    /// </summary>
    /// <param name="seedBase">The seed of entry (0, 0).</param>
    /// <param name="scores">K*K scores, row-major.</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of entries to keep per row.</param>
    /// <param name="cancellationToken">Checked between tiles (the output is written only when the call completes).</param>
    /// <param name="progress">Told the full empathies finished after each tile.</param>
    public void EmpathyMatrix(ulong seedBase, Span<double> scores, EmpathyOptions? options, PreFilter preFilter,
        CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        CheckMatrix(scores.Length, nameof(scores));
        Matrix(seedBase, scores, default, options, preFilter, cancellationToken, progress);
    }

    /// <summary>The K×K matrix with every result field (see the scores overload).</summary>
    /// <param name="seedBase">The seed of entry (0, 0).</param>
    /// <param name="results">K*K results, row-major.</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <param name="progress">Told the entries finished after each tile.</param>
    public void EmpathyMatrix(ulong seedBase, Span<EmpathyResult> results, EmpathyOptions? options = null,
        CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        CheckMatrix(results.Length, nameof(results));
        Matrix(seedBase, default, results, options, null, cancellationToken, progress);
    }

    /// <summary>The pre-filtered K×K matrix with every result field; a skipped entry is <c>default</c> (see the scores overload).</summary>
    /// <param name="seedBase">The seed of entry (0, 0).</param>
    /// <param name="results">K*K results, row-major.</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of entries to keep per row.</param>
    /// <param name="cancellationToken">Checked between tiles (the output is written only when the call completes).</param>
    /// <param name="progress">Told the full empathies finished after each tile.</param>
    public void EmpathyMatrix(ulong seedBase, Span<EmpathyResult> results, EmpathyOptions? options, PreFilter preFilter,
        CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        CheckMatrix(results.Length, nameof(results));
        Matrix(seedBase, default, results, options, preFilter, cancellationToken, progress);
    }

    private void Matrix(ulong seedBase, Span<double> scores, Span<EmpathyResult> results, EmpathyOptions? options,
        PreFilter? preFilter, CancellationToken cancellationToken, IProgress<BatchProgress>? progress)
    {
        (AnnealParams p, ScoreWeights w) = Parameters(options);
        preFilter?.Validate(nameof(preFilter));
        cancellationToken.ThrowIfCancellationRequested();
        long cells = (long)Count * Count;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.AgentSet.EmpathyMatrix", "matrix", cells, _members[0].Size);
        lock (_lock)
        {
            Enter("AgentSet." + nameof(EmpathyMatrix));
            SyncAll();
            _running = true;
            try
            {
                if (preFilter is null) _set.EmpathyMatrix(seedBase, p, w, scores, results, new RunControl(cancellationToken, progress));
                else PreFiltering.EmpathyMatrix(_set, Count, seedBase, p, w, preFilter, scores, results, new RunControl(cancellationToken, progress));
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            finally { _running = false; }
            Verify();
            if (results.IsEmpty) operation.Complete(_engine.ComputeBackend, IsingEngine.MatrixEmpathies(Count, preFilter), 0, cells);
            else operation.Complete(_engine.ComputeBackend, results, cells);
        }
    }

    /// <summary>
    /// The sparse matrix as one call: the empathy of <c>edges[e].Self</c> towards
    /// <c>edges[e].Other</c> with the matrix entry's seed <c>seedBase + Self·K + Other</c>, so
    /// each score equals that entry of <see cref="EmpathyMatrix(ulong, Span{double}, EmpathyOptions?, CancellationToken, IProgress{BatchProgress}?)"/>.
    /// </summary>
    /// <param name="edges">The (self, other) edges; each pair must have equal n.</param>
    /// <param name="seedBase">The seed of matrix entry (0, 0).</param>
    /// <param name="scores">One score per edge (at least as long as <paramref name="edges"/>).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <param name="progress">Told the edges finished after each tile.</param>
    public void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, Span<double> scores, EmpathyOptions? options = null,
        CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        if (scores.Length < edges.Length)
            throw new ArgumentException($"scores: needs room for {edges.Length} scores, has {scores.Length}.", nameof(scores));
        Edges(edges, seedBase, scores[..edges.Length], default, options, null, cancellationToken, progress);
    }

    /// <summary>
    /// The edges with a <see cref="PreFilter"/> (MODEL.md §7, "Pre-filtering"): every edge is estimated
    /// with the filter's method and, for each self, only its <see cref="PreFilter.TopK"/> best-estimated
    /// edges (equal estimates: the lower edge index) get the full empathy, bit-identical to the
    /// unfiltered call's (same seeds); the other edges' scores are 0. Progress counts the full empathies run.
    /// </summary>
    /// <param name="edges">The (self, other) edges; each pair must have equal n.</param>
    /// <param name="seedBase">The seed of matrix entry (0, 0).</param>
    /// <param name="scores">One score per edge (at least as long as <paramref name="edges"/>).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of edges to keep per self.</param>
    /// <param name="cancellationToken">Checked between tiles (the output is written only when the call completes).</param>
    /// <param name="progress">Told the full empathies finished after each tile.</param>
    public void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, Span<double> scores, EmpathyOptions? options,
        PreFilter preFilter, CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        if (scores.Length < edges.Length)
            throw new ArgumentException($"scores: needs room for {edges.Length} scores, has {scores.Length}.", nameof(scores));
        Edges(edges, seedBase, scores[..edges.Length], default, options, preFilter, cancellationToken, progress);
    }

    /// <summary>The edges' full results (see the scores overload).</summary>
    /// <param name="edges">The (self, other) edges; each pair must have equal n.</param>
    /// <param name="seedBase">The seed of matrix entry (0, 0).</param>
    /// <param name="results">One result per edge (at least as long as <paramref name="edges"/>).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <param name="progress">Told the edges finished after each tile.</param>
    public void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, Span<EmpathyResult> results, EmpathyOptions? options = null,
        CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        if (results.Length < edges.Length)
            throw new ArgumentException($"results: needs room for {edges.Length} results, has {results.Length}.", nameof(results));
        Edges(edges, seedBase, default, results[..edges.Length], options, null, cancellationToken, progress);
    }

    /// <summary>The pre-filtered edges' full results; a skipped edge's result is <c>default</c> (see the scores overload).</summary>
    /// <param name="edges">The (self, other) edges; each pair must have equal n.</param>
    /// <param name="seedBase">The seed of matrix entry (0, 0).</param>
    /// <param name="results">One result per edge (at least as long as <paramref name="edges"/>).</param>
    /// <param name="options">Schedule and weights; null for the defaults.</param>
    /// <param name="preFilter">The estimate and the number of edges to keep per self.</param>
    /// <param name="cancellationToken">Checked between tiles (the output is written only when the call completes).</param>
    /// <param name="progress">Told the full empathies finished after each tile.</param>
    public void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, Span<EmpathyResult> results, EmpathyOptions? options,
        PreFilter preFilter, CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(preFilter);
        if (results.Length < edges.Length)
            throw new ArgumentException($"results: needs room for {edges.Length} results, has {results.Length}.", nameof(results));
        Edges(edges, seedBase, default, results[..edges.Length], options, preFilter, cancellationToken, progress);
    }

    private void Edges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, Span<double> scores, Span<EmpathyResult> results,
        EmpathyOptions? options, PreFilter? preFilter, CancellationToken cancellationToken, IProgress<BatchProgress>? progress)
    {
        for (int e = 0; e < edges.Length; e++) CheckPair(edges[e].Self, edges[e].Other, nameof(edges), e);
        (AnnealParams p, ScoreWeights w) = Parameters(options);
        preFilter?.Validate(nameof(preFilter));
        cancellationToken.ThrowIfCancellationRequested();
        if (edges.IsEmpty) return;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.AgentSet.EmpathyEdges", "edges", edges.Length,
            _members[edges[0].Self].Size);
        lock (_lock)
        {
            Enter("AgentSet." + nameof(EmpathyEdges));
            if ((long)edges.Length * 2 >= Count) SyncAll();
            else
                for (int e = 0; e < edges.Length; e++) { Sync(edges[e].Self); Sync(edges[e].Other); }
            _running = true;
            try
            {
                if (preFilter is null) _set.EmpathyEdges(edges, seedBase, p, w, scores, results, new RunControl(cancellationToken, progress));
                else PreFiltering.EmpathyEdges(_set, edges, seedBase, p, w, preFilter, scores, results, new RunControl(cancellationToken, progress));
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            finally { _running = false; }
            Verify();
            // A scores-only pre-filtered call keeps no record of which edges it ran: it counts none.
            if (!results.IsEmpty) operation.Complete(_engine.ComputeBackend, results, edges.Length);
            else operation.Complete(_engine.ComputeBackend, preFilter is null ? edges.Length : 0, 0, edges.Length);
        }
    }

    // ---- estimates ---------------------------------------------------------------------------

    /// <summary>The roadmap's annealing-free estimate (ALGORITHM.md §7, <see cref="QuickMethod.Seed"/>) of two members.</summary>
    /// <param name="self">One member.</param>
    /// <param name="other">The other (same n).</param>
    /// <param name="scale">Energy scale, finite and &gt; 0 (default 100).</param>
    public QuickEstimate Quick(int self, int other, double scale = 100) => Quick(self, other, QuickMethod.Seed, null, scale);

    /// <summary>
    /// An annealing-free estimate of the empathy of <paramref name="self"/> towards <paramref name="other"/>
    /// by <paramref name="method"/>, bit for bit <see cref="IsingEngine.Quick(IsingSystem, IsingSystem, QuickMethod, EmpathyOptions?, double)"/>
    /// on the members' systems.
    /// </summary>
    /// <param name="self">One member.</param>
    /// <param name="other">The other (same n).</param>
    /// <param name="method"><see cref="QuickMethod.Quench"/> (ALGORITHM.md §7.1) or <see cref="QuickMethod.Seed"/> (§7).</param>
    /// <param name="options">The score weights the quench is scored with (its anneal options are not used); null for the defaults.</param>
    /// <param name="scale"><see cref="QuickMethod.Seed"/>'s energy scale, finite and &gt; 0 (default 100; checked for either method).</param>
    public QuickEstimate Quick(int self, int other, QuickMethod method, EmpathyOptions? options = null, double scale = 100)
    {
        CheckIndex(self, nameof(self));
        CheckIndex(other, nameof(other));
        CheckSameSize(self, other);
        QuickParams p = QuickParams.From(method, options, scale);
        var pair = new AgentPair(self, other, 0);
        QuickEstimate result = default;
        lock (_lock)
        {
            Enter("AgentSet." + nameof(Quick));
            Sync(self);
            Sync(other);
            try
            {
                _set.Quick(new ReadOnlySpan<AgentPair>(in pair), p, new Span<QuickEstimate>(ref result));
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            Verify();
        }
        return result;
    }

    /// <summary>The roadmap's quick estimates (<see cref="QuickMethod.Seed"/>) of many member pairs (their seeds are ignored).</summary>
    /// <param name="pairs">The pairs; each must have equal n.</param>
    /// <param name="results">One estimate per pair (at least as long as <paramref name="pairs"/>).</param>
    /// <param name="scale">Energy scale, finite and &gt; 0 (default 100).</param>
    public void QuickBatch(ReadOnlySpan<AgentPair> pairs, Span<QuickEstimate> results, double scale = 100)
        => QuickBatch(pairs, results, QuickMethod.Seed, null, scale);

    /// <summary>
    /// Quick estimates of many member pairs by <paramref name="method"/> (their seeds are ignored), on the host
    /// in every backend; allocation-free in steady state.
    /// </summary>
    /// <param name="pairs">The pairs; each must have equal n.</param>
    /// <param name="results">One estimate per pair (at least as long as <paramref name="pairs"/>).</param>
    /// <param name="method"><see cref="QuickMethod.Quench"/> (ALGORITHM.md §7.1) or <see cref="QuickMethod.Seed"/> (§7).</param>
    /// <param name="options">The quench's score weights; null for the defaults.</param>
    /// <param name="scale"><see cref="QuickMethod.Seed"/>'s energy scale, finite and &gt; 0 (default 100).</param>
    public void QuickBatch(ReadOnlySpan<AgentPair> pairs, Span<QuickEstimate> results, QuickMethod method,
        EmpathyOptions? options = null, double scale = 100)
    {
        if (results.Length < pairs.Length)
            throw new ArgumentException($"results: needs room for {pairs.Length} results, has {results.Length}.", nameof(results));
        for (int k = 0; k < pairs.Length; k++) CheckPair(pairs[k].Self, pairs[k].Other, nameof(pairs), k);
        QuickParams p = QuickParams.From(method, options, scale);
        if (pairs.IsEmpty) return;
        using OperationScope operation = IsingTelemetry.Start("IsingNative.AgentSet.QuickBatch", "quick-batch", pairs.Length,
            _members[pairs[0].Self].Size);
        lock (_lock)
        {
            Enter("AgentSet." + nameof(QuickBatch));
            SyncPairs(pairs);
            try
            {
                _set.Quick(pairs, p, results[..pairs.Length]);
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            Verify();
            operation.Complete(_engine.ComputeBackend, 0, 0, pairs.Length);
        }
    }

    /// <summary>The §6 coupling similarity of two members (from the set's per-member norms).</summary>
    /// <param name="a">One member.</param>
    /// <param name="b">The other (same n).</param>
    public double CouplingSimilarity(int a, int b)
    {
        CheckIndex(a, nameof(a));
        CheckIndex(b, nameof(b));
        if (_members[a].Size != _members[b].Size)
            throw new ArgumentException($"b: member {b} has n={_members[b].Size} but member {a} has n={_members[a].Size}; equal n is required.", nameof(b));
        var pair = new AgentPair(a, b, 0);
        double result = 0;
        lock (_lock)
        {
            Enter("AgentSet." + nameof(CouplingSimilarity));
            Sync(a);
            Sync(b);
            try
            {
                _set.CouplingSimilarity(new ReadOnlySpan<AgentPair>(in pair), new Span<double>(ref result));
            }
            catch (Exception e) when (Torn(e)) { throw Modified(e); }
            Verify();
        }
        return result;
    }

    /// <summary>Releases the backend's copy of the members (the members themselves are untouched).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            if (_running)
                throw new InvalidOperationException("this AgentSet cannot be disposed from the progress callback of a call in progress on it.");
            _disposed = true;
            _set.Dispose();
        }
    }

    // ---- pushes --------------------------------------------------------------------------------

    /// <summary>
    /// Pushes member i if it changed since it was last pushed: only its spins when J and h did
    /// not change. The member counts as touched by the call in progress (checked again after it).
    /// </summary>
    private void Sync(int i)
    {
        if (_touchedIn[i] == _call) return;   // already synced by this call
        _touchedIn[i] = _call;
        _touched[_touchedCount++] = i;
        IsingSystem s = _members[i];
        long sequence = s.BeginRead();
        if (sequence == _versions[i]) return;
        Push(i, s, sequence);
    }

    private void Push(int i, IsingSystem s, long sequence)
    {
        // Read inside the sequence bracket: consistent with what is copied when the bracket holds.
        long structure = s.StructureVersion;
        try
        {
            if (structure == _structureVersions[i])
            {
                _set.UpdateSpins(i, s.View());
                SpinPushes++;
            }
            else
            {
                _set.Update(i, s.View(), CouplingSimilarityCache.CachedNormOrNaN(s, sequence));
                MemberPushes++;
            }
        }
        catch (Exception e) when (IsFailure(e) && !s.Unchanged(sequence))
        { throw new SystemModifiedException($"member {i}", _operation, e); }
        GC.KeepAlive(s);
        // A member mutated while it was copied may be stored half-written: its recorded versions
        // stay as they were (older than the member's), so the next call pushes it again.
        if (!s.Unchanged(sequence)) throw new SystemModifiedException($"member {i}", _operation);
        _versions[i] = sequence;
        _structureVersions[i] = structure;
    }

    /// <summary>Forgets what was pushed for member i: the next call that involves it pushes it in full.</summary>
    private void Invalidate(int i)
    {
        _versions[i] = -1;             // odd: never a read sequence
        _structureVersions[i] = -1;    // structure versions start at 0
    }

    /// <summary>
    /// After the backend computed: a set that reads the members' own arrays during a call (the
    /// managed one) may have read a member mutated meanwhile. A set of copies (native) computed
    /// on what was pushed, one consistent state, and needs no check.
    /// </summary>
    private void Verify()
    {
        if (!_set.ReadsMembers) return;
        int changed = FirstTouchedChanged();
        if (changed >= 0) throw new SystemModifiedException($"member {changed}", _operation);
    }

    /// <summary>Whether <paramref name="e"/> may be the doing of a member mutated during the call.</summary>
    private bool Torn(Exception e) => IsFailure(e) && _set.ReadsMembers && FirstTouchedChanged() >= 0;

    private SystemModifiedException Modified(Exception e) => new($"member {FirstTouchedChanged()}", _operation, e);

    private int FirstTouchedChanged()
    {
        Interlocked.MemoryBarrier();   // the call's reads complete before the sequences are read again
        for (int t = 0; t < _touchedCount; t++)
        {
            int i = _touched[t];
            if (_members[i].CurrentSequence != _versions[i]) return i;
        }
        return -1;
    }

    /// <summary>Everything but cancellation and disposal may be a torn read's doing.</summary>
    private static bool IsFailure(Exception e) => e is not (OperationCanceledException or ObjectDisposedException);

    private void SyncAll()
    {
        for (int i = 0; i < _members.Length; i++) Sync(i);
    }

    private void SyncPairs(ReadOnlySpan<AgentPair> pairs)
    {
        if ((long)pairs.Length * 2 >= Count) { SyncAll(); return; }
        for (int k = 0; k < pairs.Length; k++) { Sync(pairs[k].Self); Sync(pairs[k].Other); }
    }

    // ---- validation ----------------------------------------------------------------------------

    private void Enter(string operation)
    {
        ThrowIfDisposed();
        _engine.ThrowIfDisposedFor(this);
        // Calls on one set are serialised by a reentrant lock; only a progress sink, running on
        // the calling thread between two tiles, can get here while a call is in progress.
        if (_running)
            throw new InvalidOperationException("this AgentSet was called from the progress callback of a call in progress on it; report progress only, and call the set after the call returns.");
        _operation = operation;   // a literal: no allocation
        _touchedCount = 0;
        if (++_call == 0)         // wrapped after 2^32 calls: forget every mark
        {
            Array.Clear(_touchedIn);
            _call = 1;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The options (null: the defaults), validated, as the backends' parameters.</summary>
    private static (AnnealParams P, ScoreWeights W) Parameters(EmpathyOptions? options)
    {
        options ??= EmpathyOptions.Default;
        options.Validate();
        return (AnnealParams.From(options.Anneal), ScoreWeights.From(options.Weights));
    }

    private void CheckIndex(int index, string name)
    {
        if ((uint)index >= (uint)_members.Length)
            throw new ArgumentOutOfRangeException(name, index, $"{name} must be a member index in 0..{_members.Length - 1}, got {index}.");
    }

    private void CheckListed(int index, string name, int k)
    {
        if ((uint)index >= (uint)_members.Length)
            throw new ArgumentOutOfRangeException(name, index, $"{name}[{k}] = {index} is not a member index (0..{_members.Length - 1}).");
    }

    private void CheckPair(int self, int other, string name, int k)
    {
        if ((uint)self >= (uint)_members.Length)
            throw new ArgumentOutOfRangeException(name, self, $"{name}[{k}].Self = {self} is not a member index (0..{_members.Length - 1}).");
        if ((uint)other >= (uint)_members.Length)
            throw new ArgumentOutOfRangeException(name, other, $"{name}[{k}].Other = {other} is not a member index (0..{_members.Length - 1}).");
        if (_members[self].Size != _members[other].Size)
            throw new ArgumentException($"{name}[{k}]: Other = {other} has n={_members[other].Size} but Self = {self} has n={_members[self].Size}; equal n is required.", name);
    }

    private void CheckSameSize(int self, int other)
    {
        if (_members[self].Size != _members[other].Size)
            throw new ArgumentException($"other: member {other} has n={_members[other].Size} but self = member {self} has n={_members[self].Size}; equal n is required.", nameof(other));
    }

    private void CheckMatrix(int length, string name)
    {
        long cells = (long)Count * Count;
        if (length != cells)
            throw new ArgumentException($"{name}: expected {cells} elements (K*K with K={Count}), got {length}.", name);
        int n = _members[0].Size;
        for (int a = 1; a < _members.Length; a++)
            if (_members[a].Size != n)
                throw new InvalidOperationException($"the matrix needs members of equal n: member {a} has n={_members[a].Size} but member 0 has n={n} (use EmpathyEdges for a mixed set).");
    }

}
