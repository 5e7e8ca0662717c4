namespace IsingNative.Cli.Infrastructure;

/// <summary>The nearest of some known names to a mistyped one, for "did you mean ...?".</summary>
internal static class Suggestions
{
    /// <summary>
    /// The known name nearest to <paramref name="typed"/> by edit distance, when it is at most a third
    /// of the longer name's letters (at least one) apart, as for system-file keys; null when none is.
    /// Ties go to the earlier name.
    /// </summary>
    public static string? Nearest(string typed, IEnumerable<string> known)
    {
        string? nearest = null;
        int best = int.MaxValue;
        foreach (var name in known)
        {
            int d = IsingSystemFile.EditDistance(typed, name);
            if (d < best && d <= Math.Max(1, Math.Max(typed.Length, name.Length) / 3)) (best, nearest) = (d, name);
        }
        return nearest;
    }
}
