using IsingNative.Core;

namespace IsingNative.Tests;

/// <summary>The system generators (MODEL.md §1, ALGORITHM.md §8).</summary>
public class GeneratorTests
{
    private static double U53(uint a, uint b) =>
        ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);

    [Test]
    public void SeedPatternFollowsTheDocumentedStreams()
    {
        const int n = 13;
        const ulong seed = 0xDEADBEEF_00C0FFEEUL;
        uint k0 = unchecked((uint)seed), k1 = (uint)(seed >> 32);
        var sys = IsingSystem.SeedPattern(n, seed);
        for (int i = 0; i < n; i++)
        {
            Assert.That(sys.Couplings[i * n + i], Is.EqualTo(0.0));
            for (int j = i + 1; j < n; j++)
            {
                ulong index = (ulong)(i * n + j);
                PhiloxWords w = Philox4x32.Generate((uint)index, 0, 5, 0, k0, k1);
                double expected = ((i + j) % 3 == 0 ? 1.0 : 0.5) * (0.7 + 0.6 * U53(w.W0, w.W1));
                Assert.That(sys.Couplings[i * n + j], Is.EqualTo(expected), $"J[{i},{j}]");
                Assert.That(sys.Couplings[j * n + i], Is.EqualTo(expected), $"J[{j},{i}]");
            }
            PhiloxWords f = Philox4x32.Generate((uint)i, 0, 5, 1, k0, k1);
            Assert.That(sys.Fields[i], Is.EqualTo(0.1 * (U53(f.W0, f.W1) - 0.5)), $"h[{i}]");
            PhiloxWords s = Philox4x32.Generate((uint)i, 0, 5, 2, k0, k1);
            Assert.That(sys.Spins[i], Is.EqualTo((s.W0 >> 31) != 0 ? (sbyte)1 : (sbyte)-1), $"s[{i}]");
        }
        Assert.That(sys.HasSpins, Is.True);
    }

    [Test]
    public void SeedPatternRanges()
    {
        var sys = IsingSystem.SeedPattern(60, 4);
        int n = sys.Size, up = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.That(sys.Fields[i], Is.InRange(-0.05, 0.05));
            if (sys.Spins[i] == 1) up++;
            for (int j = i + 1; j < n; j++)
            {
                double lo = (i + j) % 3 == 0 ? 0.7 : 0.35, hi = (i + j) % 3 == 0 ? 1.3 : 0.65;
                Assert.That(sys.Couplings[i * n + j], Is.GreaterThanOrEqualTo(lo).And.LessThan(hi), $"J[{i},{j}]");
            }
        }
        Assert.That(up, Is.InRange(15, 45), "spins roughly balanced (Binomial(60, ½): 4 sd)");
    }

    [Test]
    public void SpinGlassHasStandardDeviationOneOverSqrtN()
    {
        // n = 200: 19 900 couplings. Mean 0 ± 5·σ/√m, variance 1/n within 5 % (≈ 5 sd of the sample variance).
        const int n = 200;
        var sys = IsingSystem.SpinGlass(n, 11);
        var values = new List<double>();
        for (int i = 0; i < n; i++)
        {
            Assert.That(sys.Fields[i], Is.EqualTo(0.0));
            for (int j = i + 1; j < n; j++)
            {
                Assert.That(sys.Couplings[j * n + i], Is.EqualTo(sys.Couplings[i * n + j]));
                values.Add(sys.Couplings[i * n + j]);
            }
        }
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        double sigma = 1 / Math.Sqrt(n);
        Assert.That(mean, Is.EqualTo(0).Within(5 * sigma / Math.Sqrt(values.Count)));
        Assert.That(variance * n, Is.EqualTo(1.0).Within(0.05));
        // Gaussian tails: about 4.55 % beyond 2σ.
        double beyond = values.Count(v => Math.Abs(v) > 2 * sigma) / (double)values.Count;
        Assert.That(beyond, Is.EqualTo(0.0455).Within(0.008));
    }

    [Test]
    public void GeneratorsAreDeterministicAndSeedDependent()
    {
        Assert.That(IsingSystem.SpinGlass(20, 5).Couplings.ToArray(), Is.EqualTo(IsingSystem.SpinGlass(20, 5).Couplings.ToArray()));
        Assert.That(IsingSystem.SpinGlass(20, 6).Couplings.ToArray(), Is.Not.EqualTo(IsingSystem.SpinGlass(20, 5).Couplings.ToArray()));
        Assert.That(IsingSystem.SeedPattern(20, 6).Couplings.ToArray(), Is.Not.EqualTo(IsingSystem.SeedPattern(20, 5).Couplings.ToArray()));
        Assert.That(IsingSystem.SeedPattern(20, 5).Id, Is.Not.EqualTo(IsingSystem.SeedPattern(20, 5).Id), "each system has its own identity");
    }
}
