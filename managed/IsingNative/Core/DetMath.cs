using System.Runtime.CompilerServices;

namespace IsingNative.Core;

/// <summary>
/// det_exp, det_log and det_tanh of ALGORITHM.md §2: built only from + - * /, sqrt,
/// floor and exponent-bit manipulation, so every backend (C#, C++, GPU) gets the same
/// bits. Accuracy ≈ 1 ulp; identity across backends, not agreement with libm, is the goal.
/// </summary>
internal static class DetMath
{
    // fdlibm's split of ln 2: the high part has trailing zero bits so k*Ln2Hi is exact for |k| < 2^11.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Log2E = 1.4426950408889634;
    private const double ExpOverflow = 709.782712893384;
    private const double ExpUnderflow = -745.1332191019412;
    private const double Sqrt2 = 1.4142135623730951;

    // 1/m! for m = 2..13, the nearest doubles (17 significant digits).
    private const double F2 = 0.5;
    private const double F3 = 0.16666666666666666;
    private const double F4 = 0.041666666666666664;
    private const double F5 = 0.0083333333333333332;
    private const double F6 = 0.0013888888888888889;
    private const double F7 = 0.00019841269841269841;
    private const double F8 = 2.4801587301587302e-05;
    private const double F9 = 2.7557319223985893e-06;
    private const double F10 = 2.7557319223985888e-07;
    private const double F11 = 2.505210838544172e-08;
    private const double F12 = 2.08767569878681e-09;
    private const double F13 = 1.6059043836821613e-10;

    // 1/m for m = 3, 5, ..., 21 (atanh series of log).
    private const double L3 = 0.33333333333333331;
    private const double L5 = 0.20000000000000001;
    private const double L7 = 0.14285714285714285;
    private const double L9 = 0.1111111111111111;
    private const double L11 = 0.090909090909090912;
    private const double L13 = 0.076923076923076927;
    private const double L15 = 0.066666666666666666;
    private const double L17 = 0.058823529411764705;
    private const double L19 = 0.052631578947368418;
    private const double L21 = 0.047619047619047616;

    /// <summary>2^k for -1022 ≤ k ≤ 1023 from exponent bits (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Pow2(int k) => BitConverter.Int64BitsToDouble((long)(k + 1023) << 52);

    /// <summary>Deterministic e^x (ALGORITHM.md §2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x > ExpOverflow) return double.PositiveInfinity;
        if (x < ExpUnderflow) return 0.0;
        double k = Math.Floor(x * Log2E + 0.5);
        double r = (x - k * Ln2Hi) - k * Ln2Lo;
        double q = F13;
        q = F12 + r * q;
        q = F11 + r * q;
        q = F10 + r * q;
        q = F9 + r * q;
        q = F8 + r * q;
        q = F7 + r * q;
        q = F6 + r * q;
        q = F5 + r * q;
        q = F4 + r * q;
        q = F3 + r * q;
        q = F2 + r * q;
        q = 1.0 + r * q;
        double p = 1.0 + r * q;
        int ki = (int)k;
        if (ki > 1023) return (p * Pow2(ki - 1)) * 2.0;
        if (ki >= -1021) return p * Pow2(ki);
        return (p * Pow2(ki + 54)) * 5.5511151231257827e-17; // 2^-54
    }

    /// <summary>Deterministic natural logarithm (ALGORITHM.md §2).</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return double.PositiveInfinity;
        int eAdj = 0;
        if (x < 2.2250738585072014e-308) // subnormal: scale into the normal range
        {
            x *= 18014398509481984.0; // 2^54
            eAdj = -54;
        }
        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | (1023L << 52));
        if (m > Sqrt2)
        {
            m *= 0.5;
            e += 1;
        }
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double q = L21;
        q = L19 + z * q;
        q = L17 + z * q;
        q = L15 + z * q;
        q = L13 + z * q;
        q = L11 + z * q;
        q = L9 + z * q;
        q = L7 + z * q;
        q = L5 + z * q;
        q = L3 + z * q;
        double rr = z * q;
        double s2 = 2.0 * s;
        double logm = s2 + s2 * rr;
        double bigE = e + eAdj;
        return bigE * Ln2Hi + (bigE * Ln2Lo + logm);
    }

    /// <summary>Deterministic hyperbolic tangent (ALGORITHM.md §2).</summary>
    public static double Tanh(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double a = Math.Abs(x);
        if (a > 22.0) return x > 0 ? 1.0 : -1.0;
        if (a < 1e-4) return x - ((x * x) * x) / 3.0;
        double e = Exp(-2.0 * a);
        double t = (1.0 - e) / (1.0 + e);
        return x < 0 ? -t : t;
    }
}
