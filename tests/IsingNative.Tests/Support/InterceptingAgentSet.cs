using IsingNative.Backends;
using IsingNative.Core;

namespace IsingNative.Tests.Support;

/// <summary>
/// An agent set that runs <paramref name="before"/> ahead of every operation it forwards to
/// <paramref name="inner"/>: the seam through which tests inject device faults (AutoFallbackTests)
/// or mutations from inside a call (ConcurrencyStressTests). <see cref="Info"/> is intercepted only
/// when <paramref name="beforeInfo"/> is set.
/// </summary>
internal sealed class InterceptingAgentSet(IBackendAgentSet inner, Action before, bool beforeInfo) : IBackendAgentSet
{
    public int Count => inner.Count;
    public bool ReadsMembers => inner.ReadsMembers;
    public AgentSetInfo Info() { if (beforeInfo) before(); return inner.Info(); }
    public void Update(int i, SystemView s, double norm) { before(); inner.Update(i, s, norm); }
    public void UpdateSpins(int i, SystemView s) { before(); inner.UpdateSpins(i, s); }
    public void Anneal(ReadOnlySpan<int> m, ReadOnlySpan<ulong> seeds, in AnnealParams p, Span<sbyte> spins, Span<AnnealStats> stats, in RunControl c)
    { before(); inner.Anneal(m, seeds, p, spins, stats, c); }
    public void Observe(ReadOnlySpan<int> m, Span<Observables> r) { before(); inner.Observe(m, r); }
    public void ObserveAll(Span<Observables> r) { before(); inner.ObserveAll(r); }
    public void Empathy(ReadOnlySpan<AgentPair> pairs, in AnnealParams p, in ScoreWeights w, Span<EmpathyResult> r, in RunControl c)
    { before(); inner.Empathy(pairs, p, w, r, c); }
    public int SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, in AnnealParams p, in ScoreWeights w,
        Span<double> weights, Span<EmpathyResult> r, out EmotionVector collective, in RunControl c)
    { before(); return inner.SocialAttention(self, others, seedBase, p, w, weights, r, out collective, c); }
    public void EmpathyMatrix(ulong seedBase, in AnnealParams p, in ScoreWeights w, Span<double> scores, Span<EmpathyResult> r, in RunControl c)
    { before(); inner.EmpathyMatrix(seedBase, p, w, scores, r, c); }
    public void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, in AnnealParams p, in ScoreWeights w, Span<double> scores,
        Span<EmpathyResult> r, in RunControl c)
    { before(); inner.EmpathyEdges(edges, seedBase, p, w, scores, r, c); }
    public void Quick(ReadOnlySpan<AgentPair> pairs, in QuickParams p, Span<QuickEstimate> r) { before(); inner.Quick(pairs, p, r); }
    public void CouplingSimilarity(ReadOnlySpan<AgentPair> pairs, Span<double> r) { before(); inner.CouplingSimilarity(pairs, r); }
    public void Dispose() => inner.Dispose();
}
