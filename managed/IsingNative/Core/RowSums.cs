using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace IsingNative.Core;

/// <summary>
/// Row sums Σ_j J_ij s_j of a symmetric J, four rows at a time, each row still summed
/// in ascending j with its own accumulator, so every sum has exactly the bits of the
/// scalar loop of ALGORITHM.md §3/§4.2. The trick: by symmetry J[i+l][j] = J[j][i+l],
/// so the four rows' j-th terms are the contiguous J[j*n+i .. j*n+i+3]: one vector load.
/// Requires an exactly symmetric matrix (an <see cref="IsingSystem"/> stores one).
/// </summary>
internal static unsafe class RowSums
{
    /// <summary>Keeps lanes l &lt; k (k = 1..3) of a 4-lane vector, zeroing the others.</summary>
    private static readonly Vector256<double>[] PrefixMasks =
    [
        Vector256<double>.Zero,
        Vector256.Create(-1L, 0, 0, 0).AsDouble(),
        Vector256.Create(-1L, -1, 0, 0).AsDouble(),
        Vector256.Create(-1L, -1, -1, 0).AsDouble(),
    ];

    /// <summary>
    /// out[i] = Σ_{j&gt;i} J_ij s_j (strict upper triangle, j ascending) for every row i.
    /// Terms left of a lane's first column are masked to +0.0, and +0.0 added to the
    /// +0.0 start leaves it +0.0: the lane then proceeds exactly as the scalar loop.
    /// </summary>
    public static void Upper(int n, double* j, sbyte* s, double* output)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                Vector256<double> acc = Vector256<double>.Zero;
                for (int k = i + 1; k < i + 4; k++)
                {
                    Vector256<double> term = Vector256.Load(j + (long)k * n + i) * Vector256.Create((double)s[k]);
                    acc += term & PrefixMasks[k - i];
                }
                for (int k = i + 4; k < n; k++)
                    acc += Vector256.Load(j + (long)k * n + i) * Vector256.Create((double)s[k]);
                acc.Store(output + i);
            }
        }
        for (; i < n; i++)
        {
            double* row = j + (long)i * n;
            double sum = 0.0;
            for (int k = i + 1; k < n; k++) sum += row[k] * s[k];
            output[i] = sum;
        }
    }

    /// <summary>out[i] = Σ_{j=0}^{n-1} J_ij s_j (j ascending) for every row i (§4.2 before adding h).</summary>
    public static void Full(int n, double* j, sbyte* s, double* output)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                Vector256<double> acc = Vector256<double>.Zero;
                for (int k = 0; k < n; k++)
                    acc += Vector256.Load(j + (long)k * n + i) * Vector256.Create((double)s[k]);
                acc.Store(output + i);
            }
        }
        for (; i < n; i++)
        {
            double* row = j + (long)i * n;
            double sum = 0.0;
            for (int k = 0; k < n; k++) sum += row[k] * s[k];
            output[i] = sum;
        }
    }
}
