namespace IsingNative.Tests;

/// <summary>
/// The hot path allocates nothing in steady state (PERFORMANCE.md: 0 B per empathy). A
/// functional property measured on the current thread, not a speed.
/// </summary>
public class AllocationTests
{
    [Test]
    public void EmpathyAllocatesNothingInSteadyState()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var self = IsingSystem.SeedPattern(20, 1);
        var other = IsingSystem.SeedPattern(20, 2);
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 50 } };
        double sink = 0;
        for (int k = 0; k < 20; k++) sink += engine.Empathy(self, other, (ulong)k, options).Score;   // warm-up: JIT, pools, cache

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++) sink += engine.Empathy(self, other, (ulong)k, options).Score;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(sink, Is.GreaterThan(0));
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 100 Empathy calls");
    }

    [Test]
    public void AnnealAndQuickAllocateNothingInSteadyState()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var self = IsingSystem.SeedPattern(20, 1);
        var other = IsingSystem.SpinGlass(20, 2);
        var spins = new sbyte[20];
        double sink = 0;
        for (int k = 0; k < 20; k++) sink += engine.Anneal(other, (ulong)k, spins).Energy + engine.Quick(self, other).Score;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++) sink += engine.Anneal(other, (ulong)k, spins).Energy + engine.Quick(self, other).Score;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(sink, Is.Not.NaN);
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 100 Anneal + Quick calls");
    }
}
