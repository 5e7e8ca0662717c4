using System.Globalization;

namespace IsingNative;

/// <summary>
/// How much memory a new request can still get, for budgets taken before allocating
/// (reading a system file, generating systems). <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>
/// alone is the machine's (or container's) total, which says nothing about what other
/// processes, or this one, already hold; so the answer is the smallest of: the kernel's
/// <c>MemAvailable</c> (Linux), the container's limit less its usage (cgroup v2), and the
/// runtime's total less this process's working set.
/// </summary>
/// <remarks>
/// In the library, not the command line, because <see cref="IsingSystemFile.Load"/> refuses a
/// file whose parse would not fit before reading it (docs/MODEL.md §9, "System files"); the
/// command line's budgets use the same answer.
/// </remarks>
internal static class AvailableMemory
{
    /// <summary>The share of <see cref="Bytes"/> one request may take: the estimates leave out the runtime's own overhead.</summary>
    public const double UsableShare = 0.8;

    /// <summary>Bytes available to this process now (never negative).</summary>
    public static long Bytes()
    {
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long available = Math.Max(0, total - Environment.WorkingSet);
        if (OperatingSystem.IsLinux())
        {
            if (MemInfoAvailable() is { } kernel) available = Math.Min(available, kernel);
            if (CgroupHeadroom() is { } cgroup) available = Math.Min(available, cgroup);
        }
        return Math.Max(0, available);
    }

    /// <summary>Bytes one request may use: <see cref="UsableShare"/> of <see cref="Bytes"/>.</summary>
    public static long Usable(long available) => (long)(available * UsableShare);

    /// <summary>A byte count for messages: "512 MiB", "22.4 GiB".</summary>
    public static string Format(double bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 20):F1} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 10):F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} bytes"),
    };

    private static long? MemInfoAvailable()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib)
                    ? kib * 1024
                    : null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return null;
    }

    // A container's own cgroup (v2, seen as the root inside its namespace): limit - usage.
    private static long? CgroupHeadroom()
    {
        try
        {
            var max = File.ReadAllText("/sys/fs/cgroup/memory.max").Trim();
            var current = File.ReadAllText("/sys/fs/cgroup/memory.current").Trim();
            if (long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) &&
                long.TryParse(current, NumberStyles.None, CultureInfo.InvariantCulture, out var used))
            {
                // The usage counts the page cache, which the kernel reclaims under pressure.
                foreach (var line in File.ReadLines("/sys/fs/cgroup/memory.stat"))
                {
                    if (line.StartsWith("inactive_file ", StringComparison.Ordinal) &&
                        long.TryParse(line.AsSpan("inactive_file ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var cache))
                        used = Math.Max(0, used - cache);
                }
                return Math.Max(0, limit - used);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return null; // "max" (no limit), cgroup v1, or not Linux
    }
}
