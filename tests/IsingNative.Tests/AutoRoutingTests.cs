using IsingNative.Backends;
using IsingNative.Backends.Native;
using IsingNative.Core;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Issue 22 part 3: Auto on the native CPU engine routes each operation family to the faster
/// bit-identical engine (<see cref="AutoRoutedBackend.Table"/>; docs/PERFORMANCE.md, "Auto, per
/// operation"): observe batches go to the managed engine, everything else stays native. Explicit
/// backends are never routed.
/// </summary>
public class AutoRoutingTests
{
    /// <summary>Counts the calls of each family, then delegates.</summary>
    private sealed class Counting(IComputeBackend inner) : IComputeBackend
    {
        public int Observes, Empathies, Anneals, Sets;
        public BackendKind Kind => inner.Kind;
        public string Name => inner.Name;
        public void Anneal(ReadOnlySpan<AnnealTask> t, in AnnealParams p, Span<AnnealStats> r) { Anneals++; inner.Anneal(t, p, r); }
        public void Empathy(ReadOnlySpan<EmpathyTask> t, in AnnealParams p, in ScoreWeights w, Span<EmpathyResult> r) { Empathies++; inner.Empathy(t, p, w, r); }
        public void Estimate(ReadOnlySpan<EmpathyTask> t, in QuickParams p, Span<QuickEstimate> r) => inner.Estimate(t, p, r);
        public void Observe(ReadOnlySpan<SystemView> s, Span<Observables> r) { Observes++; inner.Observe(s, r); }
        public double CouplingNormSquared(SystemView s) => inner.CouplingNormSquared(s);
        public double CouplingSimilarity(SystemView a, SystemView b, double na, double nb) => inner.CouplingSimilarity(a, b, na, nb);
        public unsafe TrialCounts Sample(SystemView s, double beta, int m, int thin, int burn, ulong seed, AcceptanceRule rule,
            sbyte* start, sbyte* states, double* energies) => inner.Sample(s, beta, m, thin, burn, seed, rule, start, states, energies);
        public IBackendAgentSet CreateSet(ReadOnlySpan<SystemView> m, ReadOnlySpan<double> norms) { Sets++; return inner.CreateSet(m, norms); }
        public void Dispose() => inner.Dispose();
    }

    private static IsingSystem[] Systems(int count)
        => Enumerable.Range(0, count).Select(i => i % 3 == 0 ? IsingSystem.SpinGlass(8 + i % 17, (ulong)(40 + i)) : IsingSystem.SeedPattern(8 + i % 17, (ulong)(40 + i))).ToArray();

    [Test]
    public void TheRoutingTableIsTheDocumentedOne()
    {
        // docs/PERFORMANCE.md, "Auto, per operation": one row per family, only Observe leaves native-cpu.
        Assert.That(AutoRoutedBackend.Table.Select(r => r.Operation), Is.EquivalentTo(Enum.GetValues<AutoOperation>()), "one row per family");
        foreach ((AutoOperation op, BackendKind engine) in AutoRoutedBackend.Table)
            Assert.That(engine, Is.EqualTo(op == AutoOperation.Observe ? BackendKind.Managed : BackendKind.NativeCpu), op.ToString());
    }

    [Test]
    public void AutosObserveBatchNeverCallsTheNativeEngineAndEverythingElseDoes()
    {
        NativeBackends.RequireAvailable(BackendKind.NativeCpu);
        var native = new Counting(NativeBackend.CreateCpu(2));
        var managed = new Counting(new ManagedBackend(2));
        using IsingEngine engine = IsingEngine.CreateWith(new AutoRoutedBackend(native, managed), 2);
        Assert.That((engine.Backend, engine.BackendName), Is.EqualTo((BackendKind.NativeCpu, "native-cpu")), "Auto still reports its choice");

        IsingSystem[] systems = Systems(100);
        var results = new Observables[100];
        engine.ObserveBatch(systems, results);
        engine.Observe(systems[0]);
        Assert.That(native.Observes, Is.Zero, "no observe reached the native engine");
        Assert.That(managed.Observes, Is.EqualTo(2));

        engine.Empathy(systems[1], systems[1], 3, EmpathyOptions.Default);
        using AgentSet set = engine.CreateAgentSet(systems[..4]);
        Assert.That((native.Empathies, native.Sets), Is.EqualTo((1, 1)), "empathies and agent sets stay native");
        Assert.That((managed.Empathies, managed.Sets), Is.EqualTo((0, 0)));
    }

    [Test]
    public void AutosObserveBatchIsBitIdenticalToManagedAndNativeCpu()
    {
        NativeBackends.RequireAvailable(BackendKind.NativeCpu);
        IsingSystem[] systems = Systems(100);
        using IsingEngine auto = IsingEngine.CreateWith(new AutoRoutedBackend(NativeBackend.CreateCpu(2), new ManagedBackend(2)), 2);
        using IsingEngine nativeCpu = IsingEngine.Create(BackendKind.NativeCpu, 2);
        using IsingEngine managed = IsingEngine.Create(BackendKind.Managed, 2);
        var a = new Observables[100];
        var n = new Observables[100];
        var m = new Observables[100];
        auto.ObserveBatch(systems, a);
        nativeCpu.ObserveBatch(systems, n);
        managed.ObserveBatch(systems, m);
        for (int i = 0; i < systems.Length; i++)
        {
            Bits.Same(n[i], a[i], $"system {i}: auto vs native-cpu");
            Bits.Same(m[i], a[i], $"system {i}: auto vs managed");
        }
    }

    [Test]
    public void AutoOnTheNativeCpuIsRoutedAndExplicitBackendsAreNot()
    {
        NativeBackends.RequireAvailable(BackendKind.NativeCpu);
        using (IsingEngine explicitNative = IsingEngine.Create(BackendKind.NativeCpu, 2))
            Assert.That(explicitNative.ComputeBackend, Is.InstanceOf<NativeBackend>(), "an explicit native-cpu engine is not routed");
        using (IsingEngine explicitManaged = IsingEngine.Create(BackendKind.Managed, 2))
            Assert.That(explicitManaged.ComputeBackend, Is.InstanceOf<ManagedBackend>());
        if (IsingEngine.AutoChoice != BackendKind.NativeCpu) Assert.Ignore("Auto is not the native CPU engine on this machine");
        using IsingEngine auto = IsingEngine.Create(BackendKind.Auto, 2);
        var routed = auto.ComputeBackend as AutoRoutedBackend;
        Assert.That(routed, Is.Not.Null, "Auto on the native CPU is the routed backend");
        Assert.That(routed!.For(AutoOperation.Observe), Is.InstanceOf<ManagedBackend>());
        Assert.That(routed.For(AutoOperation.Empathy), Is.InstanceOf<NativeBackend>());
        Assert.That(routed.For(AutoOperation.AgentSet), Is.InstanceOf<NativeBackend>());
        Assert.That(auto.BackendName, Is.EqualTo("native-cpu"));
    }
}
