using IsingNative.Backends;
using IsingNative.Backends.Native;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Auto on a GPU with agent sets, against real device faults of the emulated-GPU flavour
/// (its fault hooks, see EmulatedGpuFaultTests): a set call that faults on the device is
/// replayed on the CPU set rebuilt from the members, with the managed bits; a set created
/// while the device cannot allocate starts on the CPU. Ignored against any other library.
/// </summary>
public class AgentSetGpuFaultTests
{
    private const int FaultAlloc = EmulatedGpuHooks.FaultAlloc, FaultKernel = EmulatedGpuHooks.FaultKernel;

    private EmulatedGpuHooks _hooks = null!;

    private static readonly EmpathyOptions Short = new() { Anneal = new AnnealOptions { Steps = 20, TrialsPerStep = 4 } };

    [OneTimeSetUp]
    public void BindHooks() => _hooks = EmulatedGpuHooks.Bind();

    [SetUp]
    public void ResetDevice() => _hooks.Reset();

    [TearDown]
    public void ResetDeviceAfter() => _hooks.Reset();

    private static IsingSystem[] Swarm() =>
        Enumerable.Range(0, 7).Select(i => i % 2 == 0 ? IsingSystem.SeedPattern(20, (ulong)i) : IsingSystem.SpinGlass(20, (ulong)i)).ToArray();

    [Test]
    public void AKernelFaultInASetCallIsReplayedOnTheCpuSetWithTheSameBits()
    {
        using var auto = IsingEngine.Create(BackendKind.Auto, 2);
        using var reference = IsingEngine.Create(BackendKind.Managed, 1);
        Assert.That(auto.Backend, Is.EqualTo(BackendKind.Gpu));
        IsingSystem[] agents = Swarm();
        using AgentSet set = auto.CreateAgentSet(agents);
        Assert.That(set.Info.DeviceBytes, Is.GreaterThan(0), "resident on the (emulated) device");
        EmpathyResult before = set.Empathy(0, 1, 5, Short);

        agents[3].SetCouplings(IsingSystem.SpinGlass(20, 99).Couplings);   // pending: pushed by the faulted call's replay
        Assert.That(_hooks.Fail(FaultKernel, 0), Is.Zero);
        var scores = Enumerable.Repeat(-7.0, 49).ToArray();
        set.EmpathyMatrix(21, scores, Short);
        var fallback = (FallbackAgentSet)set.BackendSet;
        EmpathyResult after = set.Empathy(3, 4, 6, Short);

        var expected = new double[49];
        reference.EmpathyMatrix(agents, 21, expected, Short);
        Bits.Same(reference.Empathy(agents[0], agents[1], 5, Short), before, "before the fault (GPU)");
        for (int c = 0; c < 49; c++) Bits.Same(expected[c], scores[c], $"matrix entry {c} (replayed)");
        Bits.Same(reference.Empathy(agents[3], agents[4], 6, Short), after, "after the switch (CPU set)");
        Assert.Multiple(() =>
        {
            Assert.That(_hooks.FaultsFired(), Is.EqualTo(1));
            Assert.That(fallback.Current, Is.InstanceOf<ManagedAgentSet>(), "the set now lives on the CPU");
            Assert.That(auto.Backend, Is.EqualTo(BackendKind.Managed));
            Assert.That(auto.FallbackReason, Does.Contain("hipErrorIllegalAddress"));
            Assert.That(set.Info.DeviceBytes, Is.Zero);
        });
    }

    [Test]
    public void ASetCreatedWhileTheDeviceCannotAllocateStartsOnTheCpu()
    {
        using var auto = IsingEngine.Create(BackendKind.Auto, 2);
        using var reference = IsingEngine.Create(BackendKind.Managed, 1);
        IsingSystem[] agents = Swarm();
        Assert.That(_hooks.Fail(FaultAlloc, 0), Is.Zero);
        using AgentSet set = auto.CreateAgentSet(agents);
        var observed = new Observables[agents.Length];
        set.ObserveAll(observed);
        for (int i = 0; i < agents.Length; i++) Bits.Same(agents[i].Observe(), observed[i], $"member {i}");
        Bits.Same(reference.Empathy(agents[5], agents[6], 8, Short), set.Empathy(5, 6, 8, Short), "empathy on the CPU set");
        Assert.That(auto.FallbackReason, Does.Contain("hipErrorOutOfMemory"));
    }
}
