using BenchmarkDotNet.Reports;

namespace IsingNative.Benchmarks.Infrastructure;

/// <summary>Turns BenchmarkDotNet's summaries into a process exit code, so CI sees failures.</summary>
internal static class RunOutcome
{
    /// <summary>
    /// 1 when a summary has critical validation errors or a benchmark case failed to build or
    /// run, or, with <paramref name="requireBenchmarks"/>, when nothing ran at all (a filter
    /// that matches nothing must not pass CI); otherwise 0.
    /// </summary>
    public static int ExitCode(IReadOnlyCollection<Summary> summaries, bool requireBenchmarks)
    {
        int cases = 0;
        int failed = 0;
        foreach (Summary summary in summaries)
        {
            if (summary.HasCriticalValidationErrors)
            {
                Console.Error.WriteLine($"benchmarks: critical validation errors in {summary.Title}");
                failed++;
            }

            foreach (BenchmarkReport report in summary.Reports)
            {
                cases++;
                if (!report.Success)
                {
                    Console.Error.WriteLine($"benchmarks: FAILED {report.BenchmarkCase.DisplayInfo}");
                    failed++;
                }
            }
        }

        if (requireBenchmarks && cases == 0)
        {
            Console.Error.WriteLine("benchmarks: no benchmark ran");
            return 1;
        }

        return failed == 0 ? 0 : 1;
    }
}
