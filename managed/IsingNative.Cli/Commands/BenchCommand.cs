using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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

    private static readonly Option<string?> Baseline = new("--baseline")
    {
        Description = "Compare with a saved `ising bench --json` output: each metric's ratio and noise band; exit code 1 when one regressed beyond its band",
        HelpName = "FILE",
    };

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("bench", "Performance table of WORKLOADS.md's metrics beside the original code's figures");
        command.WithCommon().With(Quick, Baseline);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var quick = pr.GetValue(Quick);
        // The baseline is read before anything runs: a bad file is refused at once, not after the bench.
        var baselinePath = pr.GetValue(Baseline);
        var baseline = baselinePath is null ? null : BenchReport.Load("--baseline", baselinePath);
        using var engine = Engines.Create(pr);
        var workloads = new Workloads(engine, quick);
        var rows = new List<BenchRow>();
        using (var progress = new Progress("bench"))
        {
            var total = workloads.Names.Count;
            foreach (var row in workloads.Run(name => progress.Update($"bench {rows.Count + 1}/{total}: {name} on {engine.BackendName}")))
                rows.Add(row);
        }

        var machine = BenchMachine.Current;
        var report = new BenchReport(machine, engine.BackendName, quick,
            rows.Select(r => new BenchMetric(r.Metric, r.Unit, r.Value.Median, r.Value.Min, r.Value.Max, r.Value.Repeats, r.HigherIsBetter)).ToArray());
        var comparison = baseline is null ? null : BenchComparison.Of(report, baseline);

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
                    w.WriteBoolean("higherIsBetter", r.HigherIsBetter);
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
                WriteMachine(w, "machine", machine);
                if (comparison is not null) WriteComparison(w, baselinePath!, baseline!, comparison);
            });
            return Verdict(baselinePath, comparison);
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
        if (comparison is not null) PrintComparison(baselinePath!, baseline!, machine, engine.BackendName, comparison, width);
        return Verdict(baselinePath, comparison);
    }

    /// <summary>Exit code 1, with one line on stderr naming them, when metrics regressed beyond their noise band.</summary>
    private static int Verdict(string? baselinePath, BenchComparison? comparison)
    {
        var regressed = comparison?.Regressions.Select(m => m.Current.Metric).ToArray() ?? [];
        if (regressed.Length == 0) return ExitCodes.Success;
        Console.Error.WriteLine($"ising: bench: {regressed.Length} metric{(regressed.Length == 1 ? "" : "s")} regressed beyond the noise band " +
                                $"against --baseline '{baselinePath}': {string.Join(", ", regressed)}");
        return ExitCodes.Failure;
    }

    private static void WriteMachine(Utf8JsonWriter w, string name, BenchMachine? machine)
    {
        if (machine is null) return;
        w.WriteStartObject(name);
        w.WriteString("cpu", machine.Cpu);
        w.WriteNumber("cores", machine.Cores);
        w.WriteString("os", machine.Os);
        w.WriteEndObject();
    }

    private static void WriteComparison(Utf8JsonWriter w, string path, BenchReport baseline, BenchComparison comparison)
    {
        w.WriteStartObject("baseline");
        w.WriteString("path", Path.GetFullPath(path));
        WriteMachine(w, "machine", baseline.Machine);
        w.WriteString("backend", baseline.Backend);
        w.WriteBoolean("quick", baseline.Quick);
        w.WriteStartArray("metrics");
        foreach (var m in comparison.Metrics)
        {
            w.WriteStartObject();
            w.WriteString("metric", m.Current.Metric);
            w.Number("ratio", m.Ratio);
            w.Number("low", m.Low);
            w.Number("high", m.High);
            w.WriteString("verdict", VerdictOf(m));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteNames(w, "regressions", comparison.Regressions.Select(m => m.Current.Metric));
        WriteNames(w, "onlyHere", comparison.OnlyHere);
        WriteNames(w, "onlyInBaseline", comparison.OnlyInBaseline);
        w.WriteEndObject();
    }

    private static void WriteNames(Utf8JsonWriter w, string name, IEnumerable<string> names)
    {
        w.WriteStartArray(name);
        foreach (var n in names) w.WriteStringValue(n);
        w.WriteEndArray();
    }

    private static string VerdictOf(MetricComparison m) => m.Regressed ? "regressed" : m.Improved ? "improved" : "within noise";

    private static void PrintComparison(string path, BenchReport baseline, BenchMachine machine, string backend, BenchComparison comparison, int width)
    {
        Console.WriteLine();
        HumanOutput.Title($"against --baseline {path}: ratio = this run / baseline (median), band = the ratios the repeats allow");
        Console.WriteLine($"  this run: {machine}, {backend}");
        Console.WriteLine($"  baseline: {baseline.Machine?.ToString() ?? "unknown machine (the file names none)"}, {baseline.Backend}{(baseline.Quick ? ", --quick" : "")}");
        Console.WriteLine($"  {"metric".PadRight(width)} {"ratio",8} {"band",-20} {"better",-7} verdict");
        foreach (var m in comparison.Metrics)
        {
            var band = $"[{Ratio(m.Low)} … {Ratio(m.High)}]";
            Console.WriteLine($"  {m.Current.Metric.PadRight(width)} {Ratio(m.Ratio),8} {band,-20} {(m.Current.HigherIsBetter ? "higher" : "lower"),-7} {VerdictOf(m)}");
        }
        if (comparison.OnlyHere.Count > 0) Console.WriteLine($"  not in the baseline: {string.Join(", ", comparison.OnlyHere)}");
        if (comparison.OnlyInBaseline.Count > 0) Console.WriteLine($"  not in this run: {string.Join(", ", comparison.OnlyInBaseline)}");
    }

    private static string Ratio(double r) => double.IsPositiveInfinity(r) ? "∞" : r.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Format(double v) =>
        Math.Abs(v) >= 1e7 ? v.ToString("0.00e0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture)
        : v.ToString("G4", CultureInfo.InvariantCulture);
}
