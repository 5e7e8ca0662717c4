using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Each component of the empathy result (MODEL.md §4–6), recomputed by hand from the
/// predicted spins. The predicted spins are the anneal of the other's J, h with the pair's
/// seed, which <see cref="IsingEngine.Anneal"/> exposes with the same seed and options.
/// </summary>
[TestFixtureSource(typeof(Engines), nameof(Engines.Available))]
public class EmpathyFormulaTests(BackendKind backend)
{
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(backend);
    [TearDown] public void TearDown() => _engine.Dispose();

    private sbyte[] Predict(IsingSystem other, ulong seed, AnnealOptions? options = null)
    {
        var p = new sbyte[other.Size];
        _engine.Anneal(other, seed, p, options);
        return p;
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(10)]
    [TestCase(30)]
    [TestCase(38)]
    [TestCase(39)]
    [TestCase(40)]
    public void StateOverlapIsZ2Symmetric(int flipped)
    {
        // n = 40: flipping k sites of the prediction sets d = (40-k)/40 exactly; the overlap
        // must be max(d, 1-d). k ≤ 1 exercises the d > 0.95 branch (d = 1, 0.975), k ≥ 39
        // its mirror image (d = 0.025, 0) which needs the flipped comparison.
        const int n = 40;
        const ulong seed = 77;
        var self = IsingSystem.SeedPattern(n, 1);
        var other = IsingSystem.SeedPattern(n, 2);
        var p = Predict(other, seed);
        var actual = (sbyte[])p.Clone();
        for (int i = 0; i < flipped; i++) actual[(i * 7) % n] = (sbyte)-actual[(i * 7) % n];   // 7 is coprime to 40
        other.SetSpins(actual);

        double d = (n - flipped) / (double)n;
        EmpathyResult r = _engine.Empathy(self, other, seed);
        Assert.That(r.StateOverlap, Is.EqualTo(Math.Max(d, 1 - d)).Within(1e-15));
    }

    [Test]
    public void ComponentsMatchHandComputationWithDefaultWeights()
    {
        for (ulong seed = 0; seed < 12; seed++)
        {
            int n = 6 + (int)seed * 3;
            var self = IsingSystem.SeedPattern(n, seed + 1000);
            var other = seed % 2 == 0 ? IsingSystem.SeedPattern(n, seed + 2000) : IsingSystem.SpinGlass(n, seed + 2000);
            // A short anneal so predictions are imperfect and every component is non-trivial.
            var anneal = new AnnealOptions { Steps = 5, TrialsPerStep = 2 };
            var options = new EmpathyOptions { Anneal = anneal };
            var p = Predict(other, seed, anneal);
            EmpathyResult r = _engine.Empathy(self, other, seed, options);
            CheckComponents(self, other, p, r, EmpathyWeights.Default, $"seed {seed}");
        }
    }

    [Test]
    public void ScoreUsesSeedCodeWeights()
    {
        for (ulong seed = 0; seed < 8; seed++)
        {
            var self = IsingSystem.SeedPattern(20, seed + 1);
            var other = IsingSystem.SpinGlass(20, seed + 50);
            var options = new EmpathyOptions
            {
                Anneal = new AnnealOptions { Steps = 10, TrialsPerStep = 3 },
                Weights = EmpathyWeights.SeedCode,
            };
            var p = Predict(other, seed, options.Anneal);
            EmpathyResult r = _engine.Empathy(self, other, seed, options);
            CheckComponents(self, other, p, r, EmpathyWeights.SeedCode, $"seed {seed}");
            // The two weightings disagree on the same components (they weigh different things).
            EmpathyResult d = _engine.Empathy(self, other, seed, options with { Weights = EmpathyWeights.Default });
            Assert.That(d.StateOverlap, Is.EqualTo(r.StateOverlap));
            Assert.That(d.Score, Is.Not.EqualTo(r.Score));
        }
    }

    [Test]
    public void WeightsConstantsAreAsSpecified()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EmpathyWeights.Default, Is.EqualTo(new EmpathyWeights(0.4, 0.3, 0.3, 0.0)));
            Assert.That(EmpathyWeights.SeedCode, Is.EqualTo(new EmpathyWeights(0.30, 0.0, 0.60, 0.10)));
            Assert.That(EmpathyOptions.Default.Weights, Is.EqualTo(EmpathyWeights.Default));
        });
    }

    [Test]
    public void ScoreIsClampedToOne()
    {
        // Weights summing to 4 on a self-simulation: overlap ≥ 0.5 and similarity 1 alone exceed 1.
        var sys = IsingSystem.SeedPattern(12, 3);
        var r = _engine.Empathy(sys, sys, 9, new EmpathyOptions { Weights = new EmpathyWeights(1, 1, 1, 1) });
        Assert.That(r.CouplingSimilarity, Is.EqualTo(1.0));
        Assert.That(r.Score, Is.EqualTo(1.0));
    }

    [Test]
    public void EnergyErrorCanReachTwoAndTheScoreTermFloorsAtZero()
    {
        // Ferromagnetic pair J01 = 1, h = 0: the anneal finds an aligned ground state
        // (E = -1) while the actual state is anti-aligned (E = +1): error = 2/1 = 2, so
        // max(0, 1 - error) = 0 and an energy-only score is exactly 0.
        var other = IsingSystem.FromArrays(2, [0, 1, 1, 0], [0, 0], [1, -1]);
        var r = _engine.Empathy(other, other, 4, new EmpathyOptions { Weights = new EmpathyWeights(0, 1, 0, 0) });
        Assert.Multiple(() =>
        {
            Assert.That(r.PredictedEnergy, Is.EqualTo(-1.0));
            Assert.That(r.ActualEnergy, Is.EqualTo(1.0));
            Assert.That(r.EnergyError, Is.EqualTo(2.0));
            Assert.That(r.Score, Is.EqualTo(0.0));
            Assert.That(r.MagnetizationError, Is.EqualTo(1.0));   // |m_pred| = 1, |m_act| = 0
        });
    }

    [Test]
    public void EnergyErrorDenominatorIsAtLeastOne()
    {
        // Tiny energies: |Ep - Ea| / max(|Ep|, |Ea|, 1) uses 1, not the tiny energies.
        var other = IsingSystem.FromArrays(2, [0, 0.01, 0.01, 0], [0, 0], [1, -1]);
        var r = _engine.Empathy(other, other, 4);
        Assert.Multiple(() =>
        {
            Assert.That(r.PredictedEnergy, Is.EqualTo(-0.01));
            Assert.That(r.ActualEnergy, Is.EqualTo(0.01));
            Assert.That(r.EnergyError, Is.EqualTo(0.02).Within(1e-17));
        });
    }

    private static void CheckComponents(IsingSystem self, IsingSystem other, sbyte[] p, EmpathyResult r,
        EmpathyWeights w, string label)
    {
        int n = other.Size;
        int agree = 0;
        for (int i = 0; i < n; i++) if (p[i] == other.Spins[i]) agree++;
        double d = (double)agree / n;
        double overlap = d > 0.95 ? d : Math.Max(agree, n - agree) / (double)n;   // MODEL §4 with exact Z2 counting
        double ep = Reference.Energy(other, p), ea = Reference.Energy(other, other.Spins);
        double energyError = Math.Abs(ep - ea) / Math.Max(Math.Max(Math.Abs(ep), Math.Abs(ea)), 1.0);
        double magError = Math.Abs(Math.Abs(Reference.Magnetization(p)) - Math.Abs(Reference.Magnetization(other.Spins)));
        double c = Reference.CouplingSimilarity(n, self.Couplings, other.Couplings);
        double score = Math.Clamp(w.Overlap * overlap + w.Energy * Math.Max(0, 1 - energyError)
            + w.Coupling * c + w.Magnetization * (1 - Math.Min(1, magError)), 0, 1);
        Assert.Multiple(() =>
        {
            Assert.That(r.StateOverlap, Is.EqualTo(overlap), $"overlap, {label}");
            Assert.That(r.PredictedEnergy, Is.EqualTo(ep).Within(1e-12), $"predicted energy, {label}");
            Assert.That(r.ActualEnergy, Is.EqualTo(ea).Within(1e-12), $"actual energy, {label}");
            Assert.That(r.EnergyError, Is.EqualTo(energyError).Within(1e-11), $"energy error, {label}");
            Assert.That(r.MagnetizationError, Is.EqualTo(magError).Within(1e-15), $"magnetization error, {label}");
            Assert.That(r.CouplingSimilarity, Is.EqualTo(c).Within(1e-14), $"coupling similarity, {label}");
            Assert.That(r.Score, Is.EqualTo(score).Within(1e-11), $"score, {label}");
        });
    }
}
