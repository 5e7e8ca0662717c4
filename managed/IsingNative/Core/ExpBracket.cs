using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IsingNative.Core;

/// <summary>
/// The Metropolis test <c>u &lt; det_exp(-x)</c> for 0 ≤ x &lt; 37 (ALGORITHM.md §4), decided
/// without det_exp for ~94 % of the uphill proposals. The native CPU executor uses the same
/// table (native/src/core/anneal.h, <c>below_exp_neg</c>).
/// </summary>
/// <remarks>
/// t[k] = det_exp(-k/16), k = 0..592. With k = floor(16x), e^-x lies in (e^-(k+1)/16, e^-k/16],
/// and det_exp is within 1e-12 (relative) of e^y on [-37, 0] (about 2 ulp; the native core
/// tests measure it, and this det_exp is bit-identical to that one), so
/// u &lt; t[k+1](1 - 1e-9) implies u &lt; det_exp(-x) (accept) and u ≥ t[k](1 + 1e-9)
/// implies u ≥ det_exp(-x) (reject). Only u inside that ~6 % wide bracket evaluates
/// det_exp, so every decision is exactly the contract's; the table only skips work, and
/// unlike a logarithm per draw it costs nothing when the proposal is downhill.
/// </remarks>
internal static unsafe class ExpBracket
{
    /// <summary>Number of brackets: k = floor(16x) for 0 ≤ x &lt; 37 is at most 591.</summary>
    private const int Count = 592;

    /// <summary>Interleaved (lo, hi) per bracket, so one decision touches one cache line.</summary>
    private static readonly double* Table = Build();

    private static double* Build()
    {
        // Process lifetime: never freed (4.7 KB), like the native table.
        var table = (double*)NativeMemory.AlignedAlloc(2 * Count * sizeof(double), 64);
        double next = DetMath.Exp(-0.0 / 16.0);
        for (int k = 0; k < Count; k++)
        {
            double tk = next;
            next = DetMath.Exp(-(double)(k + 1) / 16.0);
            table[2 * k] = next * (1.0 - 1e-9);
            table[2 * k + 1] = tk * (1.0 + 1e-9);
        }
        return table;
    }

    /// <summary><c>u &lt; det_exp(-x)</c> for 0 ≤ x &lt; 37 (x not NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Below(double u, double x)
    {
        double* b = Table + 2 * (int)(x * 16.0); // floor: x ≥ 0, and x*16 is exact
        if (u < b[0]) return true;
        if (u >= b[1]) return false;
        return u < DetMath.Exp(-x);
    }
}
