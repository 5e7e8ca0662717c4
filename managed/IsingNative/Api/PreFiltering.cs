using System.Buffers;
using IsingNative.Backends;
using IsingNative.Core;

namespace IsingNative;

/// <summary>
/// The <see cref="PreFilter"/> of social attention and of the matrix and edge batches, written
/// once for every backend: the backend set's quick-estimate batch over every candidate pair, a
/// deterministic top-k per self (<see cref="Ranking.TopK"/>), then the backend set's own empathy
/// batch or edge batch on the kept pairs with the seeds the unfiltered call gives them, so a kept
/// entry is bit for bit the unfiltered one. The social-attention weights over the kept subset are
/// aggregated here (<see cref="SocialAttentionCore"/>), the same code on every backend.
/// Callers validated the arguments and synced the members.
/// </summary>
internal static class PreFiltering
{
    /// <summary>The energy scale of the Seed estimate: the default of <see cref="IsingEngine.Quick(IsingSystem, IsingSystem, double)"/>.</summary>
    private const double SeedScale = 100;

    /// <summary>
    /// Estimates of the pairs with the filter's method: the backend set's quick batch, the quench
    /// scored with the call's own weights (so it ranks by the score the call computes), the Seed
    /// formula with its default scale.
    /// </summary>
    private static void Estimate(IBackendAgentSet set, ReadOnlySpan<AgentPair> pairs, QuickMethod method, in ScoreWeights weights,
        Span<QuickEstimate> results) =>
        set.Quick(pairs, new QuickParams(method, SeedScale, weights), results);

    /// <summary>
    /// §7 social attention of <paramref name="self"/> over the filter's top-k of <paramref name="others"/>
    /// (seed <c>seedBase + k</c> for others[k], as unfiltered): weights over the kept subset, 0 elsewhere;
    /// results default elsewhere. Returns the first argmax among the kept (in index order).
    /// With TopK ≥ others.Length nothing is skipped and the unfiltered call runs.
    /// </summary>
    public static int SocialAttention(IBackendAgentSet set, int self, ReadOnlySpan<int> others, ulong seedBase,
        in AnnealParams parameters, in ScoreWeights weights, PreFilter filter,
        Span<double> weightsOut, Span<EmpathyResult> results, out EmotionVector collective, in RunControl control)
    {
        int count = others.Length;
        if (filter.TopK >= count)
            return set.SocialAttention(self, others, seedBase, parameters, weights, weightsOut, results, out collective, control);
        int keep = filter.TopK;
        var pairs = new AgentPair[count];
        for (int k = 0; k < count; k++) pairs[k] = new AgentPair(self, others[k], seedBase + (ulong)k);
        var estimates = new QuickEstimate[count];
        Estimate(set, pairs, filter.Method, weights, estimates);
        var scores = new double[count];
        for (int k = 0; k < count; k++) scores[k] = estimates[k].Score;
        var top = new int[keep];
        Ranking.TopK(scores, keep, top);
        Array.Sort(top);   // index order: the aggregation's sums and its first argmax run in the unfiltered order
        var kept = new AgentPair[keep];
        var members = new int[keep];
        for (int j = 0; j < keep; j++) { kept[j] = pairs[top[j]]; members[j] = others[top[j]]; }
        var keptResults = new EmpathyResult[keep];
        // Cancellable between the empathies' tiles; the outputs below are written only after.
        set.Empathy(kept, parameters, weights, keptResults, control);
        var emotions = new Observables[keep];
        set.Observe(members, emotions);
        var keptWeights = new double[keep];
        int best = SocialAttentionCore.Aggregate(keptResults, emotions, keptWeights, out collective);
        weightsOut[..count].Clear();
        results[..count].Clear();
        for (int j = 0; j < keep; j++)
        {
            weightsOut[top[j]] = keptWeights[j];
            results[top[j]] = keptResults[j];
        }
        return top[best];
    }

    /// <summary>
    /// The K×K matrix with only each row's top-k off-diagonal entries computed (seed
    /// <c>seedBase + a·K + b</c>, as unfiltered); every other entry, the diagonal included, is 0 /
    /// default. <paramref name="scores"/> K·K or empty, <paramref name="results"/> K·K or empty.
    /// </summary>
    public static void EmpathyMatrix(IBackendAgentSet set, int agents, ulong seedBase, in AnnealParams parameters,
        in ScoreWeights weights, PreFilter filter, Span<double> scores, Span<EmpathyResult> results, in RunControl control)
    {
        int k = agents;
        int candidates = k - 1;
        int keep = Math.Min(filter.TopK, candidates);
        var edges = new AgentEdge[(long)k * keep];
        if (keep > 0)
        {
            // Rows in chunks of about 65 536 estimates (2.5 MB of scratch): few backend calls, and a
            // batch quenches each distinct other once, so each agent is quenched once per chunk.
            int rowsPerChunk = Math.Max(1, 65536 / candidates);
            AgentPair[] pairs = ArrayPool<AgentPair>.Shared.Rent(rowsPerChunk * candidates);
            QuickEstimate[] estimates = ArrayPool<QuickEstimate>.Shared.Rent(rowsPerChunk * candidates);
            double[] rowScores = ArrayPool<double>.Shared.Rent(candidates);
            int[] top = ArrayPool<int>.Shared.Rent(keep);
            try
            {
                int written = 0;
                for (int first = 0; first < k; first += rowsPerChunk)
                {
                    int rows = Math.Min(rowsPerChunk, k - first);
                    int length = 0;
                    for (int a = first; a < first + rows; a++)
                        for (int b = 0; b < k; b++)
                            if (b != a) pairs[length++] = new AgentPair(a, b, 0);
                    Estimate(set, pairs.AsSpan(0, length), filter.Method, weights, estimates.AsSpan(0, length));
                    for (int r = 0; r < rows; r++)
                    {
                        int a = first + r;
                        for (int c = 0; c < candidates; c++) rowScores[c] = estimates[r * candidates + c].Score;
                        Ranking.TopK(rowScores.AsSpan(0, candidates), keep, top);
                        Array.Sort(top, 0, keep);
                        // Candidate c of row a is column c, or c + 1 past the diagonal.
                        for (int j = 0; j < keep; j++) edges[written++] = new AgentEdge(a, top[j] < a ? top[j] : top[j] + 1);
                    }
                }
            }
            finally
            {
                ArrayPool<AgentPair>.Shared.Return(pairs);
                ArrayPool<QuickEstimate>.Shared.Return(estimates);
                ArrayPool<double>.Shared.Return(rowScores);
                ArrayPool<int>.Shared.Return(top);
            }
        }
        var keptScores = scores.IsEmpty ? null : new double[edges.Length];
        var keptResults = results.IsEmpty ? null : new EmpathyResult[edges.Length];
        if (edges.Length > 0)
            set.EmpathyEdges(edges, seedBase, parameters, weights, keptScores, keptResults, control);
        scores.Clear();
        results.Clear();
        for (int e = 0; e < edges.Length; e++)
        {
            long cell = (long)edges[e].Self * k + edges[e].Other;
            if (keptScores is not null) scores[(int)cell] = keptScores[e];
            if (keptResults is not null) results[(int)cell] = keptResults[e];
        }
    }

    /// <summary>
    /// The edges with only each self's top-k edges (by estimate; equal estimates: the lower edge
    /// index) computed, with the matrix entries' seeds as unfiltered; the others are 0 / default.
    /// </summary>
    public static void EmpathyEdges(IBackendAgentSet set, ReadOnlySpan<AgentEdge> edges, ulong seedBase,
        in AnnealParams parameters, in ScoreWeights weights, PreFilter filter,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control)
    {
        int count = edges.Length;
        var pairs = new AgentPair[count];
        for (int e = 0; e < count; e++) pairs[e] = new AgentPair(edges[e].Self, edges[e].Other, 0);
        var estimates = new QuickEstimate[count];
        Estimate(set, pairs, filter.Method, weights, estimates);
        // Group the edges by self, each group in edge order: sort (self, edge index) keys.
        var order = new long[count];
        for (int e = 0; e < count; e++) order[e] = ((long)edges[e].Self << 32) | (uint)e;
        Array.Sort(order);
        var keepEdge = new bool[count];
        var groupScores = new double[count];
        var top = new int[Math.Min(filter.TopK, count)];
        int keptCount = 0;
        for (int start = 0; start < count;)
        {
            int end = start + 1;
            while (end < count && order[end] >> 32 == order[start] >> 32) end++;
            int size = end - start;
            for (int t = 0; t < size; t++) groupScores[t] = estimates[(int)(uint)order[start + t]].Score;
            int kept = Ranking.TopK(groupScores.AsSpan(0, size), filter.TopK, top);
            for (int j = 0; j < kept; j++) keepEdge[(int)(uint)order[start + top[j]]] = true;
            keptCount += kept;
            start = end;
        }
        var keptEdges = new AgentEdge[keptCount];
        for (int e = 0, j = 0; e < count; e++)
            if (keepEdge[e]) keptEdges[j++] = edges[e];
        var keptScores = scores.IsEmpty ? null : new double[keptCount];
        var keptResults = results.IsEmpty ? null : new EmpathyResult[keptCount];
        set.EmpathyEdges(keptEdges, seedBase, parameters, weights, keptScores, keptResults, control);
        scores.Clear();
        results.Clear();
        for (int e = 0, j = 0; e < count; e++)
        {
            if (!keepEdge[e]) continue;
            if (keptScores is not null) scores[e] = keptScores[j];
            if (keptResults is not null) results[e] = keptResults[j];
            j++;
        }
    }
}
