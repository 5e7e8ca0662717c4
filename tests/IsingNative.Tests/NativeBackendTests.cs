using IsingNative.Backends.Native;
using IsingNative.Interop;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The native backends' own obligations: native statuses become the API's exceptions with
/// the library's message, single calls allocate nothing, contexts are released, concurrent
/// single calls (pooled one-thread contexts) stay correct.
/// </summary>
public class NativeBackendTests
{
    [Test]
    public void StatusesMapToTheDocumentedExceptions()
    {
        Assert.That(NativeErrors.Create(IsnStatus.InvalidArgument, BackendKind.NativeCpu, "f: argument 'x' = 3"),
            Is.TypeOf<ArgumentException>().With.Message.EqualTo("f: argument 'x' = 3"));
        // The reason without the C function's name; the message says what a .NET caller can do.
        var unavailable = NativeErrors.Create(IsnStatus.DeviceUnavailable, BackendKind.Gpu, "isn_context_create_gpu: no GPU");
        Assert.That(unavailable, Is.TypeOf<BackendUnavailableException>());
        var u = (BackendUnavailableException)unavailable;
        Assert.That(u.Backend, Is.EqualTo(BackendKind.Gpu));
        Assert.That(u.Reason, Is.EqualTo("no GPU"));
        Assert.That(u.Message, Does.StartWith("backend gpu is unavailable: no GPU.").And.Contain("BackendKind.Auto").And.Not.Contain("isn_"));
        foreach (IsnStatus s in new[] { IsnStatus.DeviceError, IsnStatus.OutOfMemory, IsnStatus.Internal, IsnStatus.InvalidHandle })
        {
            var e = NativeErrors.Create(s, BackendKind.Gpu, "hipErrorLaunchFailure");
            Assert.That(e, Is.TypeOf<NativeBackendException>(), s.ToString());
            Assert.That(((NativeBackendException)e).Status, Is.EqualTo((int)s));
            Assert.That(e.Message, Does.Contain("hipErrorLaunchFailure"));
        }
    }

    [TestCaseSource(typeof(NativeBackends), nameof(NativeBackends.Kinds))]
    public unsafe void ANativeArgumentErrorCarriesTheLibrarysMessage(BackendKind kind)
    {
        NativeBackends.RequireAvailable(kind);
        using var engine = IsingEngine.Create(kind, 1);
        var system = IsingSystem.SpinGlass(8, 1);
        var states = new sbyte[8];
        var energies = new double[1];
        // The engine validates beta itself; the backend is called directly to reach the library's check.
        var e = Assert.Throws<ArgumentException>(() =>
        {
            fixed (sbyte* s = states)
            fixed (double* en = energies)
                engine.ComputeBackend.Sample(system.View(), -1.0, 1, 1, 0, 7, AcceptanceRule.Metropolis, null, s, en);
        })!;
        Assert.That(e.Message, Does.Contain("isn_sample").And.Contain("beta"));
        Assert.That(states, Is.All.EqualTo(0), "nothing written on failure");
    }

    [TestCaseSource(typeof(NativeBackends), nameof(NativeBackends.Kinds))]
    public void SingleCallsAllocateNothingInSteadyState(BackendKind kind)
    {
        NativeBackends.RequireAvailable(kind);
        using var engine = IsingEngine.Create(kind, 1);
        var self = IsingSystem.SeedPattern(20, 1);
        var other = IsingSystem.SpinGlass(20, 2);
        var spins = new sbyte[20];
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 50 } };
        double sink = 0;
        for (int k = 0; k < 20; k++) sink += Round(engine, self, other, spins, (ulong)k, options);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++) sink += Round(engine, self, other, spins, (ulong)k, options);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(sink, Is.Not.NaN);
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 100 rounds of Empathy, Anneal, Observe, Quick, CouplingSimilarity");
    }

    [Test]
    public void BatchesAllocateNothingInSteadyState()
    {
        NativeBackends.RequireAvailable(BackendKind.NativeCpu);
        using var engine = IsingEngine.Create(BackendKind.NativeCpu, 2);
        var agents = Enumerable.Range(0, 8).Select(k => IsingSystem.SpinGlass(12, (ulong)k)).ToArray();
        var pairs = Enumerable.Range(0, 64).Select(q => new EmpathyPair(agents[q % 8], agents[q / 8], (ulong)q)).ToArray();
        var results = new EmpathyResult[pairs.Length];
        var observed = new Observables[agents.Length];
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 20 } };
        for (int k = 0; k < 3; k++) { engine.EmpathyBatch(pairs, results, options); engine.ObserveBatch(agents, observed); }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10; k++) { engine.EmpathyBatch(pairs, results, options); engine.ObserveBatch(agents, observed); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(results.All(r => r.Trials == 200), Is.True);
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 10 rounds of EmpathyBatch(64) + ObserveBatch(8)");
    }

    private static double Round(IsingEngine engine, IsingSystem self, IsingSystem other, sbyte[] spins, ulong seed, EmpathyOptions options) =>
        engine.Empathy(self, other, seed, options).Score + engine.Anneal(other, seed, spins).Energy
        + engine.Observe(other).Energy + engine.Quick(self, other).Score + engine.CouplingSimilarity(self, other);

    [Test]
    public void ConcurrentSingleCallsMatchTheManagedResults()
    {
        NativeBackends.RequireAvailable(BackendKind.NativeCpu);
        using var managed = IsingEngine.Create(BackendKind.Managed, 1);
        using var native = IsingEngine.Create(BackendKind.NativeCpu, 2);
        var systems = Enumerable.Range(0, 16).Select(k => IsingSystem.SpinGlass(10 + k, (ulong)k)).ToArray();
        var expected = new EmpathyResult[systems.Length * 8];
        var actual = new EmpathyResult[expected.Length];
        for (int q = 0; q < expected.Length; q++)
            expected[q] = managed.Empathy(systems[q % 16], systems[q % 16], (ulong)q);
        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            q => actual[q] = native.Empathy(systems[q % 16], systems[q % 16], (ulong)q));
        for (int q = 0; q < expected.Length; q++) Bits.Same(expected[q], actual[q], $"call {q}");
    }

    [Test]
    public void ContextsAreReleasedAndDescribeThemselves()
    {
        NativeBackends.RequireLibrary();
        var handle = NativeContextHandle.CreateCpu(2);
        Assert.That(handle.Describe(BackendKind.NativeCpu), Does.Contain("cpu").And.Contain("2"));
        handle.Dispose();
        Assert.That(handle.IsClosed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => handle.Describe(BackendKind.NativeCpu));

        var engine = IsingEngine.Create(BackendKind.NativeCpu, 1);
        engine.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.Observe(IsingSystem.SpinGlass(4, 1)));
    }
}
