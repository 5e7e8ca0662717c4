using System.Globalization;
using System.Text;
using IsingNative.Cli.Infrastructure;
using ScottPlot;

namespace IsingNative.Cli.Imaging;

/// <summary>
/// <c>ising anneal --trace</c>: one anneal step by step (<see cref="IsingEngine.AnnealTrace"/>),
/// as a CSV table or as a figure of three panels sharing the step axis: the energy after
/// each step, β_t (log scale when it spans a decade or more), and the step's acceptance
/// rate (accepted ÷ trials).
/// </summary>
internal static class TraceFigure
{
    /// <summary>The figure's size in pixels (PNG) or user units (SVG).</summary>
    public const int Width = 800, Height = 900;

    /// <summary>The CSV header; one row per step follows, numbers in round-trip form.</summary>
    public const string CsvHeader = "step,beta,energy,accepted,trials,acceptance_rate";

    /// <summary>What the title says about the run.</summary>
    public readonly record struct Caption(int N, ulong Seed, AnnealOptions Options, string Backend);

    /// <summary>Writes <paramref name="trace"/> as <paramref name="format"/> to <paramref name="path"/>.</summary>
    public static void Write(string option, string path, FigureFormat format, AnnealTrace trace, Caption caption)
    {
        if (format == FigureFormat.Csv)
        {
            WriteCsv(option, path, trace);
            return;
        }
        var steps = trace.Betas.Length;
        var x = new double[steps];
        var rate = new double[steps];
        for (var t = 0; t < steps; t++)
        {
            x[t] = t;
            rate[t] = trace.Trials[t] > 0 ? (double)trace.Accepted[t] / trace.Trials[t] : 0;
        }
        var o = caption.Options;
        var schedule = (o.AdaptiveSteps ? $"{trace.Stats.Steps} adaptive steps" : $"{trace.Stats.Steps} steps")
                       + (steps < trace.Stats.Steps ? $" (early stop in step {steps - 1})" : "");
        var energy = Panel(x, trace.Energies, "energy after step", Colors.DarkRed);
        energy.Title($"Anneal trace: n = {caption.N}, seed {caption.Seed}, {schedule} × {o.TrialsPerStep} trials, "
                     + $"{o.Acceptance}, {o.SweepOrder} sweep ({caption.Backend})", size: 14);
        // The schedule is geometric (§4.3): on a log axis it is a straight line, and the hot
        // early steps stay visible. Plotted as log10 β with ticks labelled in β, when β spans
        // at least a decade (a log axis over less would show no labelled power of ten).
        var (lowBeta, highBeta) = (trace.Betas.Min(), trace.Betas.Max());
        Plot beta;
        if (highBeta >= 10 * lowBeta)
        {
            beta = Panel(x, trace.Betas.Select(Math.Log10).ToArray(), "β (log scale)", Colors.DarkBlue);
            beta.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => BetaLabel(Math.Pow(10, y)),
            };
        }
        else
        {
            beta = Panel(x, trace.Betas, "β", Colors.DarkBlue);
        }
        var accepted = Panel(x, rate, "acceptance rate", Colors.DarkGreen);
        accepted.XLabel("step");
        Plot[] panels = [energy, beta, accepted];
        // Equal margins, so the three data areas line up on the shared step axis.
        foreach (var p in panels)
        {
            p.Layout.Fixed(new PixelPadding(90, 30, 45, 45));
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

    /// <summary>A power of ten as plain digits where that stays short (0.001 … 10000), else as 1E+05.</summary>
    private static string BetaLabel(double value) =>
        value is >= 1e-3 and < 1e5
            ? value.ToString("0.###", CultureInfo.InvariantCulture)
            : value.ToString("0E+0", CultureInfo.InvariantCulture);

    private static Plot Panel(double[] x, double[] y, string label, Color colour)
    {
        var plot = new Plot();
        var line = plot.Add.ScatterLine(x, y);
        line.Color = colour;
        line.LineWidth = 1.5f;
        plot.YLabel(label);
        return plot;
    }

    /// <summary>The trace as CSV: <see cref="CsvHeader"/>, then one row per step.</summary>
    internal static void WriteCsv(string option, string path, AnnealTrace trace)
    {
        try
        {
            using var text = new StreamWriter(path, false, new UTF8Encoding(false));
            text.Write(CsvHeader + "\n");
            for (var t = 0; t < trace.Betas.Length; t++)
            {
                var rate = trace.Trials[t] > 0 ? (double)trace.Accepted[t] / trace.Trials[t] : 0;
                text.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{t},{trace.Betas[t]:R},{trace.Energies[t]:R},{trace.Accepted[t]},{trace.Trials[t]},{rate:R}\n"));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option}: cannot write '{path}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
    }
}
