using BenchmarkDotNet.Running;

namespace IsingNative.Benchmarks.Infrastructure;

/// <summary>
/// <c>--smoke</c>: what CI runs, in two passes of BenchmarkDotNet's dry job (<c>Job.Dry</c>: no pilot,
/// no warm-up, one iteration of one invocation). First the pipeline a real run uses, once: the
/// generated child project, its build, and a child process that finds the native library and runs
/// one benchmark. Then every benchmark once in this process (<c>--inProcess</c>: a child process per
/// benchmark would cost a second each and check the pipeline again). It checks that everything runs
/// and never asserts a speed (WORKLOADS.md: speeds are reported, not tested).
/// </summary>
internal static class SmokeMode
{
    /// <summary>The switch that selects this mode.</summary>
    public const string Switch = "--smoke";

    /// <summary>The one benchmark the pipeline pass runs out of process.</summary>
    public const string PipelineFilter = "*EmpathyLatency.Empathy*";

    /// <summary>
    /// Whether this process runs the smoke mode: benchmarks whose cases take seconds each list
    /// fewer, smaller cases then (every benchmark method still runs).
    /// </summary>
    public static bool Active { get; private set; }

    /// <summary>Whether <paramref name="args"/> asks for the smoke mode.</summary>
    public static bool IsRequested(IEnumerable<string> args) =>
        args.Any(a => string.Equals(a, Switch, StringComparison.OrdinalIgnoreCase));

    /// <summary>Runs both passes; 0 when both ran every benchmark they selected.</summary>
    public static int Run(BenchmarkSwitcher switcher, IEnumerable<string> args)
    {
        Active = true;
        var rest = args.Where(a => !string.Equals(a, Switch, StringComparison.OrdinalIgnoreCase)).ToList();
        var pipeline = switcher.Run(["--job", "Dry", "--filter", PipelineFilter]).ToArray();
        var all = switcher.Run(Arguments(rest)).ToArray();
        return Math.Max(RunOutcome.ExitCode(pipeline, requireBenchmarks: true), RunOutcome.ExitCode(all, requireBenchmarks: true));
    }

    /// <summary>
    /// The in-process pass's arguments: <c>--job Dry --inProcess --join</c> (one summary table
    /// instead of one per class, to keep CI logs short), <c>--filter *</c> unless the caller gave a
    /// filter, and the caller's other arguments unchanged.
    /// </summary>
    public static string[] Arguments(IReadOnlyList<string> rest)
    {
        var result = new List<string> { "--job", "Dry", "--inProcess", "--join" };
        if (!rest.Any(a => a is "--filter" or "-f"))
            result.AddRange(["--filter", "*"]);
        result.AddRange(rest);
        return [.. result];
    }
}
