using ScottPlot;

namespace IsingNative.Cli.Imaging;

/// <summary>
/// <c>ising simulate --plot</c>: a swarm's per-round statistics as four panels sharing the
/// round axis: mean empathy and mean response score; coupling drift (mean ‖J − J₀‖); mean
/// energy; the collective emotion's four components (valence, arousal, tension, coherence).
/// </summary>
internal static class SwarmStatsFigure
{
    /// <summary>The figure's size in pixels (PNG) or user units (SVG).</summary>
    public const int Width = 800, Height = 1000;

    /// <summary>What the title says about the run.</summary>
    public readonly record struct Caption(int Agents, int N, string Graph, long Edges, ulong Seed, string Backend);

    /// <summary>Draws <paramref name="rounds"/> as <paramref name="format"/> (PNG or SVG) to <paramref name="path"/>.</summary>
    public static void Write(string option, string path, FigureFormat format, IReadOnlyList<SwarmRoundStats> rounds, Caption caption)
    {
        var x = rounds.Select(s => (double)s.Round).ToArray();
        double[] Of(Func<SwarmRoundStats, double> f) => rounds.Select(f).ToArray();

        var empathy = Panel(x, "empathy",
            ("mean empathy", Of(s => s.MeanEmpathy), Colors.DarkBlue),
            ("response score", Of(s => s.MeanResponseScore), Colors.DarkOrange));
        empathy.Title($"Swarm: {caption.Agents} agents, n = {caption.N}, {caption.Graph}, {caption.Edges:N0} edges, "
                      + $"seed {caption.Seed} ({caption.Backend})", size: 14);
        var drift = Panel(x, "mean drift ‖J − J₀‖", ("", Of(s => s.CouplingDrift), Colors.DarkRed));
        var energy = Panel(x, "mean energy", ("", Of(s => s.MeanEnergy), Colors.DarkGreen));
        var emotion = Panel(x, "collective emotion",
            ("valence", Of(s => s.CollectiveEmotion.Valence), Colors.DarkBlue),
            ("arousal", Of(s => s.CollectiveEmotion.Arousal), Colors.DarkOrange),
            ("tension", Of(s => s.CollectiveEmotion.Tension), Colors.DarkRed),
            ("coherence", Of(s => s.CollectiveEmotion.Coherence), Colors.DarkGreen));
        emotion.XLabel("round");
        Plot[] panels = [empathy, drift, energy, emotion];
        foreach (var p in panels)
        {
            // Equal margins, so the data areas line up on the shared round axis; the legends
            // stand in the right margin, beside the data, never over it.
            p.Layout.Fixed(new PixelPadding(90, 190, 45, 45));
            p.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            if (x.Length == 1) p.Axes.SetLimitsX(x[0] - 1, x[0] + 1);
            // The first render settles the axis limits; a plot whose limits change while it
            // renders draws itself twice, which an SVG would keep (hidden, but in the file).
            p.RenderInMemory(Width, Height / panels.Length);
        }
        FigureFile.Save(option, path, format, Width, Height, canvas =>
        {
            canvas.Clear(SkiaSharp.SKColors.White);
            var h = Height / (float)panels.Length;
            for (var i = 0; i < panels.Length; i++)
            {
                // A plot clears its whole canvas first: clip it to its own panel.
                canvas.Save();
                canvas.ClipRect(SkiaSharp.SKRect.Create(0, i * h, Width, h));
                panels[i].Render(canvas, new PixelRect(0, Width, (i + 1) * h, i * h));
                canvas.Restore();
            }
        });
    }

    private static Plot Panel(double[] x, string label, params (string Legend, double[] Y, Color Colour)[] series)
    {
        var plot = new Plot();
        foreach (var (legend, y, colour) in series)
        {
            var line = plot.Add.Scatter(x, y);
            line.Color = colour;
            line.LineWidth = 1.5f;
            // Markers while the rounds are few enough to tell apart.
            line.MarkerSize = x.Length <= 50 ? 4 : 0;
            if (series.Length > 1) line.LegendText = legend;
        }
        plot.YLabel(label);
        if (series.Length > 1) plot.ShowLegend(Edge.Right);
        return plot;
    }
}
