namespace IsingNative.Core;

/// <summary>
/// Rank statistics, written once: the top-k selection the pre-filter uses (<see cref="PreFilter"/>)
/// and the agreement measures the estimator-accuracy benchmark reports (docs/PERFORMANCE.md,
/// "Quick estimates: accuracy"). Ties are never broken by chance: in a selection the lower index
/// wins, in a rank correlation tied values share their average rank.
/// </summary>
internal static class Ranking
{
    /// <summary>
    /// The indices of the <paramref name="k"/> largest scores, best first; of equal scores the lower
    /// index ranks first (deterministic). NaN ranks below every number. Writes
    /// <c>min(k, scores.Length)</c> indices and returns that count.
    /// </summary>
    /// <param name="scores">The candidates' scores, by index.</param>
    /// <param name="k">How many to keep (≥ 0).</param>
    /// <param name="top">Room for at least <c>min(k, scores.Length)</c> indices.</param>
    public static int TopK(ReadOnlySpan<double> scores, int k, Span<int> top)
    {
        int keep = Math.Min(k, scores.Length);
        if (keep <= 0) return 0;
        int count = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            // Scanning in index order, a later candidate displaces a kept one only when strictly
            // better, so equal scores keep the lower index.
            if (count == keep && !Better(scores[i], scores[top[count - 1]])) continue;
            int at = count == keep ? count - 1 : count++;
            while (at > 0 && Better(scores[i], scores[top[at - 1]]))
            {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = i;
        }
        return keep;
    }

    /// <summary>Strictly better: larger, and any number beats NaN.</summary>
    private static bool Better(double a, double b) => a > b || (double.IsNaN(b) && !double.IsNaN(a));

    /// <summary>
    /// How many of the top <paramref name="k"/> indices of <paramref name="truth"/> are among the top
    /// <paramref name="k"/> of <paramref name="estimate"/>, as a fraction of k (both by <see cref="TopK"/>).
    /// </summary>
    /// <param name="truth">The reference scores.</param>
    /// <param name="estimate">The estimator's scores of the same candidates.</param>
    /// <param name="k">1 ≤ k ≤ the number of candidates.</param>
    public static double Recall(ReadOnlySpan<double> truth, ReadOnlySpan<double> estimate, int k)
    {
        if (estimate.Length != truth.Length)
            throw new ArgumentException($"estimate: expected {truth.Length} scores (one per truth score), got {estimate.Length}.", nameof(estimate));
        if (k < 1 || k > truth.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in 1..{truth.Length}, got {k}.");
        var a = new int[k];
        var b = new int[k];
        TopK(truth, k, a);
        TopK(estimate, k, b);
        int hits = 0;
        foreach (int i in a)
            if (Array.IndexOf(b, i) >= 0) hits++;
        return (double)hits / k;
    }

    /// <summary>The size of a top fraction of <paramref name="count"/> candidates: ⌈fraction·count⌉, at least 1.</summary>
    public static int TopCount(int count, double fraction) => Math.Max(1, (int)Math.Ceiling(fraction * count - 1e-9));

    /// <summary>Ranks 1..m of <paramref name="values"/> (1 = smallest); tied values get the mean of their ranks.</summary>
    public static double[] AverageRanks(ReadOnlySpan<double> values)
    {
        int m = values.Length;
        var order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        double[] copy = values.ToArray();
        Array.Sort(copy, order);   // NaN sorts first: NaN inputs are refused by Spearman before this
        var ranks = new double[m];
        for (int start = 0; start < m;)
        {
            int end = start + 1;
            while (end < m && copy[end] == copy[start]) end++;
            double rank = (start + 1 + end) / 2.0;   // mean of ranks start+1 .. end
            for (int t = start; t < end; t++) ranks[order[t]] = rank;
            start = end;
        }
        return ranks;
    }

    /// <summary>
    /// Spearman's rank correlation: the Pearson correlation of the average ranks, in [−1, 1].
    /// NaN when either side is constant (no ranking to compare) or has fewer than two values.
    /// </summary>
    /// <param name="x">One ranking's values.</param>
    /// <param name="y">The other's, same length.</param>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (y.Length != x.Length)
            throw new ArgumentException($"y: expected {x.Length} values (one per x), got {y.Length}.", nameof(y));
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(x[i])) throw new ArgumentException($"x[{i}] is NaN; ranks need numbers.", nameof(x));
            if (double.IsNaN(y[i])) throw new ArgumentException($"y[{i}] is NaN; ranks need numbers.", nameof(y));
        }
        if (x.Length < 2) return double.NaN;
        return Pearson(AverageRanks(x), AverageRanks(y));
    }

    private static double Pearson(double[] x, double[] y)
    {
        int m = x.Length;
        double mx = 0, my = 0;
        for (int i = 0; i < m; i++) { mx += x[i]; my += y[i]; }
        mx /= m;
        my /= m;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < m; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return double.NaN;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1.0, 1.0);
    }
}
