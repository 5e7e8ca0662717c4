using System.Buffers;
using IsingNative.Core;

namespace IsingNative.Backends;

/// <summary>
/// The managed backend's agent set, the reference for the native one: views onto the
/// members' own arrays (pinned for the members' lives and never replaced, so nothing is
/// copied) plus what every call needs per member, computed once per push: the §6 coupling
/// norm and the §3 observables (whose energy is the "actual energy" of an empathy).
/// Batches are cut into tiles here, once for the managed engine: between two tiles the
/// call reports progress and honours cancellation. Tasks run on <see cref="ManagedBackend"/>'s
/// batch paths, so every result is the borrowed-view operation's, bit for bit.
/// </summary>
internal sealed unsafe class ManagedAgentSet : IBackendAgentSet
{
    /// <summary>Jobs per tile: bounds the task buffers and sets the progress/cancellation granularity.</summary>
    internal const int TileJobs = 16384;

    private readonly ManagedBackend _backend;
    private SystemView[] _views;
    private double[] _norms;
    private Observables[] _observed;

    public ManagedAgentSet(ManagedBackend backend, ReadOnlySpan<SystemView> members, ReadOnlySpan<double> norms)
    {
        _backend = backend;
        int k = members.Length;
        _views = members.ToArray();
        _norms = new double[k];
        _observed = new Observables[k];
        for (int i = 0; i < k; i++)
            _norms[i] = i < norms.Length && !double.IsNaN(norms[i]) ? norms[i] : Scoring.UpperNormSquared(members[i].N, members[i].J);
        _backend.Observe(_views, _observed);
    }

    public int Count => _views.Length;

    public AgentSetInfo Info()
    {
        int maxN = 0;
        foreach (SystemView v in _views) maxN = Math.Max(maxN, v.N);
        // The per-member constants are all this set owns; J, h and spins are the members' own arrays.
        long host = (long)Count * (sizeof(SystemView) + sizeof(double) + sizeof(Observables));
        return new AgentSetInfo(Count, maxN, host, 0);
    }

    public void Update(int index, SystemView system, double norm)
    {
        _views[index] = system;
        _norms[index] = double.IsNaN(norm) ? Scoring.UpperNormSquared(system.N, system.J) : norm;
        _observed[index] = ObservablesCore.Observe(system);
    }

    public void UpdateSpins(int index, SystemView system)
    {
        _views[index] = system;
        _observed[index] = ObservablesCore.Observe(system);
    }

    public void Anneal(ReadOnlySpan<int> members, ReadOnlySpan<ulong> seeds, in AnnealParams parameters,
        Span<sbyte> spinsOut, Span<AnnealStats> stats, in RunControl control)
    {
        int count = members.Length;
        if (count == 0) return;
        fixed (sbyte* output = spinsOut)
        {
            if (count == 1)
            {
                var task = new AnnealTask(_views[members[0]], seeds[0], output);
                _backend.Anneal(new ReadOnlySpan<AnnealTask>(in task), parameters, stats[..1]);
                return;
            }
            int maxTile = Math.Min(count, TileJobs);
            int tile = control.IsNone ? maxTile : Math.Min(FirstTileJobs, maxTile);   // sized by time, as RunTiled's
            AnnealTask[] tasks = ArrayPool<AnnealTask>.Shared.Rent(maxTile);
            try
            {
                long offset = 0;
                for (int start = 0; start < count;)
                {
                    long began = System.Diagnostics.Stopwatch.GetTimestamp();
                    int len = Math.Min(tile, count - start);
                    for (int q = 0; q < len; q++)
                    {
                        SystemView v = _views[members[start + q]];
                        tasks[q] = new AnnealTask(v, seeds[start + q], output + offset);
                        offset += v.N;
                    }
                    _backend.Anneal(tasks.AsSpan(0, len), parameters, stats.Slice(start, len));
                    if (!control.IsNone) tile = NextTile(len, System.Diagnostics.Stopwatch.GetTimestamp() - began, maxTile);
                    start += len;
                    Between(control, start, count);
                }
            }
            finally { ArrayPool<AnnealTask>.Shared.Return(tasks); }
        }
    }

    public void Observe(ReadOnlySpan<int> members, Span<Observables> results)
    {
        for (int i = 0; i < members.Length; i++) results[i] = _observed[members[i]];
    }

    public void ObserveAll(Span<Observables> results) => _observed.AsSpan().CopyTo(results);

    public void Empathy(ReadOnlySpan<AgentPair> pairs, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results, in RunControl control)
    {
        if (pairs.Length == 1)
        {
            EmpathyTask task = Task(pairs[0].Self, pairs[0].Other, pairs[0].Seed);
            _backend.Empathy(new ReadOnlySpan<EmpathyTask>(in task), parameters, weights, results[..1]);
            return;
        }
        fixed (AgentPair* p = pairs)
            RunTiled(new PairJobs(p), pairs.Length, parameters, weights, default, results, control);
    }

    public int SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, in AnnealParams parameters,
        in ScoreWeights weights, Span<double> weightsOut, Span<EmpathyResult> results, out EmotionVector collective,
        in RunControl control)
    {
        int count = others.Length;
        Observables[] emotions = ArrayPool<Observables>.Shared.Rent(count);
        // Without controls: one batch, as before. With them: the pair loop's tiles write into a
        // buffer of our own, copied to results only when every tile finished, so a cancelled
        // call leaves results (and weights) untouched.
        EmpathyResult[]? buffer = control.IsNone ? null : ArrayPool<EmpathyResult>.Shared.Rent(count);
        AgentPair[]? pairs = control.IsNone ? null : ArrayPool<AgentPair>.Shared.Rent(count);
        EmpathyTask[]? tasks = control.IsNone ? ArrayPool<EmpathyTask>.Shared.Rent(count) : null;
        try
        {
            for (int k = 0; k < count; k++) emotions[k] = _observed[others[k]];
            if (tasks is not null)
            {
                for (int k = 0; k < count; k++) tasks[k] = Task(self, others[k], unchecked(seedBase + (ulong)k));
                _backend.Empathy(tasks.AsSpan(0, count), parameters, weights, results[..count]);
            }
            else
            {
                for (int k = 0; k < count; k++) pairs![k] = new AgentPair(self, others[k], unchecked(seedBase + (ulong)k));
                fixed (AgentPair* p = pairs)
                    RunTiled(new PairJobs(p), count, parameters, weights, default, buffer.AsSpan(0, count), control);
                buffer.AsSpan(0, count).CopyTo(results);
            }
            return SocialAttentionCore.Aggregate(results[..count], emotions.AsSpan(0, count), weightsOut, out collective);
        }
        finally
        {
            if (tasks is not null) ArrayPool<EmpathyTask>.Shared.Return(tasks);
            if (buffer is not null) ArrayPool<EmpathyResult>.Shared.Return(buffer);
            if (pairs is not null) ArrayPool<AgentPair>.Shared.Return(pairs);
            ArrayPool<Observables>.Shared.Return(emotions);
        }
    }

    public void EmpathyMatrix(ulong seedBase, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control)
        => RunTiled(new MatrixJobs(Count), (long)Count * Count, parameters, weights, scores, results, control, seedBase);

    public void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control)
    {
        fixed (AgentEdge* e = edges)
            RunTiled(new EdgeJobs(e, Count), edges.Length, parameters, weights, scores, results, control, seedBase);
    }

    public void Quick(ReadOnlySpan<AgentPair> pairs, in QuickParams parameters, Span<QuickEstimate> results)
    {
        if (parameters.Method == QuickMethod.Seed)
        {
            for (int i = 0; i < pairs.Length; i++)
            {
                int a = pairs[i].Self, b = pairs[i].Other;
                results[i] = Scoring.Quick(_observed[a].Energy, _observed[b].Energy, Similarity(a, b), parameters.Scale);
            }
            return;
        }
        // The quench and its parts depend on the other alone: once per distinct other (sorted,
        // so the cost follows the pairs, not the set's size), then each pair's similarity.
        int[] others = ArrayPool<int>.Shared.Rent(pairs.Length);
        EmpathyParts[] parts = ArrayPool<EmpathyParts>.Shared.Rent(pairs.Length);
        try
        {
            for (int i = 0; i < pairs.Length; i++) others[i] = pairs[i].Other;
            Array.Sort(others, 0, pairs.Length);
            int distinct = 0;
            for (int i = 0; i < pairs.Length; i++)
                if (distinct == 0 || others[distinct - 1] != others[i]) others[distinct++] = others[i];
            for (int d = 0; d < distinct; d++) parts[d] = Quench.Parts(_views[others[d]], _observed[others[d]].Energy);
            for (int i = 0; i < pairs.Length; i++)
            {
                int a = pairs[i].Self, b = pairs[i].Other;
                results[i] = Quench.Of(parts[Array.BinarySearch(others, 0, distinct, b)], Similarity(a, b), parameters.Weights);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(others);
            ArrayPool<EmpathyParts>.Shared.Return(parts);
        }
    }

    public void CouplingSimilarity(ReadOnlySpan<AgentPair> pairs, Span<double> results)
    {
        for (int i = 0; i < pairs.Length; i++) results[i] = Similarity(pairs[i].Self, pairs[i].Other);
    }

    public void Dispose()
    {
        _views = [];
        _norms = [];
        _observed = [];
    }

    private double Similarity(int a, int b)
        => Scoring.SimilarityFrom(Scoring.UpperDot(_views[a].N, _views[a].J, _views[b].J), _norms[a], _norms[b]);

    private EmpathyTask Task(int self, int other, ulong seed)
        => new(_views[self], _views[other], seed, _norms[self], _norms[other], double.NaN, _observed[other].Energy);

    /// <summary>Which (self, other, seed) job number i is; a struct so the tile loop is specialised per kind.</summary>
    private interface IJobs
    {
        void Get(long i, ulong seedBase, out int self, out int other, out ulong seed);
    }

    private readonly struct PairJobs(AgentPair* pairs) : IJobs
    {
        public void Get(long i, ulong seedBase, out int self, out int other, out ulong seed)
        {
            AgentPair p = pairs[i];
            self = p.Self; other = p.Other; seed = p.Seed;
        }
    }

    private readonly struct MatrixJobs(int k) : IJobs
    {
        public void Get(long i, ulong seedBase, out int self, out int other, out ulong seed)
        {
            self = (int)(i / k); other = (int)(i % k); seed = unchecked(seedBase + (ulong)i);
        }
    }

    private readonly struct EdgeJobs(AgentEdge* edges, int k) : IJobs
    {
        public void Get(long i, ulong seedBase, out int self, out int other, out ulong seed)
        {
            AgentEdge e = edges[i];
            self = e.Self; other = e.Other;
            seed = unchecked(seedBase + (ulong)((long)e.Self * k + e.Other));
        }
    }

    /// <summary>The first tile of a call with controls (then sized by time, as the native library's).</summary>
    internal const int FirstTileJobs = 64;

    /// <summary>What a tile of a call with controls aims to take, so a cancellation is seen within about that.</summary>
    private static readonly long TileTargetTicks = System.Diagnostics.Stopwatch.Frequency * 30 / 1000;

    /// <summary>
    /// The one tile loop of the managed engine: builds up to <see cref="TileJobs"/> tasks,
    /// runs them as one batch, writes scores and/or results, then reports progress and
    /// checks for cancellation (finished tiles stay written, like the native library's).
    /// With controls the tiles are sized by time (first <see cref="FirstTileJobs"/>, then aiming
    /// at ~30 ms from the measured rate, growing at most 4× a step), as the native library's:
    /// every job has its own seed, so where tiles are cut never changes a result.
    /// </summary>
    private void RunTiled<TJobs>(TJobs jobs, long total, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control, ulong seedBase = 0)
        where TJobs : struct, IJobs
    {
        if (total == 0) return;
        int maxTile = (int)Math.Min(TileJobs, total);
        int tile = control.IsNone ? maxTile : Math.Min(FirstTileJobs, maxTile);
        EmpathyTask[] tasks = ArrayPool<EmpathyTask>.Shared.Rent(maxTile);
        EmpathyResult[]? buffer = results.IsEmpty ? ArrayPool<EmpathyResult>.Shared.Rent(maxTile) : null;
        try
        {
            for (long start = 0; start < total;)
            {
                long began = System.Diagnostics.Stopwatch.GetTimestamp();
                int len = (int)Math.Min(tile, total - start);
                for (int q = 0; q < len; q++)
                {
                    jobs.Get(start + q, seedBase, out int self, out int other, out ulong seed);
                    tasks[q] = Task(self, other, seed);
                }
                Span<EmpathyResult> output = buffer is null ? results.Slice((int)start, len) : buffer.AsSpan(0, len);
                _backend.Empathy(tasks.AsSpan(0, len), parameters, weights, output);
                if (!scores.IsEmpty)
                    for (int q = 0; q < len; q++) scores[(int)start + q] = output[q].Score;
                if (!control.IsNone) tile = NextTile(len, System.Diagnostics.Stopwatch.GetTimestamp() - began, maxTile);
                start += len;
                Between(control, start, total);
            }
        }
        finally
        {
            ArrayPool<EmpathyTask>.Shared.Return(tasks);
            if (buffer is not null) ArrayPool<EmpathyResult>.Shared.Return(buffer);
        }
    }

    /// <summary>The next tile's jobs: aimed at the target from the last tile's rate, at most 4× it, within [1, maxTile].</summary>
    private static int NextTile(int jobs, long tookTicks, int maxTile)
    {
        long grown = 4L * jobs;
        long next = tookTicks <= 0 ? grown : Math.Min(grown, (long)((double)jobs * TileTargetTicks / tookTicks));
        return (int)Math.Clamp(next, 1, maxTile);
    }

    /// <summary>After a tile: report progress, then stop if cancelled (unless this was the last tile).</summary>
    private static void Between(in RunControl control, long done, long total)
    {
        control.Progress?.Report(new BatchProgress(done, total));
        if (done < total) control.Token.ThrowIfCancellationRequested();
    }
}
