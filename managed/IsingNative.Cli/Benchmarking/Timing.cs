using System.Diagnostics;

namespace IsingNative.Cli.Benchmarking;

/// <summary>Median and spread of repeated measurements of one quantity.</summary>
/// <param name="Median">The reported value.</param>
/// <param name="Min">Smallest repeat.</param>
/// <param name="Max">Largest repeat.</param>
/// <param name="Repeats">How many repeats the median is of.</param>
internal readonly record struct Measurement(double Median, double Min, double Max, int Repeats)
{
    /// <summary>Applies a monotone conversion (for example seconds per op → ops per second).</summary>
    public Measurement Map(Func<double, double> f)
    {
        var (a, b) = (f(Min), f(Max));
        return new Measurement(f(Median), Math.Min(a, b), Math.Max(a, b), Repeats);
    }
}

/// <summary>
/// Stopwatch timing for <c>ising bench</c>: calibrate an iteration count so one repeat
/// lasts long enough for the clock, warm up, then report the median of several repeats
/// (the machines are shared and noisy; WORKLOADS.md asks for median and spread).
/// </summary>
internal static class Timing
{
    /// <summary>
    /// Seconds per operation. <paramref name="run"/> performs the operation <c>count</c>
    /// times; the count is doubled until a repeat takes <paramref name="repeatSeconds"/>.
    /// </summary>
    public static Measurement SecondsPerOp(Action<int> run, int repeats, double repeatSeconds, int maxCount = 1 << 24)
    {
        run(1); // warm-up: JIT, caches, lazily created native state
        var count = 1;
        double elapsed;
        while (true)
        {
            elapsed = Time(() => run(count));
            if (elapsed >= repeatSeconds || count >= maxCount) break;
            // Jump close to the target instead of doubling blindly when the op is very fast.
            var factor = elapsed > 0 ? Math.Clamp(repeatSeconds / elapsed, 2, 1000) : 1000;
            count = (int)Math.Min(maxCount, count * factor);
        }
        var samples = new double[repeats];
        samples[0] = elapsed / count;
        for (var r = 1; r < repeats; r++) samples[r] = Time(() => run(count)) / count;
        return Summarise(samples);
    }

    /// <summary>Seconds of one run of <paramref name="body"/>, repeated <paramref name="repeats"/> times (no calibration).</summary>
    public static Measurement SecondsOfRuns(Action body, int repeats)
    {
        var samples = new double[repeats];
        for (var r = 0; r < repeats; r++) samples[r] = Time(body);
        return Summarise(samples);
    }

    private static double Time(Action body)
    {
        var clock = Stopwatch.StartNew();
        body();
        return clock.Elapsed.TotalSeconds;
    }

    private static Measurement Summarise(double[] samples)
    {
        Array.Sort(samples);
        var mid = samples.Length / 2;
        var median = samples.Length % 2 == 1 ? samples[mid] : 0.5 * (samples[mid - 1] + samples[mid]);
        return new Measurement(median, samples[0], samples[^1], samples.Length);
    }
}
