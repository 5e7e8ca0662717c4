using System.CommandLine;
using System.Diagnostics;
using IsingNative.Cli.Imaging;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising swarm --agents K</c>: the K×K empathy matrix of a generated swarm (agent k has
/// generator seed self-seed + k; entry (a, b) uses anneal seed <c>--seed + a·K + b</c>,
/// ALGORITHM.md §7), timed as one batch, optionally drawn as a heatmap and a histogram
/// of the scores (PNG or SVG by extension).
/// </summary>
internal static class SwarmCommand
{
    /// <summary>The largest swarm whose K×K matrix fits one .NET array.</summary>
    private const int MaxAgents = 46_340;

    /// <summary>The largest swarm --heatmap draws (its bitmap has one pixel per pair: 64 MiB at this size).</summary>
    private const int MaxDrawnAgents = 4096;

    private static readonly Option<int> Agents = CliOptions.Agents(100, "Number of agents in the swarm (K; the matrix has K×K entries)");

    private static readonly Option<string?> HeatmapPath = new("--heatmap")
    {
        Description = "Draw the matrix as a heatmap, 800×700, .png or .svg (row = self a, column = other b; blue = lowest score, red = highest, with a colour bar)",
        HelpName = "out.png|out.svg",
    };

    private static readonly Option<string?> HistogramPath = new("--histogram")
    {
        Description = "Draw the distribution of the K×K scores, 800×600, .png or .svg (40 equal bins from the lowest to the highest score)",
        HelpName = "out.png|out.svg",
    };

    private static readonly Option<bool> IncludeMatrix = new("--include-matrix")
    {
        Description = "Put the full K×K score matrix (row = self) into the JSON output",
    };

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("swarm", "K×K empathy matrix of a generated swarm, timed; --heatmap and --histogram draw it");
        command.WithCommon().With(CliOptions.N, CliOptions.SelfSeed, CliOptions.Pattern, Agents, HeatmapPath, HistogramPath, IncludeMatrix)
            .WithAnneal().With(CliOptions.Weights);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var k = pr.GetValue(Agents);
        if (k < 1 || k > MaxAgents)
            throw new CliInputException($"--agents: must be between 1 and {MaxAgents} (was {k})");
        var heatmap = pr.GetValue(HeatmapPath);
        var heatmapFormat = heatmap is null ? default : FigureFile.Check("--heatmap", heatmap);
        // The heatmap is drawn from a K×K bitmap (one pixel per pair) scaled to the figure.
        if (heatmap is not null && k > MaxDrawnAgents)
            throw new CliInputException($"--heatmap: at most {MaxDrawnAgents} agents can be drawn (--agents was {k})");
        var histogram = pr.GetValue(HistogramPath);
        var histogramFormat = histogram is null ? default : FigureFile.Check("--histogram", histogram);

        var options = CliOptions.EmpathyOptionsOf(pr);
        var seed = pr.GetValue(CliOptions.Seed);
        var selfSeed = pr.GetValue(CliOptions.SelfSeed);
        var pattern = pr.GetValue(CliOptions.Pattern);
        var n = pr.GetValue(CliOptions.N);
        if (n < 1) throw new CliInputException($"--n: the number of spins must be at least 1 (was {n})");
        // From the options alone, before any agent is generated: the K² anneals against the
        // trial ceiling, then the memory: the agents (managed and backend copies), the K×K
        // scores and the figures' copy of them. The JSON matrix is streamed, not held.
        var pairs = (long)k * k;
        WorkBudget.Require("--agents", pairs, $"{k:N0} agents mean {pairs:N0} anneals (K×K)", options.Anneal, n);
        using var engine = Engines.Create(pr);
        var bytes = (n <= IsingSystem.MaxSize ? MemoryBudget.GeneratedSystems(k, n, MemoryBudget.CopiesSystems(engine)) : 0)
            + 8.0 * pairs + (heatmap is null ? 0 : 12.0 * pairs);
        MemoryBudget.Require("--agents/--n", bytes, $"a swarm of {k:N0} agents with n = {n} and its {pairs:N0} scores");
        var agents = new IsingSystem[k];
        for (var a = 0; a < k; a++) agents[a] = SystemSources.Generate(pattern, n, unchecked(selfSeed + (ulong)a));

        var scores = new double[pairs];
        TimeSpan elapsed;
        using (var progress = new Progress($"swarm on {engine.BackendName}", "empathies"))
        {
            var clock = Stopwatch.StartNew();
            // One library call, tiled inside; each finished tile moves the percentage and the
            // ETA. Ctrl+C cancels it between tiles (exit code 1, "ising: cancelled").
            engine.EmpathyMatrix(agents, seed, scores, options, progress.Cancellation, progress);
            elapsed = clock.Elapsed;
        }

        var stats = Summarise(scores, k);
        var seconds = elapsed.TotalSeconds;
        var rate = seconds > 0 ? pairs / seconds : double.PositiveInfinity;
        var caption = new Heatmap.Caption(n, seed, engine.BackendName);
        Heatmap.Info? image = heatmap is null ? null : Heatmap.Write("--heatmap", heatmap, heatmapFormat, scores, k, caption);
        ScoreHistogram.Info? bins = histogram is null ? null : ScoreHistogram.Write("--histogram", histogram, histogramFormat, scores, k, caption);

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.WriteNumber("agents", k);
                w.WriteNumber("pairs", pairs);
                w.Number("seconds", seconds);
                w.Number("pairsPerSecond", rate);
                w.Number("meanScore", stats.Mean);
                w.WriteString("backend", engine.BackendName);
                w.WriteNumber("n", n);
                w.Number("minScore", stats.Min);
                w.Number("maxScore", stats.Max);
                w.Number("diagonalMeanScore", stats.DiagonalMean);
                w.WriteNumber("seedBase", seed);
                if (image is { } img)
                {
                    w.WriteStartObject("heatmap");
                    w.WriteString("path", Path.GetFullPath(heatmap!));
                    w.WriteNumber("width", img.Width);
                    w.WriteNumber("height", img.Height);
                    w.Number("blueScore", img.Min);
                    w.Number("redScore", img.Max);
                    w.WriteEndObject();
                }
                if (bins is { } h)
                {
                    w.WriteStartObject("histogram");
                    w.WriteString("path", Path.GetFullPath(histogram!));
                    w.WriteNumber("width", h.Width);
                    w.WriteNumber("height", h.Height);
                    w.WriteNumber("bins", h.Bins);
                    w.WriteEndObject();
                }
                if (pr.GetValue(IncludeMatrix))
                {
                    w.WriteStartArray("matrix");
                    for (var a = 0; a < k; a++)
                    {
                        w.WriteStartArray();
                        foreach (var v in scores.AsSpan(a * k, k)) w.WriteNumberValue(v);
                        w.WriteEndArray();
                        w.Flush(); // row by row to stdout: the writer would otherwise hold all K² numbers as text
                    }
                    w.WriteEndArray();
                }
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"Swarm of {k} agents, n = {n} ({engine.BackendName})");
        HumanOutput.Field("pairs", pairs);
        HumanOutput.Field("seconds", seconds, 3);
        HumanOutput.Field("pairs per second", rate, 0);
        HumanOutput.Field("mean score", stats.Mean);
        HumanOutput.Field("min / max score", $"{stats.Min:F4} / {stats.Max:F4}");
        HumanOutput.Field("diagonal mean score", stats.DiagonalMean);
        if (image is { } i)
            HumanOutput.Field("heatmap", $"{heatmap} ({i.Width}×{i.Height}, blue {i.Min:F4} → red {i.Max:F4})");
        if (bins is { } hb)
            HumanOutput.Field("histogram", $"{histogram} ({hb.Width}×{hb.Height}, {hb.Bins} bins)");
        return ExitCodes.Success;
    }

    private readonly record struct Stats(double Mean, double Min, double Max, double DiagonalMean);

    private static Stats Summarise(ReadOnlySpan<double> scores, int k)
    {
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity, diagonal = 0;
        foreach (var v in scores)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        for (var a = 0; a < k; a++) diagonal += scores[a * k + a];
        return new Stats(sum / scores.Length, min, max, diagonal / k);
    }
}
