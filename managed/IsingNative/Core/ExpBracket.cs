using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    internal static readonly double* Table = Build();

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
        double* b = Slot(x);
        return u < b[0] || (u < b[1] && u < DetMath.Exp(-x));
    }

    /// <summary>
    /// The bracket of x (0 ≤ x &lt; 37): <c>u &lt; slot[0]</c> accepts, <c>u ≥ slot[1]</c>
    /// rejects, otherwise only <c>u &lt; det_exp(-x)</c> decides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double* Slot(double x) => Slot(Table, x);

    /// <summary>
    /// <see cref="Slot(double)"/> in <paramref name="table"/> (= <see cref="Table"/>), for a loop
    /// that keeps the table's address in a register instead of reloading the constant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double* Slot(double* table, double x) => table + 2 * Floor16(x);

    /// <summary>
    /// floor(16x) for 0 ≤ x &lt; 37 (x*16 is exact). A plain truncating conversion: C#'s
    /// <c>(int)</c> saturates out-of-range values, which costs five more instructions per
    /// trial on x86, and no value here is out of range.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint Floor16(double x)
        => Sse2.X64.IsSupported
            ? (nint)Sse2.X64.ConvertToInt64WithTruncation(Vector128.CreateScalarUnsafe(x * 16.0))
            : (nint)(x * 16.0);
}
