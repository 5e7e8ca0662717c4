using IsingNative.Build;

namespace IsingNative.Build.Tests;

/// <summary>The driver's reading of CTest's, dotnet test's and the scripts' summaries into test totals.</summary>
public class TestCountsTests
{
    [Test]
    public void CTestSummaryCountsSkipsSeparately()
    {
        string[] lines =
        [
            " 1/3 Test #1: Core.Philox ..........   Passed    0.01 sec",
            " 2/3 Test #2: Gpu.Matches ..........***Skipped   0.00 sec",
            " 3/3 Test #3: Api.Bad ..............***Failed    0.02 sec",
            "67% tests passed, 1 tests failed out of 3",
            "The following tests did not run:",
            "\t  2 - Gpu.Matches (Skipped)",
        ];
        Assert.That(TestCounts.Parse(lines), Is.EqualTo(new TestCounts(1, 1, 1)));
        Assert.That(TestCounts.ParseGpu(lines, ctest: true), Is.EqualTo(new TestCounts(0, 0, 1)), "only the tests named gpu");
    }

    [Test]
    public void DotnetTestTakesTheLastSummary()
    {
        string[] lines = ["Passed: 3", "Test Run Successful.", "Total tests: 12", "     Passed: 10", "     Failed: 1", "    Skipped: 1"];
        Assert.That(TestCounts.Parse(lines), Is.EqualTo(new TestCounts(10, 1, 1)));
        Assert.That(TestCounts.ParseGpu(lines, ctest: false), Is.EqualTo(new TestCounts(10, 1, 1)));
    }

    [Test]
    public void ScriptLabelLineWithAndWithoutSkips()
    {
        Assert.That(TestCounts.Parse(["fuzz batch: 100 runs, 0 findings", "fuzz: 3 passed, 0 failed"]), Is.EqualTo(new TestCounts(3, 0, 0)));
        Assert.That(TestCounts.Parse(["fuzz: 0 passed, 0 failed, 1 skipped"]), Is.EqualTo(new TestCounts(0, 0, 1)));
    }

    [Test]
    public void OutputWithoutASummaryCountsNothing()
    {
        Assert.That(TestCounts.Parse(["[100%] Built target isingnative", "passed: yes"]), Is.EqualTo(default(TestCounts)));
    }
}
