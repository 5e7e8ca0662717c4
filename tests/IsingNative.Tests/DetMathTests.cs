using IsingNative.Core;

namespace IsingNative.Tests;

/// <summary>
/// det_exp / det_log / det_tanh (ALGORITHM.md §2) against the runtime's libm over many
/// values and the edge cases. Identity across backends is their purpose; closeness to libm
/// shows they are the right functions.
/// </summary>
public class DetMathTests
{
    /// <summary>Distance in units in the last place (0 for equal values, incl. +0 vs -0).</summary>
    private static long Ulps(double a, double b)
    {
        if (a == b) return 0;
        long ia = BitConverter.DoubleToInt64Bits(a), ib = BitConverter.DoubleToInt64Bits(b);
        // Map to a monotone integer line so that values around 0 compare correctly.
        if (ia < 0) ia = long.MinValue - ia;
        if (ib < 0) ib = long.MinValue - ib;
        return Math.Abs(ia - ib);
    }

    private static IEnumerable<double> Uniform(double lo, double hi, int count, int seed)
    {
        var rng = new Random(seed);
        for (int k = 0; k < count; k++) yield return lo + (hi - lo) * rng.NextDouble();
    }

    [Test]
    public void ExpEdgeCases()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DetMath.Exp(0.0), Is.EqualTo(1.0));
            Assert.That(DetMath.Exp(-0.0), Is.EqualTo(1.0));
            Assert.That(DetMath.Exp(double.NaN), Is.NaN);
            Assert.That(DetMath.Exp(double.PositiveInfinity), Is.EqualTo(double.PositiveInfinity));
            Assert.That(DetMath.Exp(double.NegativeInfinity), Is.EqualTo(0.0));
            Assert.That(DetMath.Exp(710.0), Is.EqualTo(double.PositiveInfinity));
            Assert.That(DetMath.Exp(-746.0), Is.EqualTo(0.0));
            Assert.That(DetMath.Exp(1.0), Is.EqualTo(Math.E).Within(1).Ulps);
            Assert.That(DetMath.Exp(709.78), Is.EqualTo(Math.Exp(709.78)).Within(2).Ulps);
            Assert.That(DetMath.Exp(double.Epsilon), Is.EqualTo(1.0));       // subnormal argument
            Assert.That(DetMath.Exp(-double.Epsilon), Is.EqualTo(1.0).Within(1).Ulps);
        });
    }

    [Test]
    public void ExpWithinTwoUlpsOfLibm()
    {
        long worst = 0;
        foreach (double x in Uniform(-40, 40, 100_000, 1).Concat(Uniform(-708, 709, 50_000, 2)))
            worst = Math.Max(worst, Ulps(DetMath.Exp(x), Math.Exp(x)));
        TestContext.Out.WriteLine($"det_exp worst error on normal results: {worst} ulp");
        Assert.That(worst, Is.LessThanOrEqualTo(2));
    }

    [Test]
    public void ExpSubnormalResultsAreClose()
    {
        // Results below 2^-1022 lose precision by construction (fewer significant bits);
        // the relative error may grow but the value must stay within a couple of subnormal ulps.
        long worst = 0;
        foreach (double x in Uniform(-745, -708.5, 20_000, 3))
            worst = Math.Max(worst, Ulps(DetMath.Exp(x), Math.Exp(x)));
        TestContext.Out.WriteLine($"det_exp worst error on subnormal results: {worst} ulp");
        Assert.That(worst, Is.LessThanOrEqualTo(2));
    }

    [Test]
    public void LogEdgeCases()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DetMath.Log(1.0), Is.EqualTo(0.0));
            Assert.That(DetMath.Log(0.0), Is.EqualTo(double.NegativeInfinity));
            Assert.That(DetMath.Log(-0.0), Is.EqualTo(double.NegativeInfinity));
            Assert.That(DetMath.Log(-1.0), Is.NaN);
            Assert.That(DetMath.Log(double.NegativeInfinity), Is.NaN);
            Assert.That(DetMath.Log(double.NaN), Is.NaN);
            Assert.That(DetMath.Log(double.PositiveInfinity), Is.EqualTo(double.PositiveInfinity));
            Assert.That(DetMath.Log(2.0), Is.EqualTo(Math.Log(2.0)).Within(1).Ulps);
            Assert.That(DetMath.Log(double.Epsilon), Is.EqualTo(Math.Log(double.Epsilon)).Within(1).Ulps);
            Assert.That(DetMath.Log(double.MaxValue), Is.EqualTo(Math.Log(double.MaxValue)).Within(1).Ulps);
        });
    }

    [Test]
    public void LogWithinTwoUlpsOfLibm()
    {
        var rng = new Random(4);
        long worst = 0;
        for (int k = 0; k < 150_000; k++)
        {
            // Uniform mantissa and exponent across the whole range, subnormals included.
            double x = k % 3 == 0
                ? rng.NextDouble() * 4
                : BitConverter.Int64BitsToDouble(rng.NextInt64(1, 0x7FEFFFFFFFFFFFFFL));
            if (x == 0) continue;
            worst = Math.Max(worst, Ulps(DetMath.Log(x), Math.Log(x)));
        }
        foreach (double x in new[] { double.Epsilon, 3 * double.Epsilon, 2.2250738585072009e-308, 2.2250738585072014e-308,
                     1.4142135623730951, 1.4142135623730949, 0.5, 1 + 1e-15, 1 - 1e-16 })
            worst = Math.Max(worst, Ulps(DetMath.Log(x), Math.Log(x)));
        TestContext.Out.WriteLine($"det_log worst error: {worst} ulp");
        Assert.That(worst, Is.LessThanOrEqualTo(2));
    }

    [Test]
    public void TanhEdgeCasesAndOddSymmetry()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DetMath.Tanh(0.0), Is.EqualTo(0.0));
            Assert.That(DetMath.Tanh(double.NaN), Is.NaN);
            Assert.That(DetMath.Tanh(double.PositiveInfinity), Is.EqualTo(1.0));
            Assert.That(DetMath.Tanh(double.NegativeInfinity), Is.EqualTo(-1.0));
            Assert.That(DetMath.Tanh(23.0), Is.EqualTo(1.0));
            Assert.That(DetMath.Tanh(double.Epsilon), Is.EqualTo(double.Epsilon));
            Assert.That(DetMath.Tanh(1e-300), Is.EqualTo(1e-300));
        });
        foreach (double x in Uniform(-30, 30, 10_000, 5))
            Assert.That(DetMath.Tanh(-x), Is.EqualTo(-DetMath.Tanh(x)), $"odd at {x}");
    }

    [Test]
    public void TanhCloseToLibm()
    {
        // For |x| ≥ 0.5, 1 - e^{-2|x|} ≥ 0.63 has no cancellation: ulp-level agreement.
        // For smaller |x| the contract's (1 - e)/(1 + e) cancels, so agreement is absolute
        // (what matters for a valence in [-1, 1]): a few ulps of 1.
        long worst = 0;
        double worstAbs = 0;
        foreach (double x in Uniform(0.5, 25, 50_000, 6).Concat(Uniform(-25, -0.5, 50_000, 7)))
            worst = Math.Max(worst, Ulps(DetMath.Tanh(x), Math.Tanh(x)));
        foreach (double x in Uniform(-0.5, 0.5, 50_000, 8).Concat(Uniform(-2e-4, 2e-4, 20_000, 9)))
            worstAbs = Math.Max(worstAbs, Math.Abs(DetMath.Tanh(x) - Math.Tanh(x)));
        TestContext.Out.WriteLine($"det_tanh worst: {worst} ulp for |x| >= 0.5, {worstAbs:E2} absolute for |x| < 0.5");
        Assert.That(worst, Is.LessThanOrEqualTo(4));
        Assert.That(worstAbs, Is.LessThanOrEqualTo(4 * Math.Pow(2, -53)));
    }
}
