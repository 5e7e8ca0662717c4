using IsingNative.Backends;
using IsingNative.Backends.Native;
using IsingNative.Diagnostics;
using IsingNative.Interop;
using IsingNative.Tests.Support;
using Microsoft.Extensions.Logging;

namespace IsingNative.Tests;

/// <summary>
/// Real GPU faults through the emulated device: the native library's test-only
/// emulated-GPU flavour (CMake ISN_GPU_EMULATION, built by <c>./build.sh test</c> in
/// build/emu) runs the GPU backend's kernels on the host through HIP-CPU and exports
/// fault hooks (native/src/gpu/emulated_hooks.h). With them the GPU backend's own error
/// paths run: the documented status and message, nothing written, and Auto replaying
/// the request on the CPU with the same bits (MODEL.md §9). Ignored, with the reason,
/// against any other library (the hooks exist only in that flavour).
/// </summary>
/// <remarks>
/// The hooks are process-wide, like a device; NUnit runs this project's tests one at a
/// time, and every test resets them. They are bound by hand from the library the engine
/// loaded (Support/EmulatedGpuHooks; not the generated bindings: they are not part of the C API).
/// </remarks>
public class EmulatedGpuFaultTests
{
    private const int FaultAlloc = EmulatedGpuHooks.FaultAlloc, FaultLaunch = EmulatedGpuHooks.FaultLaunch,
        FaultKernel = EmulatedGpuHooks.FaultKernel;

    private EmulatedGpuHooks _hooks = null!;

    private static readonly AnnealOptions Short = new() { TrialsPerStep = 4 };
    private static readonly EmpathyOptions ShortEmpathy = new() { Anneal = Short };

    [OneTimeSetUp]
    public void BindHooks() => _hooks = EmulatedGpuHooks.Bind();

    [SetUp]
    public void ResetDevice() => _hooks.Reset();

    [TearDown]
    public void ResetDeviceAfter() => _hooks.Reset();

    private void Fail(int fault, int skip = 0) => Assert.That(_hooks.Fail(fault, skip), Is.Zero);

    private static (IsingSystem Self, IsingSystem Other)[] Pairs() =>
    [
        (IsingSystem.SeedPattern(20, 1), IsingSystem.SpinGlass(20, 2)),      // thread regime
        (IsingSystem.SpinGlass(150, 3), IsingSystem.SeedPattern(150, 4)),    // block regime
    ];

    private static EmpathyPair[] Batch() =>
        Pairs().Select((p, k) => new EmpathyPair(p.Self, p.Other, 40 + (ulong)k)).ToArray();

    private static EmpathyResult[] Sentinels(int count) =>
        Enumerable.Repeat(new EmpathyResult(-7, -7, -7, -7, -7, -7, -7, -7, -7, -7), count).ToArray();

    [Test]
    public void TheEngineSaysItsGpuIsEmulated()
    {
        using var gpu = IsingEngine.Create(BackendKind.Gpu, 2);
        Assert.That(((NativeBackend)gpu.ComputeBackend).Description, Does.Contain("emulated").And.Contain("hip-cpu"));
        Assert.That(NativeLibraryState.Current.VersionString, Does.EndWith("+hip-cpu-emulated"));
        Assert.That(IsingEngine.AutoChoice, Is.EqualTo(BackendKind.Gpu), "a device answers, so Auto picks it");
    }

    [TestCase(FaultLaunch, (int)IsnStatus.DeviceError, "hipErrorLaunchOutOfResources")]
    [TestCase(FaultKernel, (int)IsnStatus.DeviceError, "hipErrorIllegalAddress")]
    [TestCase(FaultAlloc, (int)IsnStatus.OutOfMemory, "hipErrorOutOfMemory")]
    public void TheGpuBackendReportsADeviceFaultAndWritesNothing(int fault, int expectedStatus, string runtimeText)
    {
        var status = (IsnStatus)expectedStatus;
        using var gpu = IsingEngine.Create(BackendKind.Gpu, 2);
        EmpathyPair[] batch = Batch();
        EmpathyResult[] results = Sentinels(batch.Length);
        // A fresh context allocates on its first call; a warm one only launches.
        if (fault != FaultAlloc) gpu.EmpathyBatch(batch, results, ShortEmpathy);
        results = Sentinels(batch.Length);
        Fail(fault);

        var e = Assert.Throws<NativeBackendException>(() => gpu.EmpathyBatch(batch, results, ShortEmpathy))!;

        Assert.Multiple(() =>
        {
            Assert.That(e.Status, Is.EqualTo((int)status));
            Assert.That(e.Message, Does.Contain(runtimeText).And.Contain("emulated device").And.Contain(status.ToString()));
            Assert.That(results, Is.EqualTo(Sentinels(batch.Length)), "a failed call writes nothing");
            Assert.That(_hooks.FaultsFired(), Is.EqualTo(1));
            Assert.That(gpu.Backend, Is.EqualTo(BackendKind.Gpu), "an explicit GPU engine does not fall back");
        });
        // The device recovers (the emulated faults are not sticky): the same engine, the managed bits.
        using var managed = IsingEngine.Create(BackendKind.Managed, 1);
        EmpathyResult[] expected = Sentinels(batch.Length);
        managed.EmpathyBatch(batch, expected, ShortEmpathy);
        gpu.EmpathyBatch(batch, results, ShortEmpathy);
        for (int k = 0; k < batch.Length; k++) Bits.Same(expected[k], results[k], $"results[{k}]");
    }

    [Test]
    public void AutoCountsItsFallbackInTheMeterAndLogsTheReason()
    {
        var logger = new CollectingLogger();
        using var auto = IsingEngine.Create(BackendKind.Auto, 2, logger);
        var (self, other) = Pairs()[1];
        using var telemetry = new TelemetryCollector();
        auto.Empathy(self, other, 5, ShortEmpathy);

        Fail(FaultLaunch);
        auto.Empathy(self, other, 6, ShortEmpathy);   // faults on the device, completes on the CPU

        Assert.Multiple(() =>
        {
            Assert.That(telemetry.Of(IsingTelemetry.Fallbacks.Name).Select(m => (m.Value, m.Tags["backend"], m.Tags["to"])),
                Is.EqualTo(new[] { (1.0, (object?)"gpu", (object?)auto.BackendName) }));
            Assert.That(telemetry.Sum(IsingTelemetry.Empathies.Name, ("backend", "gpu")), Is.EqualTo(1));
            Assert.That(telemetry.Sum(IsingTelemetry.Empathies.Name, ("backend", auto.BackendName)), Is.EqualTo(1));
            Assert.That(logger.Entries.Select(e => (e.Level, e.Id.Name)),
                Is.EqualTo(new[] { (LogLevel.Information, "BackendChosen"), (LogLevel.Warning, "Fallback") }));
            Assert.That(logger.Entries[0].Message, Does.StartWith("IsingNative engine on gpu (threads: 2), Auto's choice on this machine"));
            Assert.That(logger.Entries[1].Message, Does.Contain(auto.FallbackReason!));
        });
    }

    [TestCase(FaultLaunch, "hipErrorLaunchOutOfResources")]
    [TestCase(FaultKernel, "hipErrorIllegalAddress")]
    public void AutoReplaysAFailedEmpathyOnTheCpuWithIdenticalResults(int fault, string runtimeText)
    {
        using var auto = IsingEngine.Create(BackendKind.Auto, 2);
        using var reference = IsingEngine.Create(BackendKind.Managed, 1);
        var (self, other) = Pairs()[1];
        EmpathyResult before = auto.Empathy(self, other, 5, ShortEmpathy);
        Assert.That((auto.Backend, auto.FallbackReason), Is.EqualTo((BackendKind.Gpu, (string?)null)));

        Fail(fault);
        EmpathyResult during = auto.Empathy(self, other, 6, ShortEmpathy);   // faults on the device, completes on the CPU
        EmpathyResult after = auto.Empathy(self, other, 7, ShortEmpathy);

        Bits.Same(reference.Empathy(self, other, 5, ShortEmpathy), before, "before the fault (GPU)");
        Bits.Same(reference.Empathy(self, other, 6, ShortEmpathy), during, "the faulted request, replayed");
        Bits.Same(reference.Empathy(self, other, 7, ShortEmpathy), after, "after the switch (CPU)");
        Assert.Multiple(() =>
        {
            Assert.That(_hooks.FaultsFired(), Is.EqualTo(1));
            Assert.That(auto.Backend, Is.EqualTo(BackendKind.Managed));
            Assert.That(auto.FallbackReason, Does.Contain(runtimeText).And.Contain("managed"));
        });
    }

    [Test]
    public void AutoReplaysOnTheCpuWhenTheDeviceIsOutOfMemory()
    {
        using var auto = IsingEngine.Create(BackendKind.Auto, 2);
        using var reference = IsingEngine.Create(BackendKind.Managed, 1);
        Assert.That(auto.Backend, Is.EqualTo(BackendKind.Gpu));
        _hooks.SetMemoryLimit(4096);   // less than one 150-spin coupling matrix
        EmpathyPair[] batch = Batch();
        EmpathyResult[] results = Sentinels(batch.Length), expected = Sentinels(batch.Length);

        auto.EmpathyBatch(batch, results, ShortEmpathy);

        reference.EmpathyBatch(batch, expected, ShortEmpathy);
        for (int k = 0; k < batch.Length; k++) Bits.Same(expected[k], results[k], $"results[{k}]");
        Assert.Multiple(() =>
        {
            Assert.That(_hooks.FaultsFired(), Is.GreaterThanOrEqualTo(1));
            Assert.That(auto.Backend, Is.EqualTo(BackendKind.Managed));
            Assert.That(auto.FallbackReason, Does.Contain("hipErrorOutOfMemory").And.Contain("hipMalloc"));
        });
    }

    [Test]
    public void AutoReplaysAFailedAnnealAndObserveBatchOnTheCpu()
    {
        using var reference = IsingEngine.Create(BackendKind.Managed, 1);
        var system = IsingSystem.SpinGlass(150, 8);
        var spins = new sbyte[150];
        var expected = new sbyte[150];
        AnnealStats want = reference.Anneal(system, 11, expected, Short);
        using (var auto = IsingEngine.Create(BackendKind.Auto, 2))
        {
            Fail(FaultLaunch);
            AnnealStats got = auto.Anneal(system, 11, spins, Short);
            Bits.Same(want, got, "anneal");
            Bits.Same(expected, spins, "anneal spins");
            Assert.That(auto.FallbackReason, Does.Contain("anneal_blocks launch"));
        }
        IsingSystem[] systems = [IsingSystem.SeedPattern(20, 1), IsingSystem.SpinGlass(150, 2)];
        var observed = new Observables[2];
        using (var auto = IsingEngine.Create(BackendKind.Auto, 2))
        {
            Fail(FaultKernel);
            auto.ObserveBatch(systems, observed);
            for (int k = 0; k < systems.Length; k++) Bits.Same(reference.Observe(systems[k]), observed[k], $"observables[{k}]");
            Assert.That(auto.FallbackReason, Does.Contain("hipErrorIllegalAddress"));
        }
        Assert.That(_hooks.AllocatedBytes(), Is.Zero, "disposed engines return all device memory");
    }
}
