using System.CommandLine;
using System.Diagnostics;
using IsingNative.Cli.Imaging;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising swarm --agents K</c>: the K×K empathy matrix of a generated swarm (agent k has
/// generator seed self-seed + k; entry (a, b) uses anneal seed <c>--seed + a·K + b</c>,
/// ALGORITHM.md §7), timed as one batch, optionally drawn as a PNG heatmap.
/// </summary>
internal static class SwarmCommand
{
    /// <summary>The largest swarm whose K×K matrix fits one .NET array.</summary>
    private const int MaxAgents = 46_340;

    private static readonly Option<int> Agents = CliOptions.Agents(100, "Number of agents in the swarm (K; the matrix has K×K entries)");

    private static readonly Option<string?> HeatmapPath = new("--heatmap")
    {
        Description = "Write the matrix as a PNG heatmap (blue = lowest score, red = highest)",
        HelpName = "out.png",
    };

    private static readonly Option<bool> IncludeMatrix = new("--include-matrix")
    {
        Description = "Put the full K×K score matrix (row = self) into the JSON output",
    };

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("swarm", "K×K empathy matrix of a generated swarm, timed; --heatmap draws it");
        command.WithCommon().With(CliOptions.N, CliOptions.SelfSeed, CliOptions.Pattern, Agents, HeatmapPath, IncludeMatrix)
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
        var side = heatmap is null ? 0 : k * Math.Max(1, 512 / k);
        if (heatmap is not null)
        {
            if (side > 4096)
                throw new CliInputException($"--heatmap: at most 4096 agents can be drawn (--agents was {k})");
            CheckHeatmapPath(heatmap);
        }

        var options = CliOptions.EmpathyOptionsOf(pr);
        var seed = pr.GetValue(CliOptions.Seed);
        var selfSeed = pr.GetValue(CliOptions.SelfSeed);
        var pattern = pr.GetValue(CliOptions.Pattern);
        var n = pr.GetValue(CliOptions.N);
        if (n < 1) throw new CliInputException($"--n: the number of spins must be at least 1 (was {n})");
        // From the options alone, before any agent is generated: the K² anneals against the
        // trial ceiling, then the memory: the agents (managed and backend copies), the K×K
        // scores and the heatmap's pixels. The JSON matrix is streamed, not held.
        var pairs = (long)k * k;
        WorkBudget.Require("--agents", pairs, $"{k:N0} agents mean {pairs:N0} anneals (K×K)", options.Anneal, n);
        using var engine = Engines.Create(pr);
        var bytes = (n <= IsingSystem.MaxSize ? MemoryBudget.GeneratedSystems(k, n, MemoryBudget.CopiesSystems(engine)) : 0)
            + 8.0 * pairs + 3.0 * side * side;
        MemoryBudget.Require("--agents/--n", bytes, $"a swarm of {k:N0} agents with n = {n} and its {pairs:N0} scores");
        var agents = new IsingSystem[k];
        for (var a = 0; a < k; a++) agents[a] = SystemSources.Generate(pattern, n, unchecked(selfSeed + (ulong)a));

        var scores = new double[pairs];
        TimeSpan elapsed;
        using (var progress = new Progress($"swarm: {pairs:N0} empathies on {engine.BackendName}"))
        {
            var clock = Stopwatch.StartNew();
            // One library call, tiled inside; each finished tile updates the status line.
            engine.EmpathyMatrix(agents, seed, scores, options, CancellationToken.None, new TileProgress(progress, engine.BackendName));
            elapsed = clock.Elapsed;
        }

        var stats = Summarise(scores, k);
        var seconds = elapsed.TotalSeconds;
        var rate = seconds > 0 ? pairs / seconds : double.PositiveInfinity;
        Heatmap.Info? image = null;
        if (heatmap is not null)
        {
            try
            {
                image = Heatmap.Write(heatmap, scores, k);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliInputException($"--heatmap: cannot write '{heatmap}': {ErrorReporter.OneLine(ex.Message)}", ex);
            }
        }

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
            HumanOutput.Field("heatmap", $"{heatmap} ({i.Width}×{i.Height} px, blue {i.Min:F4} → red {i.Max:F4})");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Refuses, before any work, a heatmap path that cannot become a PNG file: empty, a
    /// directory, in a missing directory, or an existing FIFO or device (opening one for
    /// writing would block or write into the device). Each message names the option and value.
    /// </summary>
    private static void CheckHeatmapPath(string heatmap)
    {
        if (string.IsNullOrWhiteSpace(heatmap))
            throw new CliInputException($"--heatmap: the file name is empty (was '{heatmap}'); give a file such as swarm.png");
        string full;
        try
        {
            full = Path.GetFullPath(heatmap);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliInputException($"--heatmap: '{heatmap}' is not a usable file name: {ErrorReporter.OneLine(ex.Message)}", ex);
        }
        if (Directory.Exists(full) || heatmap.EndsWith(Path.DirectorySeparatorChar) || heatmap.EndsWith(Path.AltDirectorySeparatorChar))
            throw new CliInputException($"--heatmap: '{heatmap}' is a directory; give a file name such as '{Path.Combine(heatmap, "swarm.png")}'");
        if (Path.GetDirectoryName(full) is { } dir && !Directory.Exists(dir))
            throw new CliInputException($"--heatmap: cannot write '{heatmap}': directory '{dir}' does not exist");
        var (kind, _) = FileProbe.Probe(full);
        if (kind is not (FileKind.Missing or FileKind.Regular or FileKind.EmptyOrSpecial))
            throw new CliInputException($"--heatmap: '{heatmap}' is {FileProbe.Describe(kind)}, not a file a PNG can replace");
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

/// <summary>Shows a matrix's finished tiles on the status line (reported on the calling thread).</summary>
internal sealed class TileProgress(Progress line, string backend) : IProgress<BatchProgress>
{
    public void Report(BatchProgress value) =>
        line.Update($"swarm: {value.Done:N0} of {value.Total:N0} empathies on {backend}");
}
