using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// What the native set moves and refuses, seen from .NET: on a GPU (real or emulated) the
/// AgentSet's pushes upload exactly the changed member (its J, h, spins and two per-member
/// constants; only spins and energy after a spin-only change) and a matrix uploads nothing;
/// a set passed with another context is an invalid handle.
/// </summary>
public class NativeAgentSetTests
{
    [TestCase(BackendKind.NativeCpu)]
    [TestCase(BackendKind.Gpu)]
    public void PushesUploadOnlyTheChangedMember(BackendKind backend)
    {
        NativeBackends.RequireAvailable(backend);
        using var engine = IsingEngine.Create(backend, 2);
        const int k = 40, n = 16;
        var agents = Enumerable.Range(0, k).Select(i => IsingSystem.SpinGlass(n, (ulong)(300 + i))).ToArray();
        using AgentSet set = engine.CreateAgentSet(agents);
        var native = (IsingNative.Backends.Native.NativeAgentSet)set.BackendSet;
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 2, TrialsPerStep = 2 } };
        var scores = new double[k * k];
        var (h0, d0) = native.TransferStats();
        set.EmpathyMatrix(1, scores, options);
        var (h1, d1) = native.TransferStats();

        agents[7].SetCouplings(IsingSystem.SeedPattern(n, 5).Couplings);
        set.EmpathyMatrix(1, scores, options);
        var (h2, d2) = native.TransferStats();

        agents[8].SetSpins(Systems.Negated(agents[8].Spins));
        set.EmpathyMatrix(1, scores, options);
        var (h3, d3) = native.TransferStats();

        Assert.That(set.MemberPushes, Is.EqualTo(1));
        Assert.That(set.SpinPushes, Is.EqualTo(1));
        if (backend == BackendKind.NativeCpu)
        {
            Assert.That(new[] { h0, d0, h3, d3 }, Is.All.Zero, "a CPU context copies nothing to a device");
            return;
        }
        const long memberBytes = n * n * 8 + n * 8 + n;
        Assert.Multiple(() =>
        {
            Assert.That(h1 - h0, Is.Zero, "a matrix over a resident set uploads nothing");
            Assert.That(d1 - d0, Is.EqualTo(k * k * 8L), "and downloads its scores only");
            Assert.That(h2 - h1, Is.EqualTo(memberBytes + 16), "a J change: that member's J, h, spins, norm and energy");
            Assert.That(h3 - h2, Is.EqualTo(n + 8L), "a spin change: that member's spins and energy");
        });
    }

    [Test]
    public unsafe void ASetPassedWithAnotherContextIsAnInvalidHandle()
    {
        NativeBackends.RequireAvailable(BackendKind.NativeCpu);
        using var a = IsingEngine.Create(BackendKind.NativeCpu, 1);
        using var b = IsingEngine.Create(BackendKind.NativeCpu, 1);
        using AgentSet set = a.CreateAgentSet([IsingSystem.SeedPattern(6, 1), IsingSystem.SeedPattern(6, 2)]);
        using AgentSet other = b.CreateAgentSet([IsingSystem.SeedPattern(6, 3)]);
        var mine = ((IsingNative.Backends.Native.NativeAgentSet)set.BackendSet).Handle;
        var theirs = ((IsingNative.Backends.Native.NativeAgentSet)other.BackendSet).Handle;
        var results = new Interop.IsnObservables[2];
        fixed (Interop.IsnObservables* r = results)
        {
            var status = Interop.IsingNativeApi.isn_set_observe(new Interop.IsnContextHandle(theirs.Context.DangerousGetHandle()),
                new Interop.IsnAgentSetHandle(mine.DangerousGetHandle()), null, 2, r);
            Assert.That(status, Is.EqualTo(Interop.IsnStatus.InvalidHandle));
        }
        Assert.That(IsingNative.Backends.Native.NativeErrors.LastMessage(), Does.Contain("context").IgnoreCase);
        Assert.That(results, Is.All.EqualTo(default(Interop.IsnObservables)), "nothing written");
    }
}
