using IsingNative.Core;

namespace IsingNative.Tests;

/// <summary>The compassionate response (MODEL.md §8, ALGORITHM.md §11).</summary>
public class CompassionTests
{
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(BackendKind.Managed);
    [TearDown] public void TearDown() => _engine.Dispose();

    [TestCase(0.9, 0.1)]
    [TestCase(0.5000001, 0.1)]
    [TestCase(1.0, 0.35)]
    public void HighScoreBlendsCouplingsExactly(double score, double strength)
    {
        var self = IsingSystem.SeedPattern(9, 1);
        var other = IsingSystem.SpinGlass(9, 2);
        double[] js = self.Couplings.ToArray(), jo = other.Couplings.ToArray();
        sbyte[] spins = self.Spins.ToArray();
        double[] fields = self.Fields.ToArray();
        long version = self.Version;

        double b = _engine.CompassionateResponse(self, other, score, 7, strength);

        Assert.That(b, Is.EqualTo(strength * score), "returns b = strength·score");
        Assert.That(self.Version, Is.Not.EqualTo(version), "Version bumped");
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 9; j++)
            {
                double expected = i == j ? 0.0 : (1 - b) * js[Math.Min(i, j) * 9 + Math.Max(i, j)] + b * jo[Math.Min(i, j) * 9 + Math.Max(i, j)];
                Assert.That(self.Couplings[i * 9 + j], Is.EqualTo(expected), $"J[{i},{j}]");
            }
        Assert.That(self.Spins.ToArray(), Is.EqualTo(spins), "spins untouched by the blend");
        Assert.That(self.Fields.ToArray(), Is.EqualTo(fields), "fields untouched");
        Assert.That(other.Couplings.ToArray(), Is.EqualTo(jo), "other untouched");
    }

    [Test]
    public void BlendMovesSimilarityTowardsOther()
    {
        var self = IsingSystem.SpinGlass(12, 1);
        var other = IsingSystem.SpinGlass(12, 2);
        double before = _engine.CouplingSimilarity(self, other);
        _engine.CompassionateResponse(self, other, 0.8, 1, strength: 0.5);
        Assert.That(_engine.CouplingSimilarity(self, other), Is.GreaterThan(before));
    }

    [TestCase(0.5)]
    [TestCase(0.2)]
    [TestCase(0.0)]
    public void LowScoreFlipsExactlyTheSitesOfTheCompassionStream(double score)
    {
        // ALGORITHM.md §11: site i flips iff u53(w0, w1) < τ of draw (counter (i, 0, 4, 0),
        // key = seed). Score exactly 0.5 is not "> 0.5", so it flips too.
        const int n = 300;
        ulong seed = 0x1234_5678_9ABC_DEF0UL;   // not const: the key split below truncates at run time
        const double noise = 0.3;
        var self = IsingSystem.SeedPattern(n, 5);
        var other = IsingSystem.SeedPattern(n, 6);
        sbyte[] before = self.Spins.ToArray();
        double[] couplings = self.Couplings.ToArray();
        long version = self.Version;

        double tau = _engine.CompassionateResponse(self, other, score, seed, noise: noise);

        Assert.That(tau, Is.EqualTo(noise * (1 - score)));
        Assert.That(self.Version, Is.Not.EqualTo(version));
        Assert.That(self.Couplings.ToArray(), Is.EqualTo(couplings), "couplings untouched by the noise");
        for (int i = 0; i < n; i++)
        {
            PhiloxWords w = Philox4x32.Generate((uint)i, 0, 4, 0, (uint)seed, (uint)(seed >> 32));
            double u = ((double)(w.W0 >> 5) * 67108864.0 + (double)(w.W1 >> 6)) * (1.0 / 9007199254740992.0);
            sbyte expected = u < tau ? (sbyte)-before[i] : before[i];
            Assert.That(self.Spins[i], Is.EqualTo(expected), $"site {i}");
        }
    }

    [Test]
    public void FlipRateIsNearTauAndDeterministicPerSeed()
    {
        const int n = 1500;
        const double score = 0.25, noise = 0.4;   // τ = 0.3
        int flips = 0, total = 0;
        for (ulong seed = 0; seed < 6; seed++)
        {
            var a = IsingSystem.SeedPattern(n, 11);
            var b = a.Clone();
            var other = IsingSystem.SeedPattern(n, 12);
            sbyte[] before = a.Spins.ToArray();
            _engine.CompassionateResponse(a, other, score, seed, noise: noise);
            _engine.CompassionateResponse(b, other, score, seed, noise: noise);
            Assert.That(b.Spins.ToArray(), Is.EqualTo(a.Spins.ToArray()), "same seed, same flips");
            for (int i = 0; i < n; i++) if (a.Spins[i] != before[i]) flips++;
            total += n;
        }
        // Binomial(9000, 0.3): sd = sqrt(0.3·0.7/9000) ≈ 0.0048; allow 5 sd.
        double rate = (double)flips / total;
        TestContext.Out.WriteLine($"flip rate {rate:F4} for tau 0.3");
        Assert.That(rate, Is.EqualTo(0.3).Within(0.025));

        var c = IsingSystem.SeedPattern(n, 11);
        var d = c.Clone();
        _engine.CompassionateResponse(c, d, score, 100, noise: noise);
        _engine.CompassionateResponse(d, c.Clone(), score, 101, noise: noise);
        Assert.That(d.Spins.ToArray(), Is.Not.EqualTo(c.Spins.ToArray()), "different seeds, different flips");
    }
}
