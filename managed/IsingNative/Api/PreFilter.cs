namespace IsingNative;

/// <summary>
/// An opt-in pre-filter for social attention and for an agent set's matrix and edge batches
/// (MODEL.md §7, "Pre-filtering"): every candidate pair is first estimated with
/// <paramref name="Method"/> (no anneal), and the full empathy runs only on each self's
/// <paramref name="TopK"/> best-estimated candidates (equal estimates: the lower index first).
/// A kept entry is bit-identical to the same entry of the unfiltered call (same pair, same seed);
/// a skipped entry holds score 0 and <c>default(EmpathyResult)</c> (its <c>Steps</c> is 0, which a
/// computed entry never has).
/// </summary>
/// <param name="TopK">How many candidates per self get the full empathy, ≥ 1.</param>
/// <param name="Method">The estimate that ranks the candidates: by default <see cref="QuickMethod.Quench"/>, scored
/// with the call's own weights; <see cref="QuickMethod.Seed"/> (scale 100) ranks no better than chance
/// (docs/PERFORMANCE.md, "Quick estimates: accuracy").</param>
public sealed record PreFilter(int TopK, QuickMethod Method = QuickMethod.Quench)
{
    /// <summary>
    /// The positions this filter keeps among candidates with these estimates: the
    /// <see cref="TopK"/> largest (equal estimates: the lower position first; any number beats
    /// NaN), in ascending order — the rule every filtered call applies to each self's candidates.
    /// </summary>
    /// <param name="estimates">One estimate per candidate, in candidate order.</param>
    public int[] Keep(ReadOnlySpan<double> estimates)
    {
        Validate(nameof(PreFilter));
        var top = new int[Math.Min(TopK, estimates.Length)];
        Core.Ranking.TopK(estimates, TopK, top);
        Array.Sort(top);
        return top;
    }

    /// <summary>Throws naming <paramref name="paramName"/> and the bad value unless TopK ≥ 1 and Method is defined.</summary>
    internal void Validate(string paramName)
    {
        if (TopK < 1)
            throw new ArgumentOutOfRangeException(paramName, TopK, $"{paramName}: TopK must be >= 1, got {TopK}.");
        if (!Enum.IsDefined(Method))
            throw new ArgumentOutOfRangeException(paramName, Method, $"{paramName}: Method {(int)Method} is not a QuickMethod.");
    }
}
