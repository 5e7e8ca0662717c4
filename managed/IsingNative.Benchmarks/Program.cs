using BenchmarkDotNet.Running;
using IsingNative.Benchmarks.Infrastructure;

namespace IsingNative.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher over every benchmark in this assembly, so the usual
/// BenchmarkDotNet command line works (<c>--filter</c>, <c>--job</c>, <c>--list</c>, exporters),
/// plus <c>--smoke</c> for CI (see <see cref="SmokeMode"/>) and <c>--stopwatch</c> (see <see cref="StopwatchMode"/>).
/// </summary>
public static class Program
{
    /// <summary>Runs the selected benchmarks.</summary>
    /// <param name="args">BenchmarkDotNet arguments, or <c>--smoke</c> followed by optional extra ones.</param>
    /// <returns>0 when every selected benchmark ran; 1 when any failed to build, validate or run.</returns>
    public static int Main(string[] args)
    {
        if (StopwatchMode.IsRequested(args)) return StopwatchMode.Run();
        var switcher = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly);
        if (SmokeMode.IsRequested(args)) return SmokeMode.Run(switcher, args);
        return RunOutcome.ExitCode(switcher.Run(args).ToArray(), requireBenchmarks: false);
    }
}
