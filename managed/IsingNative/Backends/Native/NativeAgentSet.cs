using System.Runtime.InteropServices;
using IsingNative.Core;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// An agent set of the native library (<c>isn_agent_set_*</c>, <c>isn_set_*</c>): the members
/// are copied into the engine once (on a GPU context, uploaded once and kept resident) and
/// every call is ONE native call that tiles, reports progress and honours cancellation
/// itself. Pairs, edges and result buffers are passed without copies (<see cref="SetLayouts"/>).
/// Every call runs on the context the set was created on (a set belongs to one context).
/// </summary>
internal sealed unsafe class NativeAgentSet : IBackendAgentSet
{
    private readonly NativeAgentSetHandle _set;
    private readonly BackendKind _kind;

    public NativeAgentSet(NativeContextHandle context, ReadOnlySpan<SystemView> members, BackendKind kind)
    {
        if (!SetLayouts.Agree)
            throw new InvalidOperationException("public result types and the C structs disagree: " + string.Join("; ", SetLayouts.Mismatches()));
        _kind = kind;
        Count = members.Length;
        IsnSystemView[] views = new IsnSystemView[members.Length];
        for (int i = 0; i < views.Length; i++) views[i] = NativeConvert.View(members[i]);
        fixed (IsnSystemView* v = views)
            _set = NativeAgentSetHandle.Create(context, v, views.Length, kind);
    }

    public int Count { get; }

    /// <summary>The library computes on its copies of the members (taken at the pushes).</summary>
    public bool ReadsMembers => false;

    /// <summary>Leases of the context and the set for one call (neither can be destroyed under it).</summary>
    private ref struct Leases
    {
        private ContextLease _context;
        private ContextLease _set;
        public readonly IsnContextHandle Context;
        public readonly IsnAgentSetHandle Set;

        public Leases(NativeAgentSetHandle set)
        {
            _set = new ContextLease(set);
            _context = new ContextLease(set.Context);
            Context = _context.Context;
            Set = new IsnAgentSetHandle(_set.Context.Value);
        }

        public void Dispose()
        {
            _context.Dispose();
            _set.Dispose();
        }
    }

    public AgentSetInfo Info()
    {
        IsnAgentSetInfo info;
        using (var l = new Leases(_set))
            NativeErrors.Check(IsingNativeApi.isn_agent_set_get_info(l.Set, &info), _kind);
        return new AgentSetInfo(info.count, info.max_n, info.host_bytes, info.device_bytes);
    }

    public void Update(int index, SystemView system, double norm)
    {
        IsnSystemView view = NativeConvert.View(system);
        using var l = new Leases(_set);
        NativeErrors.Check(IsingNativeApi.isn_agent_set_update(l.Set, index, &view), _kind);
    }

    public void UpdateSpins(int index, SystemView system)
    {
        using var l = new Leases(_set);
        NativeErrors.Check(IsingNativeApi.isn_agent_set_update_spins(l.Set, index, system.S), _kind);
    }

    public void Anneal(ReadOnlySpan<int> members, ReadOnlySpan<ulong> seeds, in AnnealParams parameters,
        Span<sbyte> spinsOut, Span<AnnealStats> stats, in RunControl control)
    {
        IsnAnnealOptions options = NativeConvert.Options(parameters);
        fixed (int* m = members)
        fixed (ulong* s = seeds)
        fixed (sbyte* o = spinsOut)
        fixed (AnnealStats* st = stats)
        {
            if (control.IsNone)
            {
                using var l = new Leases(_set);
                NativeErrors.Check(IsingNativeApi.isn_set_anneal(l.Context, l.Set, m, members.Length, s, &options, o,
                    (IsnAnnealStats*)st, null), _kind);
                return;
            }
            using var scope = new NativeRunScope(control, _set);
            IsnRunControl rc = scope.Control;
            IsnStatus status;
            using (var l = new Leases(_set))
                status = IsingNativeApi.isn_set_anneal(l.Context, l.Set, m, members.Length, s, &options, o, (IsnAnnealStats*)st, &rc);
            scope.Check(status, _kind);
        }
    }

    public void Observe(ReadOnlySpan<int> members, Span<Observables> results)
    {
        fixed (int* m = members)
        fixed (Observables* r = results)
        {
            using var l = new Leases(_set);
            NativeErrors.Check(IsingNativeApi.isn_set_observe(l.Context, l.Set, m, members.Length, (IsnObservables*)r), _kind);
        }
    }

    public void ObserveAll(Span<Observables> results)
    {
        fixed (Observables* r = results)
        {
            using var l = new Leases(_set);
            NativeErrors.Check(IsingNativeApi.isn_set_observe(l.Context, l.Set, null, Count, (IsnObservables*)r), _kind);
        }
    }

    public void Empathy(ReadOnlySpan<AgentPair> pairs, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results, in RunControl control)
    {
        IsnEmpathyOptions options = NativeConvert.Options(parameters, weights);
        fixed (AgentPair* p = pairs)
        fixed (EmpathyResult* r = results)
        {
            if (control.IsNone)
            {
                using var l = new Leases(_set);
                NativeErrors.Check(IsingNativeApi.isn_set_empathy(l.Context, l.Set, (IsnPair*)p, pairs.Length, &options,
                    (IsnEmpathyResult*)r, null), _kind);
                return;
            }
            using var scope = new NativeRunScope(control, _set);
            IsnRunControl rc = scope.Control;
            IsnStatus status;
            using (var l = new Leases(_set))
                status = IsingNativeApi.isn_set_empathy(l.Context, l.Set, (IsnPair*)p, pairs.Length, &options, (IsnEmpathyResult*)r, &rc);
            scope.Check(status, _kind);
        }
    }

    public int SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, in AnnealParams parameters,
        in ScoreWeights weights, Span<double> weightsOut, Span<EmpathyResult> results, out EmotionVector collective,
        in RunControl control)
    {
        IsnEmpathyOptions options = NativeConvert.Options(parameters, weights);
        IsnEmotion emotion;
        int best;
        fixed (int* o = others)
        fixed (double* w = weightsOut)
        fixed (EmpathyResult* r = results)
        {
            if (control.IsNone)
            {
                using var l = new Leases(_set);
                NativeErrors.Check(IsingNativeApi.isn_set_social_attention(l.Context, l.Set, self, o, others.Length, seedBase,
                    &options, w, (IsnEmpathyResult*)r, &emotion, &best), _kind);
            }
            else
            {
                // C API 1.4: the same call with run control (a cancel writes nothing).
                using var scope = new NativeRunScope(control, _set);
                IsnRunControl rc = scope.Control;
                IsnStatus status;
                using (var l = new Leases(_set))
                    status = IsingNativeApi.isn_set_social_attention_run(l.Context, l.Set, self, o, others.Length, seedBase,
                        &options, w, (IsnEmpathyResult*)r, &emotion, &best, &rc);
                scope.Check(status, _kind);
            }
        }
        collective = new EmotionVector(emotion.valence, emotion.arousal, emotion.tension, emotion.coherence);
        return best;
    }

    public void EmpathyMatrix(ulong seedBase, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control)
    {
        IsnEmpathyOptions options = NativeConvert.Options(parameters, weights);
        fixed (double* s = scores)
        fixed (EmpathyResult* r = results)
        {
            // The header wants scores_out; a results-only caller gets them from a scratch buffer.
            double[]? scratch = s == null ? new double[(long)Count * Count] : null;
            fixed (double* sc = scratch)
            {
                double* so = s != null ? s : sc;
                if (control.IsNone)
                {
                    using var l = new Leases(_set);
                    NativeErrors.Check(IsingNativeApi.isn_set_empathy_matrix(l.Context, l.Set, seedBase, &options, so,
                        (IsnEmpathyResult*)r, null), _kind);
                    return;
                }
                using var scope = new NativeRunScope(control, _set);
                IsnRunControl rc = scope.Control;
                IsnStatus status;
                using (var l = new Leases(_set))
                    status = IsingNativeApi.isn_set_empathy_matrix(l.Context, l.Set, seedBase, &options, so, (IsnEmpathyResult*)r, &rc);
                scope.Check(status, _kind);
            }
        }
    }

    public void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control)
    {
        IsnEmpathyOptions options = NativeConvert.Options(parameters, weights);
        fixed (AgentEdge* e = edges)
        fixed (double* s = scores)
        fixed (EmpathyResult* r = results)
        {
            if (control.IsNone)
            {
                using var l = new Leases(_set);
                NativeErrors.Check(IsingNativeApi.isn_set_empathy_edges(l.Context, l.Set, (IsnEdge*)e, edges.Length, seedBase,
                    &options, s, (IsnEmpathyResult*)r, null), _kind);
                return;
            }
            using var scope = new NativeRunScope(control, _set);
            IsnRunControl rc = scope.Control;
            IsnStatus status;
            using (var l = new Leases(_set))
                status = IsingNativeApi.isn_set_empathy_edges(l.Context, l.Set, (IsnEdge*)e, edges.Length, seedBase,
                    &options, s, (IsnEmpathyResult*)r, &rc);
            scope.Check(status, _kind);
        }
    }

    public void Quick(ReadOnlySpan<AgentPair> pairs, in QuickParams parameters, Span<QuickEstimate> results)
    {
        IsnEstimateOptions options = NativeConvert.Options(parameters);
        fixed (AgentPair* p = pairs)
        fixed (QuickEstimate* r = results)
        {
            using var l = new Leases(_set);
            NativeErrors.Check(IsingNativeApi.isn_set_estimate(l.Context, l.Set, (IsnPair*)p, pairs.Length, &options,
                (IsnQuickEstimate*)r), _kind);
        }
    }

    public void CouplingSimilarity(ReadOnlySpan<AgentPair> pairs, Span<double> results)
    {
        fixed (AgentPair* p = pairs)
        fixed (double* r = results)
        {
            using var l = new Leases(_set);
            NativeErrors.Check(IsingNativeApi.isn_set_coupling_similarity(l.Context, l.Set, (IsnPair*)p, pairs.Length, r), _kind);
        }
    }

    /// <summary>Bytes the set's context has copied host → device and device → host (0 on CPU contexts; tests read it).</summary>
    internal (long HostToDevice, long DeviceToHost) TransferStats()
    {
        long h2d, d2h;
        using var l = new Leases(_set);
        NativeErrors.Check(IsingNativeApi.isn_context_transfer_stats(l.Context, &h2d, &d2h), _kind);
        return (h2d, d2h);
    }

    /// <summary>The raw handles (tests pass them to the C API directly).</summary>
    internal NativeAgentSetHandle Handle => _set;

    public void Dispose() => _set.Dispose();
}
