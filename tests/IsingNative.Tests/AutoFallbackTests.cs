using IsingNative.Tests.Support;
using IsingNative.Backends;
using IsingNative.Core;
using IsingNative.Interop;

namespace IsingNative.Tests;

/// <summary>
/// MODEL.md §9: a GPU fault is reported as such, and Auto falls back to a CPU backend
/// without losing the request. No GPU is needed: a backend that faults on demand stands in.
/// </summary>
public class AutoFallbackTests
{
    /// <summary>A managed backend posing as a GPU that faults once armed (IsingTelemetryTests uses it too).</summary>
    internal sealed class FaultingGpu(Exception fault) : IComputeBackend
    {
        private readonly ManagedBackend _inner = new(1);
        public bool Armed;
        public int Calls;
        public BackendKind Kind => BackendKind.Gpu;
        public string Name => "gpu";
        private void Hit() { Calls++; if (Armed) throw fault; }
        public void Anneal(ReadOnlySpan<AnnealTask> t, in AnnealParams p, Span<AnnealStats> r) { Hit(); _inner.Anneal(t, p, r); }
        public void Empathy(ReadOnlySpan<EmpathyTask> t, in AnnealParams p, in ScoreWeights w, Span<EmpathyResult> r) { Hit(); _inner.Empathy(t, p, w, r); }
        public void Estimate(ReadOnlySpan<EmpathyTask> t, in QuickParams p, Span<QuickEstimate> r) { Hit(); _inner.Estimate(t, p, r); }
        public void Observe(ReadOnlySpan<SystemView> s, Span<Observables> r) { Hit(); _inner.Observe(s, r); }
        public double CouplingNormSquared(SystemView s) => _inner.CouplingNormSquared(s);
        public double CouplingSimilarity(SystemView a, SystemView b, double na, double nb) => _inner.CouplingSimilarity(a, b, na, nb);
        public unsafe TrialCounts Sample(SystemView s, double beta, int m, int thin, int burn, ulong seed, AcceptanceRule rule,
            sbyte* start, sbyte* states, double* energies) { Hit(); return _inner.Sample(s, beta, m, thin, burn, seed, rule, start, states, energies); }
        public IBackendAgentSet CreateSet(ReadOnlySpan<SystemView> m, ReadOnlySpan<double> norms) { Hit(); return new InterceptingAgentSet(_inner.CreateSet(m, norms), Hit, beforeInfo: true); }
        public void Dispose() => _inner.Dispose();
    }

    private static (IsingEngine Engine, FaultingGpu Gpu) EngineWithFaultingGpu(Exception fault)
    {
        var gpu = new FaultingGpu(fault);
        return (IsingEngine.CreateWith(new FallbackBackend(gpu, () => new ManagedBackend(1)), 1), gpu);
    }

    [Test]
    public void ADeviceFaultReplaysTheRequestOnTheCpuWithIdenticalResults()
    {
        var (engine, gpu) = EngineWithFaultingGpu(new NativeBackendException((int)IsnStatus.DeviceError,
            "hipErrorLaunchFailure: unspecified launch failure (native status 4 DeviceError)"));
        using var _ = engine;
        using var reference = IsingEngine.Create(BackendKind.Managed);
        var self = IsingSystem.SeedPattern(20, 1);
        var other = IsingSystem.SpinGlass(20, 2);

        EmpathyResult before = engine.Empathy(self, other, 5);
        Assert.That(engine.Backend, Is.EqualTo(BackendKind.Gpu));
        Assert.That(engine.FallbackReason, Is.Null);

        gpu.Armed = true;
        EmpathyResult during = engine.Empathy(self, other, 6);   // faults on the "GPU", completes on the CPU
        int callsAtSwitch = gpu.Calls;
        EmpathyResult after = engine.Empathy(self, other, 7);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(reference.Empathy(self, other, 5)));
            Assert.That(during, Is.EqualTo(reference.Empathy(self, other, 6)), "the faulted request is not lost");
            Assert.That(after, Is.EqualTo(reference.Empathy(self, other, 7)));
            Assert.That(engine.Backend, Is.EqualTo(BackendKind.Managed), "the engine now reports the CPU backend");
            Assert.That(engine.FallbackReason, Does.Contain("hipErrorLaunchFailure").And.Contain("managed"));
            Assert.That(gpu.Calls, Is.EqualTo(callsAtSwitch), "the faulted GPU is retired, not retried");
        });
    }

    [Test]
    public void ADeviceFaultDuringASetCallRebuildsTheSetOnTheCpuAndReplaysIt()
    {
        var (engine, gpu) = EngineWithFaultingGpu(new NativeBackendException((int)IsnStatus.DeviceError,
            "hipErrorLaunchFailure (native status 4 DeviceError)"));
        using var _ = engine;
        using var reference = IsingEngine.Create(BackendKind.Managed);
        var agents = Enumerable.Range(0, 6).Select(i => IsingSystem.SeedPattern(12, (ulong)(40 + i))).ToArray();
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 30 } };
        using AgentSet set = engine.CreateAgentSet(agents);
        EmpathyResult before = set.Empathy(0, 1, 3, options);

        gpu.Armed = true;
        agents[2].SetSpins(Support.Systems.Negated(agents[2].Spins));   // a pending push, replayed too
        var scores = new double[36];
        set.EmpathyMatrix(11, scores, options);                          // faults on the "GPU", completes on the CPU
        int callsAtSwitch = gpu.Calls;
        EmpathyResult after = set.Empathy(2, 3, 4, options);

        var expected = new double[36];
        reference.EmpathyMatrix(agents, 11, expected, options);
        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(reference.Empathy(agents[0], agents[1], 3, options)));
            Assert.That(scores, Is.EqualTo(expected), "the faulted matrix is not lost");
            Assert.That(after, Is.EqualTo(reference.Empathy(agents[2], agents[3], 4, options)));
            Assert.That(engine.Backend, Is.EqualTo(BackendKind.Managed));
            Assert.That(engine.FallbackReason, Does.Contain("hipErrorLaunchFailure"));
            Assert.That(gpu.Calls, Is.EqualTo(callsAtSwitch), "the faulted GPU set is retired, not retried");
        });
    }

    [Test]
    public void ALostDeviceAlsoFallsBack()
    {
        var (engine, gpu) = EngineWithFaultingGpu(new BackendUnavailableException(BackendKind.Gpu, "device removed"));
        using var _ = engine;
        gpu.Armed = true;
        var systems = new[] { IsingSystem.SeedPattern(8, 1), IsingSystem.SpinGlass(9, 2) };
        var results = new Observables[2];
        engine.ObserveBatch(systems, results);
        Assert.That(results[1], Is.EqualTo(systems[1].Observe()));
        Assert.That(engine.FallbackReason, Does.Contain("device removed"));
    }

    [Test]
    public void ArgumentErrorsAndInternalErrorsAreNotDeviceFaults()
    {
        var (engine, gpu) = EngineWithFaultingGpu(new NativeBackendException((int)IsnStatus.Internal, "a bug (native status 6 Internal)"));
        using var _ = engine;
        gpu.Armed = true;
        var spins = new sbyte[10];
        Assert.Throws<NativeBackendException>(() => engine.Anneal(IsingSystem.SeedPattern(10, 1), 1, spins));
        Assert.That(engine.FallbackReason, Is.Null, "an internal error is reported, not papered over");
        Assert.That(engine.Backend, Is.EqualTo(BackendKind.Gpu));
    }
}
