using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Benchmarking;

/// <summary>The machine a bench ran on, as <c>ising bench --json</c> records it.</summary>
/// <param name="Cpu">The processor's model name (Linux's /proc/cpuinfo; the architecture elsewhere).</param>
/// <param name="Cores">The logical processors .NET sees.</param>
/// <param name="Os">The operating system.</param>
internal sealed record BenchMachine(string Cpu, int Cores, string Os)
{
    /// <summary>This machine.</summary>
    public static BenchMachine Current { get; } = new(CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription);

    /// <summary>"AMD EPYC 7763 64-Core Processor, 2 cores".</summary>
    public override string ToString() => $"{Cpu}, {Cores} cores";

    private static string CpuModel()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            {
                // x86 names it "model name"; some ARM kernels only give "Hardware" or "CPU part".
                foreach (var key in new[] { "model name", "Hardware", "Processor" })
                {
                    var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal) && l.Contains(':'));
                    if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // Unreadable: the architecture below still tells machines apart coarsely.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? $"unknown {RuntimeInformation.ProcessArchitecture} processor";
    }
}

/// <summary>One metric of a bench run: its median, the spread of its repeats and which way is better.</summary>
internal sealed record BenchMetric(string Metric, string Unit, double Value, double Min, double Max, int Repeats, bool HigherIsBetter);

/// <summary>
/// A whole <c>ising bench --json</c> document: what <c>--baseline</c> reads back. Files written before
/// the machine and direction keys existed still load: the machine is then unknown, and the direction
/// comes from the unit as <see cref="BenchRow.HigherIsBetter"/> decides it.
/// </summary>
internal sealed record BenchReport(BenchMachine? Machine, string Backend, bool Quick, IReadOnlyList<BenchMetric> Metrics)
{
    /// <summary>A baseline file is a bench's JSON: far below this; larger is not one.</summary>
    private const long MaxBytes = 16 << 20;

    /// <summary>Reads a saved <c>ising bench --json</c> output; every problem is bad input naming the option, the file and what is wrong.</summary>
    public static BenchReport Load(string option, string path)
    {
        var (kind, length) = FileProbe.Probe(path);
        if (kind == FileKind.Missing)
            throw new CliInputException($"{option}: '{path}': no such file; give the saved output of ising bench --json");
        if (kind != FileKind.Regular)
            throw new CliInputException($"{option}: '{path}' is {FileProbe.Describe(kind)}, not a saved ising bench --json output");
        if (length > MaxBytes)
            throw new CliInputException($"{option}: '{path}' has {length:N0} bytes, more than a bench output's {MaxBytes:N0}; give the saved output of ising bench --json");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new CliInputException($"{option}: cannot read '{path}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliInputException($"{option}: cannot read '{path}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
        try
        {
            return Parse(text);
        }
        catch (FormatException ex)
        {
            throw new CliInputException($"{option}: '{path}' is not a saved ising bench --json output: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw new CliInputException(
                $"{option}: '{path}' is not a saved ising bench --json output: not JSON at line {ex.LineNumber + 1}, column {ex.BytePositionInLine + 1}", ex);
        }
    }

    /// <summary>Reads a bench document; <see cref="FormatException"/> says which key is missing or wrong.</summary>
    public static BenchReport Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"the document is {Kind(root)}, not an object with \"rows\"");
        if (!root.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
            throw new FormatException("it has no \"rows\" array");
        var metrics = new List<BenchMetric>();
        int index = 0;
        foreach (var row in rows.EnumerateArray())
        {
            string where = $"rows[{index++}]";
            if (row.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} is {Kind(row)}, not an object");
            string metric = String(row, "metric", where);
            string unit = String(row, "unit", where);
            double value = Number(row, "value", where);
            // Older files and hand-written ones may lack the spread: then it is the median alone.
            double min = row.TryGetProperty("min", out _) ? Number(row, "min", where) : value;
            double max = row.TryGetProperty("max", out _) ? Number(row, "max", where) : value;
            int repeats = row.TryGetProperty("repeats", out var r) && r.TryGetInt32(out int n) ? n : 1;
            bool higher = row.TryGetProperty("higherIsBetter", out var h) && h.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? h.GetBoolean() : BenchRow.HigherIsBetterFor(unit);
            if (min > value || value > max) throw new FormatException($"{where} ({metric}): min {min}, value {value} and max {max} are not in order");
            if (metrics.Any(m => m.Metric == metric)) throw new FormatException($"{where}: metric \"{metric}\" appears twice");
            metrics.Add(new BenchMetric(metric, unit, value, min, max, repeats, higher));
        }
        if (metrics.Count == 0) throw new FormatException("its \"rows\" array is empty");
        BenchMachine? machine = null;
        if (root.TryGetProperty("machine", out var m) && m.ValueKind == JsonValueKind.Object)
            machine = new BenchMachine(
                m.TryGetProperty("cpu", out var cpu) && cpu.ValueKind == JsonValueKind.String ? cpu.GetString()! : "unknown processor",
                m.TryGetProperty("cores", out var cores) && cores.TryGetInt32(out int c) ? c : 0,
                m.TryGetProperty("os", out var os) && os.ValueKind == JsonValueKind.String ? os.GetString()! : "unknown OS");
        else if (root.TryGetProperty("processorCount", out var count) && count.TryGetInt32(out int pc))
            machine = new BenchMachine("unknown processor (the file names none)", pc, "unknown OS");
        string backend = root.TryGetProperty("backend", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "unknown";
        bool quick = root.TryGetProperty("quick", out var q) && q.ValueKind == JsonValueKind.True;
        return new BenchReport(machine, backend, quick, metrics);
    }

    private static string String(JsonElement row, string key, string where) =>
        row.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"{where} has no string \"{key}\"");

    private static double Number(JsonElement row, string key, string where)
    {
        if (!row.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.Number)
            throw new FormatException($"{where} has no number \"{key}\"{(v.ValueKind == JsonValueKind.Null ? " (null: not finite)" : "")}");
        double x = v.GetDouble();
        return double.IsFinite(x) ? x : throw new FormatException($"{where}: \"{key}\" is {x.ToString(CultureInfo.InvariantCulture)}");
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "an object",
    };
}
