using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>Z2 symmetry (MODEL.md §4): with h = 0, s and -s are equally valid states.</summary>
public class Z2SymmetryTests
{
    [TestCaseSource(typeof(Engines), nameof(Engines.Available))]
    public void EmpathyIsInvariantUnderFlippingTheOthersActualSpins(BackendKind backend)
    {
        using var engine = IsingEngine.Create(backend);
        for (ulong seed = 0; seed < 15; seed++)
        {
            int n = 8 + (int)seed;
            var self = IsingSystem.SeedPattern(n, seed);
            var other = IsingSystem.SpinGlass(n, seed + 100);   // h = 0
            var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 5 + (int)seed } };
            EmpathyResult a = engine.Empathy(self, other, seed, options);
            other.SetSpins(Systems.Negated(other.Spins));
            EmpathyResult b = engine.Empathy(self, other, seed, options);
            // The flipped comparison divides integer counts, max(agree, n - agree)/n
            // (ALGORITHM.md §5), so the invariance is exact, bit for bit.
            Assert.Multiple(() =>
            {
                Assert.That(b.StateOverlap, Is.EqualTo(a.StateOverlap), $"overlap, seed {seed}");
                Assert.That(b.ActualEnergy, Is.EqualTo(a.ActualEnergy), $"actual energy, seed {seed}");
                Assert.That(b.EnergyError, Is.EqualTo(a.EnergyError), $"energy error, seed {seed}");
                Assert.That(b.MagnetizationError, Is.EqualTo(a.MagnetizationError), $"magnetization error, seed {seed}");
                Assert.That(b.Score, Is.EqualTo(a.Score), $"score, seed {seed}");
            });
        }
    }

    [Test]
    public void WithAFieldFlippingTheActualSpinsChangesTheActualEnergy()
    {
        // Control: the symmetry is a property of h = 0, not an artefact of ignoring spins.
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var self = IsingSystem.SeedPattern(12, 1);
        var other = Systems.Random(12, 3, hScale: 0.5);
        EmpathyResult a = engine.Empathy(self, other, 1);
        other.SetSpins(Systems.Negated(other.Spins));
        EmpathyResult b = engine.Empathy(self, other, 1);
        Assert.That(b.StateOverlap, Is.EqualTo(a.StateOverlap), "the overlap is Z2-symmetric by definition");
        Assert.That(b.ActualEnergy, Is.Not.EqualTo(a.ActualEnergy));
    }
}
