namespace IsingNative.Benchmarks.Infrastructure;

/// <summary>
/// <c>--smoke</c>: what CI runs. Every benchmark once in BenchmarkDotNet's dry job
/// (<c>Job.Dry</c>: one launch, no pilot, no warm-up, one iteration of one invocation), so CI
/// checks that the whole pipeline (generated child project, build, setup, each workload, memory
/// diagnoser) works, and never asserts a speed (WORKLOADS.md: speeds are reported, not tested).
/// </summary>
internal static class SmokeMode
{
    /// <summary>The switch that selects this mode.</summary>
    public const string Switch = "--smoke";

    /// <summary>Whether <paramref name="args"/> asks for the smoke mode.</summary>
    public static bool IsRequested(IEnumerable<string> args) =>
        args.Any(a => string.Equals(a, Switch, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The BenchmarkDotNet arguments for a smoke run: <c>--job Dry</c>, <c>--join</c> (one summary
    /// table instead of one per class, to keep CI logs short), <c>--filter *</c> unless the caller
    /// gave a filter, and the caller's other arguments unchanged.
    /// </summary>
    public static string[] Arguments(IEnumerable<string> args)
    {
        var rest = args.Where(a => !string.Equals(a, Switch, StringComparison.OrdinalIgnoreCase)).ToList();
        var result = new List<string> { "--job", "Dry", "--join" };
        if (!rest.Any(a => a is "--filter" or "-f"))
            result.AddRange(["--filter", "*"]);
        result.AddRange(rest);
        return [.. result];
    }
}
