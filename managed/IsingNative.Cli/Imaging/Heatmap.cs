namespace IsingNative.Cli.Imaging;

/// <summary>
/// Draws a K×K matrix of scores as a blue→red heatmap: blue is the lowest score in the
/// matrix, red the highest, through a light grey midpoint (a diverging map, so small
/// differences around the middle stay visible). Each entry becomes a square cell so that
/// small swarms are still legible.
/// </summary>
internal static class Heatmap
{
    // Endpoints and midpoint in the spirit of Moreland's "cool to warm" diverging map.
    private static readonly (double R, double G, double B) Low = (59, 76, 192);
    private static readonly (double R, double G, double B) Mid = (221, 221, 221);
    private static readonly (double R, double G, double B) High = (180, 4, 38);

    /// <summary>The geometry and the score range the colours span.</summary>
    public readonly record struct Info(int Width, int Height, int CellSize, double Min, double Max);

    /// <summary>Writes the heatmap of <paramref name="matrix"/> (row-major k×k) to <paramref name="path"/>.</summary>
    public static Info Write(string path, ReadOnlySpan<double> matrix, int k)
    {
        // Aim for an image of roughly 512 px per side without exceeding 4096 px.
        var cell = Math.Max(1, 512 / k);
        var side = checked(k * cell);
        if (side > 4096)
            throw new ArgumentException($"a heatmap of {k} agents would be {side} px wide; at most 4096 agents can be drawn", "--heatmap");

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in matrix)
        {
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (!double.IsFinite(min)) { min = 0; max = 1; }

        var rgb = new byte[side * side * 3];
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                var (r, g, bl) = Colour(matrix[a * k + b], min, max);
                for (var dy = 0; dy < cell; dy++)
                {
                    var row = (a * cell + dy) * side;
                    for (var dx = 0; dx < cell; dx++)
                    {
                        var p = (row + b * cell + dx) * 3;
                        rgb[p] = r; rgb[p + 1] = g; rgb[p + 2] = bl;
                    }
                }
            }
        }
        PngWriter.Write(path, side, side, rgb);
        return new Info(side, side, cell, min, max);
    }

    /// <summary>Colour of <paramref name="value"/> on the map spanning [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static (byte R, byte G, byte B) Colour(double value, double min, double max)
    {
        if (!double.IsFinite(value)) return (0, 0, 0);
        var t = max > min ? (value - min) / (max - min) : 0.5;
        t = Math.Clamp(t, 0, 1);
        var (from, to, f) = t < 0.5 ? (Low, Mid, t * 2) : (Mid, High, (t - 0.5) * 2);
        return (Lerp(from.R, to.R, f), Lerp(from.G, to.G, f), Lerp(from.B, to.B, f));
    }

    private static byte Lerp(double a, double b, double f) => (byte)Math.Round(a + (b - a) * f);
}
