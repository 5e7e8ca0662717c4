using System.Diagnostics;

namespace IsingNative.Build;

/// <summary>A stage that cannot run on this OS says why and counts as neither passed nor failed.</summary>
public sealed class StageSkippedException(string message) : Exception(message);

/// <summary>How a stage's GPU tests are counted for the emulated-GPU summary (none: the stage has no GPU tests).</summary>
public enum GpuCount { None, CTest, DotnetTest }

/// <summary>
/// Runs the stages of a verb: each one even after an earlier one failed, with its output streamed and recorded,
/// its tests counted and its time taken; then the summary lines CI reads. Chains of stages that share nothing (build
/// folders, projects) can run side by side (<see cref="Concurrently"/>): most stages leave one of two cores idle for
/// long stretches (a single compile of many GPU targets, a test host, a fuzzer, a restore), and the other chain's
/// work fills it.
/// </summary>
public sealed class StageRunner
{
    private readonly object _lock = new();
    private readonly List<(string Name, string Outcome, TimeSpan Time)> _stages = [];
    private TestCounts _tests, _gpu;
    private readonly List<string> _gpuDetail = [];
    [ThreadStatic] private static bool t_held;
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    public int Passed => Count("passed");
    public int Failed => Count("failed");

    private int Count(string outcome)
    {
        lock (_lock) return _stages.Count(s => s.Outcome == outcome);
    }

    /// <summary>
    /// Runs chains of stages side by side, each on a thread of its own, and returns when all are done. A stage
    /// of a chain writes its output as one block when it ends, so the log reads stage by stage.
    /// </summary>
    public void Concurrently(params Action[] chains)
    {
        Thread[] threads = chains.Select(chain => new Thread(() =>
        {
            t_held = true;
            chain();
        })).ToArray();
        foreach (Thread t in threads) t.Start();
        foreach (Thread t in threads) t.Join();
    }

    /// <summary>Runs one stage; returns whether it passed.</summary>
    public bool Run(string name, Action body, GpuCount gpu = GpuCount.None)
    {
        var output = new StageOutput(t_held);
        Proc.Output = output;
        if (t_held) Proc.WriteLines([$"{Environment.NewLine}==> test stage: {name} (started, beside another chain of stages)"]);
        Proc.Log($"test stage: {name}");
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
        clock.Stop();
        Proc.Echo($"stage {outcome}: {name} ({clock.Elapsed.TotalSeconds:F0} s)");
        Proc.Output = null;
        if (output.Held) Proc.WriteLines(output.Lines);
        IReadOnlyList<string> lines = output.Lines;
        lock (_lock)
        {
            _stages.Add((name, outcome, clock.Elapsed));
            _tests += TestCounts.Parse(lines);
            if (gpu != GpuCount.None)
            {
                TestCounts g = TestCounts.ParseGpu(lines, gpu == GpuCount.CTest);
                _gpu += g;
                _gpuDetail.Add($"{(gpu == GpuCount.CTest ? "ctest" : "nunit")} {g.Passed}/{g.Failed}/{g.Skipped}");
            }
        }
        return outcome == "passed";
    }

    /// <summary>"label stages: N passed, N failed (failed: ...)" and the time of every stage.</summary>
    public void WriteStageSummary(string label)
    {
        Proc.Log("stage times (in the order they ended; chains side by side overlap):");
        foreach ((string name, string outcome, TimeSpan time) in _stages)
            Proc.Echo($"  {time.TotalSeconds,6:F0} s  {outcome,-7}  {name}");
        Proc.Echo($"  {_wall.Elapsed.TotalSeconds,6:F0} s  from the first stage's start to the last one's end");
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
