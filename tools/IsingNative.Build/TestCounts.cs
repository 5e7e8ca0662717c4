using System.Text.RegularExpressions;

namespace IsingNative.Build;

/// <summary>Passed, failed and skipped tests.</summary>
public readonly record struct TestCounts(int Passed, int Failed, int Skipped)
{
    public static TestCounts operator +(TestCounts a, TestCounts b) =>
        new(a.Passed + b.Passed, a.Failed + b.Failed, a.Skipped + b.Skipped);

    public override string ToString() => $"{Passed} passed, {Failed} failed, {Skipped} skipped";

    private static readonly Regex CTestSummary = new(@"^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+)");
    private static readonly Regex CTestSkipped = new(@"\(Skipped\)$");
    private static readonly Regex DotnetTotal = new(@"^\s*Total tests: [0-9]+");
    private static readonly Regex LabelSummary = new(@"^[A-Za-z][A-Za-z0-9 _-]*: ([0-9]+) passed, ([0-9]+) failed(?:, ([0-9]+) skipped)?");
    // "12/67 Test #12: Gpu.MatchesCpuBitForBit .....   Passed    0.53 sec" (or ***Failed, ***Skipped, ...)
    private static readonly Regex CTestLine = new(@"Test +#[0-9]+: +(\S+)");
    private static readonly Regex CTestPassed = new(@"[ *]Passed +[0-9.]+ sec");

    /// <summary>
    /// The counts a stage's runner printed: CTest's "N% tests passed, F tests failed out of T" (skips are its
    /// "(Skipped)" lines), dotnet test's last "Passed: N" / "Failed: N" / "Skipped: N" after "Total tests:", or a
    /// script's "label: N passed, N failed[, N skipped]" (the last one). Nothing recognised counts nothing.
    /// </summary>
    public static TestCounts Parse(IReadOnlyList<string> lines)
    {
        Match? ctest = LastMatch(lines, CTestSummary);
        if (ctest is not null)
        {
            int failed = int.Parse(ctest.Groups[1].Value), total = int.Parse(ctest.Groups[2].Value);
            int skipped = lines.Count(l => CTestSkipped.IsMatch(l));
            return new(total - failed - skipped, failed, skipped);
        }
        if (lines.Any(l => DotnetTotal.IsMatch(l))) return DotnetCounts(lines);
        Match? label = LastMatch(lines, LabelSummary);
        if (label is not null)
        {
            int skipped = label.Groups[3].Success ? int.Parse(label.Groups[3].Value) : 0;
            return new(int.Parse(label.Groups[1].Value), int.Parse(label.Groups[2].Value), skipped);
        }
        return default;
    }

    /// <summary>
    /// The GPU tests among a stage's: CTest tests with "gpu" in their name (any case) when <paramref name="ctest"/>,
    /// else every test of a dotnet test run (the stage ran only the GPU cases).
    /// </summary>
    public static TestCounts ParseGpu(IReadOnlyList<string> lines, bool ctest)
    {
        if (!ctest) return lines.Any(l => DotnetTotal.IsMatch(l)) ? DotnetCounts(lines) : default;
        int p = 0, x = 0, k = 0;
        foreach (string line in lines)
        {
            Match m = CTestLine.Match(line);
            if (!m.Success || !m.Groups[1].Value.Contains("gpu", StringComparison.OrdinalIgnoreCase)) continue;
            if (CTestPassed.IsMatch(line)) p++;
            else if (line.Contains("Skipped", StringComparison.Ordinal)) k++;
            else x++;
        }
        return new(p, x, k);
    }

    private static TestCounts DotnetCounts(IReadOnlyList<string> lines) =>
        new(Last(lines, "Passed"), Last(lines, "Failed"), Last(lines, "Skipped"));

    private static int Last(IReadOnlyList<string> lines, string label)
    {
        var re = new Regex($@"^\s*{label}: ([0-9]+)");
        Match? m = LastMatch(lines, re);
        return m is null ? 0 : int.Parse(m.Groups[1].Value);
    }

    private static Match? LastMatch(IReadOnlyList<string> lines, Regex re)
    {
        for (int i = lines.Count - 1; i >= 0; i--)
        {
            Match m = re.Match(lines[i]);
            if (m.Success) return m;
        }
        return null;
    }
}
