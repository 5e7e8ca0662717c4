using ScottPlot;

namespace IsingNative.Cli.Imaging;

/// <summary>
/// The K×K empathy matrix as a figure (ScottPlot): row = self agent a (0 at the top),
/// column = other agent b, both axes labelled with agent indices; a colour bar with the
/// score scale; a title naming K, n, the seed and the backend. The colours span the
/// matrix's own score range (lowest = blue, highest = red, through light grey; Moreland's
/// "cool to warm" diverging map, so small differences around the middle stay visible), and
/// the colour bar's label says so: empathy scores of one swarm often span a narrow band that
/// a fixed 0..1 scale would paint in one colour. The figure has a fixed size whatever K is.
/// </summary>
internal static class Heatmap
{
    /// <summary>The figure's size in pixels (PNG) or user units (SVG).</summary>
    public const int Width = 800, Height = 700;

    /// <summary>The geometry and the score range the colours span.</summary>
    public readonly record struct Info(int Width, int Height, double Min, double Max);

    /// <summary>What the title says about the run.</summary>
    public readonly record struct Caption(int N, ulong Seed, string Backend);

    /// <summary>Writes the heatmap of <paramref name="matrix"/> (row-major k×k) to <paramref name="path"/>.</summary>
    public static Info Write(string option, string path, FigureFormat format, ReadOnlySpan<double> matrix, int k, Caption caption)
    {
        var (min, max) = FiniteRange(matrix);
        var cells = new double[k, k];
        for (var a = 0; a < k; a++)
            for (var b = 0; b < k; b++)
                cells[a, b] = matrix[a * k + b];

        var plot = new Plot();
        var map = plot.Add.Heatmap(cells);
        map.Colormap = new CoolWarm();
        map.ManualRange = new ScottPlot.Range(min, max);
        // Cell (a, b) centred on (x = b, y = a); the y axis runs downwards so row 0 is on top,
        // the way a matrix is read.
        map.Position = new CoordinateRect(-0.5, k - 0.5, -0.5, k - 0.5);
        var bar = plot.Add.ColorBar(map);
        bar.Label = $"empathy score (colours span this matrix: {min:G4} to {max:G4})";
        plot.Title($"Empathy matrix: K = {k} agents, n = {caption.N}, seed {caption.Seed}, {caption.Backend}");
        plot.XLabel("other agent b (column)");
        plot.YLabel("self agent a (row)");
        IntegerTicks(plot.Axes.Bottom);
        IntegerTicks(plot.Axes.Left);
        plot.Axes.SetLimits(-0.5, k - 0.5, k - 0.5, -0.5);
        FigureFile.Save(option, path, format, plot, Width, Height);
        return new Info(Width, Height, min, max);
    }

    /// <summary>Tick labels at whole agent indices only (a swarm of 3 has no agent 0.5).</summary>
    internal static void IntegerTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    /// <summary>The lowest and highest finite value (0..1 when there is none).</summary>
    internal static (double Min, double Max) FiniteRange(ReadOnlySpan<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return double.IsFinite(min) ? (min, max) : (0, 1);
    }

    /// <summary>
    /// Blue (lowest) → light grey → red (highest); endpoints and midpoint in the spirit of
    /// Moreland's "cool to warm" diverging map.
    /// </summary>
    private sealed class CoolWarm : IColormap
    {
        private static readonly (double R, double G, double B) Low = (59, 76, 192);
        private static readonly (double R, double G, double B) Mid = (221, 221, 221);
        private static readonly (double R, double G, double B) High = (180, 4, 38);

        public string Name => "cool to warm";

        public Color GetColor(double position)
        {
            if (!double.IsFinite(position)) return Colors.Black;
            var t = Math.Clamp(position, 0, 1);
            var (from, to, f) = t < 0.5 ? (Low, Mid, t * 2) : (Mid, High, (t - 0.5) * 2);
            return new Color(Lerp(from.R, to.R, f), Lerp(from.G, to.G, f), Lerp(from.B, to.B, f));
        }

        private static byte Lerp(double a, double b, double f) => (byte)Math.Round(a + (b - a) * f);
    }
}
