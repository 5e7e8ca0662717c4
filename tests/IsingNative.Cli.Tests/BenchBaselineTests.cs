using System.Collections;
using System.Text.Json.Nodes;
using IsingNative.Cli.Tests.Support;

namespace IsingNative.Cli.Tests;

/// <summary>
/// <c>ising bench --baseline FILE</c>: this run against a saved <c>ising bench --json</c> output. One
/// <c>bench --quick --json</c> run (shared by the cases, about 10 s on an idle 2-core machine) supplies
/// the baseline; a doctored copy of it must make a second run exit 1 naming the metric, and a bad file is
/// refused before anything runs. Comparing a run with itself goes through the CLI's own comparison in
/// process, because two runs on a shared machine are never equal.
/// </summary>
[TestFixture, Category("Cli"), Parallelizable(ParallelScope.All)]
public class BenchBaselineTests
{
    private static readonly TimeSpan BenchLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RefusalLimit = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> s_run = new(() =>
    {
        var r = IsingProcess.Run(["bench", "--quick", "--json"], BenchLimit);
        Assert.That(r.ExitCode, Is.Zero, $"ising bench --quick --json: exit {r.ExitCode}: {r.StderrHead}");
        return r.Stdout;
    });

    private static string TempFile(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ising-baseline-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void BenchJsonRecordsTheMachineAndEachMetricsSpreadAndDirection()
    {
        var doc = JsonNode.Parse(s_run.Value)!;
        Assert.That((string?)doc["machine"]?["cpu"], Is.Not.Null.And.Not.Empty);
        Assert.That((int?)doc["machine"]?["cores"], Is.EqualTo(Environment.ProcessorCount));
        foreach (var row in doc["rows"]!.AsArray())
        {
            Assert.That((double)row!["min"]!, Is.LessThanOrEqualTo((double)row["value"]!), (string?)row["metric"]);
            Assert.That((double)row["max"]!, Is.GreaterThanOrEqualTo((double)row["value"]!), (string?)row["metric"]);
            Assert.That(row["higherIsBetter"]?.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.True).Or.EqualTo(System.Text.Json.JsonValueKind.False));
        }
        Assert.That(doc["rows"]!.AsArray().First(r => (string?)r!["metric"] == "empathy-latency-n20")!["higherIsBetter"]!.GetValue<bool>(), Is.False);
        Assert.That(doc["rows"]!.AsArray().First(r => (string?)r!["metric"] == "empathy-throughput-n20")!["higherIsBetter"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void ABaselineEqualToTheRunPasses()
    {
        object report = CliCommandTree.CallStatic("IsingNative.Cli.Benchmarking.BenchReport", "Parse", s_run.Value)!;
        object comparison = CliCommandTree.CallStatic("IsingNative.Cli.Benchmarking.BenchComparison", "Of", report, report)!;
        var metrics = ((IEnumerable)CliCommandTree.Property(comparison, "Metrics")).Cast<object>().ToList();
        Assert.That(metrics, Has.Count.EqualTo(JsonNode.Parse(s_run.Value)!["rows"]!.AsArray().Count), "every metric compared");
        foreach (var m in metrics)
        {
            Assert.That((double)CliCommandTree.Property(m, "Ratio"), Is.EqualTo(1.0), m.ToString());
            Assert.That((double)CliCommandTree.Property(m, "Low"), Is.LessThanOrEqualTo(1.0), m.ToString());
            Assert.That((double)CliCommandTree.Property(m, "High"), Is.GreaterThanOrEqualTo(1.0), m.ToString());
        }
        Assert.That((IEnumerable)CliCommandTree.Property(comparison, "Regressions"), Is.Empty);
    }

    [Test]
    public void ABaselineMuchFasterMakesTheRunFailNamingTheMetric()
    {
        // The saved run, claimed 1000 times faster on empathy latency, on a machine of its own.
        var doc = JsonNode.Parse(s_run.Value)!.AsObject();
        var latency = doc["rows"]!.AsArray().First(r => (string?)r!["metric"] == "empathy-latency-n20")!.AsObject();
        foreach (var key in new[] { "value", "min", "max" }) latency[key] = (double)latency[key]! / 1000;
        doc["machine"] = new JsonObject { ["cpu"] = "Doctored CPU 9000", ["cores"] = 64, ["os"] = "elsewhere" };
        string path = TempFile(doc.ToJsonString());
        try
        {
            var r = IsingProcess.Run(["bench", "--quick", "--baseline", path], BenchLimit);
            Assert.That(r.ExitCode, Is.EqualTo(1), $"exit {r.ExitCode}: {r.StderrHead}");
            Assert.That(r.Stderr, Does.Contain("regressed").And.Contain("empathy-latency-n20").And.Contain(path));
            Assert.That(r.Stdout, Does.Match(@"empathy-latency-n20\s+\d+\.\d+ \[[^\]]*\]\s+lower\s+regressed"));
            Assert.That(r.Stdout, Does.Contain("baseline: Doctored CPU 9000, 64 cores"), "the baseline's machine");
            Assert.That(r.Stdout, Does.Contain($"this run: ").And.Contain($", {Environment.ProcessorCount} cores"), "this machine");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IEnumerable<TestCaseData> BadBaselines()
    {
        yield return new TestCaseData("not JSON at all", "not JSON at line 1, column ").SetName("not JSON");
        yield return new TestCaseData("[1, 2]", "the document is an array").SetName("an array");
        yield return new TestCaseData("{\"backend\": \"managed\"}", "no \"rows\" array").SetName("no rows");
        yield return new TestCaseData("{\"rows\": [{\"metric\": \"m\", \"unit\": \"µs\"}]}", "rows[0] has no number \"value\"").SetName("a row without a value");
        yield return new TestCaseData("{\"rows\": [{\"metric\": \"m\", \"unit\": \"µs\", \"value\": 2, \"min\": 3, \"max\": 4}]}", "not in order").SetName("a spread around nothing");
        yield return new TestCaseData("{\"rows\": []}", "empty").SetName("no metrics");
    }

    [TestCaseSource(nameof(BadBaselines))]
    public void AMalformedBaselineIsRefusedBeforeTheBenchRuns(string content, string problem)
    {
        string path = TempFile(content);
        try
        {
            var r = IsingProcess.Run(["bench", "--quick", "--baseline", path], RefusalLimit);
            Assert.That(r.ExitCode, Is.EqualTo(2), $"exit {r.ExitCode}: {r.StderrHead}");
            Assert.That(r.Stdout, Is.Empty, "the bench ran");
            Assert.That(r.Stderr.TrimEnd(), Does.StartWith($"ising: --baseline: '{path}' is not a saved ising bench --json output: ").And.Contain(problem));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AMissingBaselineIsRefusedNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ising-no-such-baseline-{Guid.NewGuid():N}.json");
        var r = IsingProcess.Run(["bench", "--baseline", path], RefusalLimit);
        Assert.That(r.ExitCode, Is.EqualTo(2), $"exit {r.ExitCode}: {r.StderrHead}");
        Assert.That(r.Stderr.TrimEnd(), Is.EqualTo($"ising: --baseline: '{path}': no such file; give the saved output of ising bench --json"));
    }
}
