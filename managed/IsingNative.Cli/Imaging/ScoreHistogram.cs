using ScottPlot;

namespace IsingNative.Cli.Imaging;

/// <summary>
/// The distribution of a swarm's K×K empathy scores (ScottPlot): <see cref="Bins"/> bins of
/// equal width spanning the lowest to the highest finite score (the last bin includes the
/// highest; a swarm whose scores are all equal gets one bin of width 1e-6 around them),
/// bar height = number of (a, b) pairs in the bin. Fixed size whatever K is.
/// </summary>
internal static class ScoreHistogram
{
    /// <summary>The figure's size in pixels (PNG) or user units (SVG).</summary>
    public const int Width = 800, Height = 600;

    /// <summary>Number of equal-width bins between the lowest and the highest score.</summary>
    public const int Bins = 40;

    /// <summary>What <see cref="Write"/> drew.</summary>
    public readonly record struct Info(int Width, int Height, int Bins, double Min, double Max);

    /// <summary>Writes the histogram of <paramref name="scores"/> to <paramref name="path"/>.</summary>
    public static Info Write(string option, string path, FigureFormat format, ReadOnlySpan<double> scores, int k,
        Heatmap.Caption caption)
    {
        var (min, max) = Heatmap.FiniteRange(scores);
        var bins = max > min ? Bins : 1;
        double lo = min, hi = max;
        if (!(hi > lo)) { lo -= 5e-7; hi += 5e-7; }
        var counts = Count(scores, lo, hi, bins);
        var width = (hi - lo) / bins;

        var plot = new Plot();
        var bars = new List<Bar>(bins);
        for (var i = 0; i < bins; i++)
        {
            bars.Add(new Bar
            {
                Position = lo + (i + 0.5) * width,
                Value = counts[i],
                Size = width,
                FillColor = Colors.SteelBlue,
                LineWidth = 0,
            });
        }
        plot.Add.Bars(bars);
        plot.Title($"Empathy scores: K = {k} agents ({(long)k * k:N0} pairs), n = {caption.N}, seed {caption.Seed}, {caption.Backend}");
        plot.XLabel($"empathy score ({bins} equal bins from {min:G4} to {max:G4})");
        plot.YLabel("pairs (a, b) in bin");
        plot.Axes.Margins(bottom: 0);
        FigureFile.Save(option, path, format, plot, Width, Height);
        return new Info(Width, Height, bins, min, max);
    }

    /// <summary>Counts of the finite values in <paramref name="bins"/> equal bins over [lo, hi] (hi in the last).</summary>
    internal static long[] Count(ReadOnlySpan<double> values, double lo, double hi, int bins)
    {
        var counts = new long[bins];
        var scale = bins / (hi - lo);
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            var i = (int)Math.Floor((v - lo) * scale);
            counts[Math.Clamp(i, 0, bins - 1)]++;
        }
        return counts;
    }
}
