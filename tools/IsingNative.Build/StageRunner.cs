using System.Diagnostics;

namespace IsingNative.Build;

/// <summary>A stage that cannot run on this OS says why and counts as neither passed nor failed.</summary>
public sealed class StageSkippedException(string message) : Exception(message);

/// <summary>How a stage's GPU tests are counted for the emulated-GPU summary (none: the stage has no GPU tests).</summary>
public enum GpuCount { None, CTest, DotnetTest }

/// <summary>
/// Runs the stages of a verb: each one even after an earlier one failed, with its output streamed and recorded,
/// its tests counted and its time taken; then the summary lines CI reads.
/// </summary>
public sealed class StageRunner
{
    private readonly List<(string Name, string Outcome, TimeSpan Time)> _stages = [];
    private TestCounts _tests, _gpu;
    private readonly List<string> _gpuDetail = [];

    public int Passed => _stages.Count(s => s.Outcome == "passed");
    public int Failed => _stages.Count(s => s.Outcome == "failed");
    public TestCounts Tests => _tests;

    /// <summary>Runs one stage; returns whether it passed.</summary>
    public bool Run(string name, Action body, GpuCount gpu = GpuCount.None)
    {
        Proc.Log($"test stage: {name}");
        var lines = new List<string>();
        Proc.Sink = line => { lock (lines) lines.Add(line); };
        string outcome = "passed";
        var clock = Stopwatch.StartNew();
        try
        {
            body();
        }
        catch (StageSkippedException e)
        {
            outcome = "skipped";
            Proc.Echo($"stage skipped: {e.Message}");
        }
        catch (Exception e) when (e is CommandFailedException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            outcome = "failed";
            Proc.Echo($"{name} failed: {e.Message}");
        }
        finally
        {
            Proc.Sink = null;
        }
        clock.Stop();
        _stages.Add((name, outcome, clock.Elapsed));
        _tests += TestCounts.Parse(lines);
        if (gpu != GpuCount.None)
        {
            TestCounts g = TestCounts.ParseGpu(lines, gpu == GpuCount.CTest);
            _gpu += g;
            _gpuDetail.Add($"{(gpu == GpuCount.CTest ? "ctest" : "nunit")} {g.Passed}/{g.Failed}/{g.Skipped}");
        }
        Proc.Echo($"stage {outcome}: {name} ({clock.Elapsed.TotalSeconds:F0} s)");
        return outcome == "passed";
    }

    /// <summary>"label stages: N passed, N failed (failed: ...)" and the time of every stage.</summary>
    public void WriteStageSummary(string label)
    {
        Proc.Log("stage times:");
        foreach ((string name, string outcome, TimeSpan time) in _stages)
            Proc.Echo($"  {time.TotalSeconds,6:F0} s  {outcome,-7}  {name}");
        Proc.Echo($"  {TimeSpan.FromTicks(_stages.Sum(s => s.Time.Ticks)).TotalSeconds,6:F0} s  in all");
        string[] failed = _stages.Where(s => s.Outcome == "failed").Select(s => s.Name).ToArray();
        string[] skipped = _stages.Where(s => s.Outcome == "skipped").Select(s => s.Name).ToArray();
        string failedList = failed.Length > 0 ? $" (failed: {string.Join("; ", failed)})" : "";
        string skippedList = skipped.Length > 0 ? $", {skipped.Length} skipped (skipped: {string.Join("; ", skipped)})" : "";
        Proc.Log($"{label} stages: {Passed} passed, {Failed} failed{failedList}{skippedList}");
    }

    /// <summary>
    /// The emulated-GPU line. Fails when a GPU test skipped there (under emulation a skip means the device was not
    /// found) or when none ran at all; <paramref name="notRun"/> says why the emulated flavour was not built.
    /// </summary>
    public bool WriteGpuSummary(string? notRun)
    {
        if (notRun is not null)
        {
            Proc.Echo($"emulated GPU: not run ({notRun})");
            return true;
        }
        Proc.Echo($"emulated GPU: {_gpu} (passed/failed/skipped: {string.Join(' ', _gpuDetail)})");
        if (_gpu.Skipped > 0)
        {
            Proc.Echo($"emulated GPU: {_gpu.Skipped} GPU test(s) SKIPPED on the emulated device: that is a failure");
            return false;
        }
        if (_gpu.Passed == 0)
        {
            Proc.Echo("emulated GPU: no GPU test ran");
            return false;
        }
        return _gpu.Failed == 0;
    }

    /// <summary>"tests: N passed, N failed, N skipped"; a failed stage with no countable test (a build) still counts one.</summary>
    public void WriteTestSummary()
    {
        TestCounts t = _tests;
        if (Failed > 0 && t.Failed == 0) t = t with { Failed = Failed };
        Proc.Echo($"tests: {t}");
    }
}
