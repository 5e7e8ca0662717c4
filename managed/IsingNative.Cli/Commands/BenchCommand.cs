using System.CommandLine;
using System.Globalization;
using IsingNative.Cli.Benchmarking;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising bench</c>: a quick Stopwatch table of the docs/WORKLOADS.md metrics on
/// the chosen backend beside the original research code's published figures. For careful
/// numbers use the BenchmarkDotNet project; this is the at-a-glance version.
/// </summary>
internal static class BenchCommand
{
    private static readonly Option<bool> Quick = new("--quick")
    {
        Description = "Smoke run: fewer repeats, shorter loops and a 200-agent swarm (about 10 s)",
    };

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("bench", "Performance table of WORKLOADS.md's metrics beside the original code's figures");
        command.WithCommon().With(Quick);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var quick = pr.GetValue(Quick);
        using var engine = Engines.Create(pr);
        var workloads = new Workloads(engine, quick);
        var rows = new List<BenchRow>();
        using (var progress = new Progress("bench"))
        {
            var total = workloads.Names.Count;
            foreach (var row in workloads.Run(name => progress.Update($"bench {rows.Count + 1}/{total}: {name} on {engine.BackendName}")))
                rows.Add(row);
        }

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.WriteStartArray("rows");
                foreach (var r in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("metric", r.Metric);
                    w.Number("value", r.Value.Median);
                    w.WriteString("unit", r.Unit);
                    w.WriteString("backend", engine.BackendName);
                    w.Number("min", r.Value.Min);
                    w.Number("max", r.Value.Max);
                    w.WriteNumber("repeats", r.Value.Repeats);
                    if (r.Original is { } o)
                    {
                        w.Number("original", o.Value);
                        w.WriteString("originalPublished", o.Text);
                        w.Number("speedup", r.Speedup!.Value);
                    }
                    w.WriteString("note", r.Note);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("backend", engine.BackendName);
                w.WriteBoolean("quick", quick);
                w.WriteNumber("processorCount", Environment.ProcessorCount);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"ising bench on {engine.BackendName} ({Environment.ProcessorCount} cores{(quick ? ", --quick" : "")}); median of repeats [min … max]");
        var width = Math.Max(28, rows.Max(r => r.Metric.Length));
        Console.WriteLine($"  {"metric".PadRight(width)} {"value",14} {"unit",-12} {"spread",-26} {"original",-10} {"speed-up",10}");
        foreach (var r in rows)
        {
            var spread = $"[{Format(r.Value.Min)} … {Format(r.Value.Max)}]";
            var original = r.Original?.Text ?? "—";
            var speedup = r.Speedup is { } s ? s.ToString("N0", CultureInfo.InvariantCulture) + "×" : "—";
            Console.WriteLine($"  {r.Metric.PadRight(width)} {Format(r.Value.Median),14} {r.Unit,-12} {spread,-26} {original,-10} {speedup,10}");
        }
        return ExitCodes.Success;
    }

    private static string Format(double v) =>
        Math.Abs(v) >= 1e7 ? v.ToString("0.00e0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture)
        : v.ToString("G4", CultureInfo.InvariantCulture);
}
