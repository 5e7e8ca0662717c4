using System.Diagnostics;

namespace IsingNative.Benchmarks.Infrastructure;

/// <summary>
/// <c>--stopwatch</c>: a small interleaved stopwatch harness for figures BenchmarkDotNet is too slow
/// for on a small shared machine (its <c>--job short</c> runs each case in its own process with a
/// pilot and warm-up; two busy cores make that minutes per case). Each round times every variant
/// once, in turn, so machine noise hits all of them alike; the median round is reported.
/// Measures (docs/PERFORMANCE.md, "Auto, per operation" and "The sequence lock"):
/// ObserveBatch of 100 systems (n = 20) on managed, native-cpu (Auto's engine for the other families)
/// and Auto (routed per operation); one empathy (a family Auto keeps native) on the same three;
/// and one BeginRead/Unchanged bracket of the sequence lock.
/// </summary>
public static class StopwatchMode
{
    /// <summary>Whether <paramref name="args"/> asks for this mode.</summary>
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "--stopwatch";

    /// <summary>Runs the harness and prints one line per figure.</summary>
    public static int Run()
    {
        Console.WriteLine($"CPU: {Cpu()}, {Environment.ProcessorCount} logical cores; .NET {Environment.Version}");
        IsingSystem[] systems = Agents.SeedPatterns(100, Agents.DefaultSize, Agents.OtherSeed);
        var results = new Observables[systems.Length];
        using IsingEngine managed = IsingEngine.Create(BackendKind.Managed);
        using IsingEngine native = IsingEngine.Create(BackendKind.NativeCpu);
        using IsingEngine auto = IsingEngine.Create(BackendKind.Auto);
        Console.WriteLine($"Auto resolves to {auto.BackendName} ({auto.ComputeBackend.GetType().Name})");
        (string Name, Action Call)[] variants =
        [
            ("managed", () => managed.ObserveBatch(systems, results)),
            ("native-cpu (old Auto)", () => native.ObserveBatch(systems, results)),
            ("Auto (routed)", () => auto.ObserveBatch(systems, results)),
        ];
        Report("ObserveBatch 100 x n=20", variants, calls: 2000, rounds: 21, unit: "us/call", scale: 1e6);

        // A family the table keeps native, in the same run: one empathy at n = 20 (default schedule).
        IsingSystem self = systems[1], other = systems[2];
        double sinkScore = 0;
        (string Name, Action Call)[] empathy =
        [
            ("managed", () => sinkScore += managed.Empathy(self, other, 5).Score),
            ("native-cpu (old Auto)", () => sinkScore += native.Empathy(self, other, 5).Score),
            ("Auto (routed)", () => sinkScore += auto.Empathy(self, other, 5).Score),
        ];
        Report("Empathy n=20, default schedule", empathy, calls: 2000, rounds: 11, unit: "us/call", scale: 1e6);
        GC.KeepAlive(sinkScore);

        IsingSystem one = systems[0];
        long sink = 0;
        (string Name, Action Call)[] seq =
        [
            ("BeginRead + Unchanged", () => { for (int i = 0; i < 1000; i++) { long s = one.BeginRead(); if (one.Unchanged(s)) sink++; } }),
            ("empty loop (baseline)", () => { for (int i = 0; i < 1000; i++) sink += i & 1; }),
        ];
        Report("sequence lock, 1000 brackets a call", seq, calls: 1000, rounds: 21, unit: "ns/bracket", scale: 1e9 / 1000);
        GC.KeepAlive(sink);
        return 0;
    }

    private static void Report(string title, (string Name, Action Call)[] variants, int calls, int rounds, string unit, double scale)
    {
        foreach (var v in variants) for (int i = 0; i < calls; i++) v.Call();   // warm-up (tiering)
        var times = new double[variants.Length][];
        for (int k = 0; k < variants.Length; k++) times[k] = new double[rounds];
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < variants.Length; k++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++) variants[k].Call();
                times[k][r] = (double)(Stopwatch.GetTimestamp() - t0) / Stopwatch.Frequency / calls;
            }
        Console.WriteLine($"{title} (median of {rounds} rounds of {calls} calls, interleaved):");
        double first = 0;
        for (int k = 0; k < variants.Length; k++)
        {
            Array.Sort(times[k]);
            double median = times[k][rounds / 2] * scale;
            if (k == 0) first = median;
            Console.WriteLine($"  {variants[k].Name,-26} {median,10:F3} {unit}  (min {times[k][0] * scale:F3}, max {times[k][^1] * scale:F3}; {median / first:F2}x the first)");
        }
    }

    private static string Cpu()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return "unknown";
    }
}
