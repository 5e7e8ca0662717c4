using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>Coupling similarity (MODEL.md §5, ALGORITHM.md §6).</summary>
public class CouplingSimilarityTests
{
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(BackendKind.Managed);
    [TearDown] public void TearDown() => _engine.Dispose();

    private static double[] Negate(ReadOnlySpan<double> j) => j.ToArray().Select(x => -x).ToArray();

    [Test]
    public void IdenticalCouplingsGiveExactlyOne()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var a = IsingSystem.SpinGlass(4 + seed, (ulong)seed);
            var b = a.Clone();
            Assert.That(_engine.CouplingSimilarity(a, b), Is.EqualTo(1.0), $"seed {seed}");
            Assert.That(_engine.CouplingSimilarity(a, a), Is.EqualTo(1.0), $"self, seed {seed}");
        }
    }

    [Test]
    public void NegatedCouplingsGiveExactlyZero()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var a = IsingSystem.SpinGlass(4 + seed, (ulong)seed);
            var b = IsingSystem.FromArrays(a.Size, Negate(a.Couplings), a.Fields, a.Spins);
            Assert.That(_engine.CouplingSimilarity(a, b), Is.EqualTo(0.0), $"seed {seed}");
        }
    }

    [Test]
    public void ZeroNormGivesOneHalf()
    {
        var zero = IsingSystem.FromArrays(3, new double[9], new double[3]);
        var some = IsingSystem.SeedPattern(3, 1);
        Assert.Multiple(() =>
        {
            Assert.That(_engine.CouplingSimilarity(zero, some), Is.EqualTo(0.5));
            Assert.That(_engine.CouplingSimilarity(some, zero), Is.EqualTo(0.5));
            Assert.That(_engine.CouplingSimilarity(zero, zero.Clone()), Is.EqualTo(0.5));
            // n = 1 has no upper triangle at all: both norms are 0.
            var one = IsingSystem.FromArrays(1, [0.0], [0.3]);
            Assert.That(_engine.CouplingSimilarity(one, one.Clone()), Is.EqualTo(0.5));
        });
    }

    [Test]
    public void HandWorkedCosine()
    {
        // Upper triangles (J01, J02, J12): a = (1, 0, 0), b = (1, 1, 0): cos = 1/√2.
        var a = IsingSystem.FromArrays(3, [0, 1, 0, 1, 0, 0, 0, 0, 0], new double[3]);
        var b = IsingSystem.FromArrays(3, [0, 1, 1, 1, 0, 0, 1, 0, 0], new double[3]);
        // Orthogonal: a = (1, 0, 0), c = (0, 0, 2): cos = 0 → 0.5.
        var c = IsingSystem.FromArrays(3, [0, 0, 0, 0, 0, 2, 0, 2, 0], new double[3]);
        Assert.Multiple(() =>
        {
            Assert.That(_engine.CouplingSimilarity(a, b), Is.EqualTo((1 + 1 / Math.Sqrt(2)) / 2).Within(1e-15));
            Assert.That(_engine.CouplingSimilarity(a, c), Is.EqualTo(0.5));
        });
    }

    [Test]
    public void ScaleInvariantAndSymmetricAndMatchesDefinition()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var a = IsingSystem.SpinGlass(3 + seed, (ulong)seed);
            var b = IsingSystem.SeedPattern(3 + seed, (ulong)seed + 100);
            var scaled = IsingSystem.FromArrays(b.Size, b.Couplings.ToArray().Select(x => 7.5 * x).ToArray(), b.Fields);
            double expected = Reference.CouplingSimilarity(a.Size, a.Couplings, b.Couplings);
            double ab = _engine.CouplingSimilarity(a, b);
            Assert.Multiple(() =>
            {
                Assert.That(ab, Is.EqualTo(expected).Within(1e-14), $"definition, seed {seed}");
                Assert.That(_engine.CouplingSimilarity(b, a), Is.EqualTo(ab).Within(1e-15), $"symmetry, seed {seed}");
                Assert.That(_engine.CouplingSimilarity(a, scaled), Is.EqualTo(ab).Within(1e-14), $"scale, seed {seed}");
                Assert.That(ab, Is.InRange(0.0, 1.0));
            });
        }
    }

    [Test]
    public void DiagonalAndLowerTriangleDoNotMatterButFieldsDoNot()
    {
        // Only the strict upper triangle of J enters; fields are irrelevant.
        var a = IsingSystem.SeedPattern(6, 1);
        var b = IsingSystem.SeedPattern(6, 2);
        var bOtherFields = IsingSystem.FromArrays(6, b.Couplings, [5, -5, 5, -5, 5, -5], b.Spins);
        Assert.That(_engine.CouplingSimilarity(a, bOtherFields), Is.EqualTo(_engine.CouplingSimilarity(a, b)));
    }

    [Test]
    public void DifferentSizesAreRejected()
    {
        var a = IsingSystem.SeedPattern(4, 1);
        var b = IsingSystem.SeedPattern(5, 1);
        var ex = Assert.Catch<ArgumentException>(() => _engine.CouplingSimilarity(a, b));
        Assert.That(ex!.Message, Does.Contain("4").And.Contain("5"));
    }
}
