using System.Text.Json;
using IsingNative.Interop;
using IsingNative.Cli.Tests.Support;

namespace IsingNative.Cli.Tests;

/// <summary>
/// What a user of an AMD GPU meets, end to end through <c>ising</c>: the build's AMD plug-in
/// against the test stand-in for libamdhip64 (tests/native/hip_stub, one device whose ISA
/// ISN_HIP_STUB_ISA sets). A device the plug-in carries a code object for is the GPU that
/// Auto picks; one it does not carry is unavailable with a line naming the device, its ISA,
/// the ISAs carried and the command that builds for it, and <c>--backend gpu</c> exits 3
/// with that line, never a C function's name.
/// </summary>
[Category("Cli")]
public class AmdPlugInTests
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(120);

    /// <summary>The child's environment for a stub device of <paramref name="isa"/>; ignores the test where the HIP plug-in was not built.</summary>
    private static Dictionary<string, string> StubDevice(string isa)
    {
        string? dir = Environment.GetEnvironmentVariable(NativeLibraryResolver.EnvironmentVariable);
        if (string.IsNullOrEmpty(dir) || File.Exists(dir)) dir = RepositoryNativeBuild() ?? (dir is null ? null : Path.GetDirectoryName(dir));
        string? plugin = dir is null ? null : Path.Combine(dir, "libisingnative_gpu.so");
        string? stub = dir is null ? null : Path.Combine(dir, "tests", "hip-stub-rocm6");
        if (!OperatingSystem.IsLinux() || plugin is null || !File.Exists(plugin) || !File.Exists(Path.Combine(stub!, "libamdhip64.so.6")))
            Assert.Ignore("the AMD plug-in and its test runtime are not built here (./build.sh native with the HIP toolchain of ./build.sh deps)");
        return new Dictionary<string, string>
        {
            [NativeLibraryResolver.EnvironmentVariable] = dir!,
            ["ISN_GPU_PLUGIN"] = plugin!,
            ["LD_LIBRARY_PATH"] = stub!,
            ["ISN_HIP_STUB_ISA"] = isa,
        };
    }

    private static string? RepositoryNativeBuild()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
        {
            string dir = Path.Combine(d.FullName, "build", "native", "native");
            if (File.Exists(Path.Combine(dir, "libisingnative_gpu.so"))) return dir;
        }
        return null;
    }

    private static JsonElement GpuEntry(JsonDocument info) =>
        info.RootElement.GetProperty("allBackends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "gpu");

    [Test]
    public void ADeviceWhoseIsaThePlugInCarriesIsTheGpuAutoPicks()
    {
        var r = IsingProcess.Run(["info", "--json"], CommandLimit, StubDevice("gfx1151"));
        Assert.That(r.ExitCode, Is.Zero, r.StderrHead);
        using var info = JsonDocument.Parse(r.Stdout);
        Assert.That(info.RootElement.GetProperty("auto").GetString(), Is.EqualTo("gpu"));
        var gpu = GpuEntry(info);
        Assert.That(gpu.GetProperty("available").GetBoolean(), Is.True);
        Assert.That(gpu.GetProperty("detail").GetString(),
            Does.Contain("AMD Radeon 8060S Graphics (test stub) (gfx1151, hip: libamdhip64.so.6, code objects for ").And.Contain("gfx90a"));
    }

    [Test]
    public void ADeviceWhoseIsaThePlugInLacksLeavesAutoOnTheCpuAndSaysWhatToDo()
    {
        var env = StubDevice("gfx1036");
        var r = IsingProcess.Run(["info", "--json"], CommandLimit, env);
        Assert.That(r.ExitCode, Is.Zero, r.StderrHead);
        using (var info = JsonDocument.Parse(r.Stdout))
        {
            Assert.That(info.RootElement.GetProperty("auto").GetString(), Is.EqualTo("native-cpu"));
            var gpu = GpuEntry(info);
            Assert.That(gpu.GetProperty("available").GetBoolean(), Is.False);
            Assert.That(gpu.GetProperty("detail").GetString(), Does.Contain("GPU 0 (AMD Radeon 8060S Graphics (test stub), gfx1036)")
                .And.Contain("which carries gfx").And.Contain("gfx1151").And.Contain("./build.sh native").And.Not.Contain("isn_"));
        }

        var run = IsingProcess.Run(["empathy", "--n", "10", "--backend", "gpu"], CommandLimit, env);
        Assert.That(run.ExitCode, Is.EqualTo(3), run.StderrHead);
        Assert.That(run.Stdout, Is.Empty);
        string line = run.Stderr.TrimEnd('\n');
        Assert.That(line, Does.Not.Contain('\n'), "one line");
        Assert.That(line, Does.StartWith("ising: backend gpu is unavailable: GPU 0 (AMD Radeon 8060S Graphics (test stub), gfx1036)")
            .And.Contain("./build.sh native").And.Contain("--backend auto").And.Not.Contain("isn_"));

        // Auto runs on the CPU, as `ising info` said.
        var auto = IsingProcess.Run(["empathy", "--n", "10", "--json"], CommandLimit, env);
        Assert.That(auto.ExitCode, Is.Zero, auto.StderrHead);
        using var doc = JsonDocument.Parse(auto.Stdout);
        Assert.That(doc.RootElement.GetProperty("backend").GetString(), Is.EqualTo("native-cpu"));
    }
}
