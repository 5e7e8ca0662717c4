namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// CLI.md: a request that cannot fit in memory is bad input (exit 2), not a crash or a
/// kill by the operating system. Commands that allocate in proportion to their options
/// estimate the bytes from the options alone and check them against the memory
/// AVAILABLE now (not the machine's total) before generating or allocating anything.
/// </summary>
internal static class MemoryBudget
{
    /// <summary>
    /// Throws bad input naming <paramref name="options"/> when <paramref name="bytes"/> is more
    /// than a request may use (<see cref="AvailableMemory.UsableShare"/> of what is available).
    /// The message states the requirement, the usable amount and what is available, so it
    /// never reads as a contradiction.
    /// </summary>
    public static void Require(string options, double bytes, string what)
    {
        long available = AvailableMemory.Bytes(), usable = AvailableMemory.Usable(available);
        if (bytes > usable)
            throw new CliInputException(
                $"{options}: {what} would need about {AvailableMemory.Format(bytes)} of memory, but only " +
                $"{AvailableMemory.Format(usable)} may be used ({AvailableMemory.UsableShare * 100:F0}% of the " +
                $"{AvailableMemory.Format(available)} available now)");
    }

    /// <summary>
    /// Bytes of <paramref name="count"/> generated systems of <paramref name="n"/> spins: the
    /// managed system (J, h, spins) plus, unless <paramref name="backendCopy"/> is false (the
    /// managed backend works on views), the copy of J and h a native backend's set keeps.
    /// </summary>
    public static double GeneratedSystems(long count, int n, bool backendCopy = true)
    {
        double managed = 8.0 * n * n + 8.0 * n + n + 64;
        double copy = backendCopy ? 8.0 * n * n + 8.0 * n + n : 0;
        return count * (managed + copy);
    }

    /// <summary>Whether <paramref name="engine"/>'s backend copies the systems it is given (every backend but the managed one).</summary>
    public static bool CopiesSystems(IsingEngine engine) => engine.Backend != BackendKind.Managed;
}
