namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// CLI.md: a request that cannot fit in memory is bad input (exit 2), not a crash or a
/// kill by the operating system. Commands that allocate in proportion to their options
/// estimate the bytes first and refuse requests beyond what the runtime can use.
/// </summary>
internal static class MemoryBudget
{
    /// <summary>Throws bad input naming <paramref name="options"/> when <paramref name="bytes"/> exceeds 80% of the memory available to the process.</summary>
    public static void Require(string options, double bytes, string what)
    {
        var available = (double)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > 0.8 * available)
            throw new CliInputException(
                $"{options}: {what} would need {bytes / (1 << 30):F1} GiB, more than the {available / (1 << 30):F1} GiB this process can use");
    }
}
