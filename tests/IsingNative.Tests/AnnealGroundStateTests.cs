using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>The anneal (MODEL.md §3) finds the exactly enumerated ground state for small n.</summary>
[TestFixtureSource(typeof(Engines), nameof(Engines.Available))]
public class AnnealGroundStateTests(BackendKind backend)
{
    private const int Seeds = 20;
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(backend);
    [TearDown] public void TearDown() => _engine.Dispose();

    private static (sbyte[] State, double Energy) GroundState(IsingSystem sys)
    {
        double[] e = Reference.EnumerateEnergies(sys);
        int best = 0;
        for (int k = 1; k < e.Length; k++) if (e[k] < e[best]) best = k;
        return (Reference.StateOf(sys.Size, best), e[best]);
    }

    /// <summary>Counts anneal seeds whose final spins are the ground state (or its mirror image when h = 0).</summary>
    private int Hits(IsingSystem sys, AnnealOptions options, bool z2)
    {
        var (ground, groundEnergy) = GroundState(sys);
        sbyte[] mirror = Systems.Negated(ground);
        int hits = 0;
        var spins = new sbyte[sys.Size];
        for (ulong seed = 0; seed < Seeds; seed++)
        {
            AnnealStats stats = _engine.Anneal(sys, seed, spins, options);
            Assert.That(stats.Energy, Is.EqualTo(Reference.Energy(sys, spins)).Within(1e-12), "reported energy is that of the spins");
            Assert.That(stats.Energy, Is.GreaterThanOrEqualTo(groundEnergy - 1e-12), "nothing is below the ground state");
            if (spins.SequenceEqual(ground) || (z2 && spins.SequenceEqual(mirror))) hits++;
        }
        TestContext.Out.WriteLine($"n={sys.Size}: ground state found by {hits}/{Seeds} seeds");
        return hits;
    }

    [TestCase(12, 1)]
    [TestCase(14, 2)]
    [TestCase(16, 3)]
    public void FindsSpinGlassGroundStateUpToZ2(int n, int systemSeed)
    {
        // SK couplings, h = 0: s and -s are both ground states.
        var sys = IsingSystem.SpinGlass(n, (ulong)systemSeed);
        var options = new AnnealOptions { Steps = 3000, TrialsPerStep = 10 };
        Assert.That(Hits(sys, options, z2: true), Is.GreaterThanOrEqualTo(Seeds * 8 / 10));
    }

    [TestCase(10, 1)]
    [TestCase(14, 2)]
    [TestCase(16, 3)]
    public void FindsUniqueGroundStateWithFields(int n, int systemSeed)
    {
        // SK couplings plus random fields h_i ~ N(0, 2): the fields select one ground state
        // (no Z2 partner) by a clear margin. With much weaker fields the landscape has
        // near-degenerate valleys (s* and nearly -s*) separated by O(n) barriers, and the
        // anneal freezes into one of them almost by chance: that is physics, not a defect,
        // so such systems cannot support an "≥ 80% of seeds" assertion.
        var couplings = IsingSystem.SpinGlass(n, (ulong)systemSeed).Couplings;
        var sys = IsingSystem.FromArrays(n, couplings, Systems.RandomFields(n, new Random(systemSeed), 2.0));
        var options = new AnnealOptions { Steps = 1000, TrialsPerStep = 10 };
        Assert.That(Hits(sys, options, z2: false), Is.GreaterThanOrEqualTo(Seeds * 8 / 10));
    }

    [Test]
    public void FindsSeedPatternGroundStateWithDefaultSchedule()
    {
        // The original workload: seed-pattern agents, default 100 × 10 schedule. The couplings
        // are all ferromagnetic and the fields tiny (|h_i| ≤ 0.05), so which of the two aligned
        // states the anneal freezes into is nearly a coin toss once the system orders; the
        // anneal must find an aligned state, i.e. the ground state up to Z2.
        var sys = IsingSystem.SeedPattern(12, 9);
        Assert.That(Hits(sys, AnnealOptions.Default, z2: true), Is.GreaterThanOrEqualTo(Seeds * 8 / 10));
    }

    [Test]
    public void AnnealIgnoresTheSystemsOwnSpins()
    {
        // The Theory-of-Mind anneal sees only J and h: changing the spins changes nothing.
        var a = IsingSystem.SpinGlass(20, 1);
        var b = a.Clone();
        b.SetSpins(Systems.Negated(a.Spins));
        var sa = new sbyte[20];
        var sb = new sbyte[20];
        var opts = new AnnealOptions { Steps = 7 };
        AnnealStats ra = _engine.Anneal(a, 5, sa, opts), rb = _engine.Anneal(b, 5, sb, opts);
        Assert.That(sb, Is.EqualTo(sa));
        Assert.That(rb, Is.EqualTo(ra));
    }

    [Test]
    public void StatsCountTrials()
    {
        var sys = IsingSystem.SpinGlass(20, 1);
        var stats = _engine.Anneal(sys, 1, new sbyte[20], new AnnealOptions { Steps = 37, TrialsPerStep = 3 });
        Assert.That(stats.Steps, Is.EqualTo(37));
        Assert.That(stats.Trials, Is.EqualTo(111));
        Assert.That(stats.Accepted, Is.InRange(1, 111));
    }
}
