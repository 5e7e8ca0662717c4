using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace IsingNative.Core;

/// <summary>
/// Row sums Σ_j J_ij s_j of a symmetric J, many rows at a time, each row still summed in
/// ascending j with its own accumulator, so every sum has exactly the bits of the scalar
/// loop of ALGORITHM.md §3/§4.2. The trick: by symmetry J[i+l][j] = J[j][i+l], so the
/// j-th terms of rows i..i+15 are the contiguous J[j*n+i .. j*n+i+15]: whole cache lines,
/// and four independent vector accumulators to hide the latency of the additions.
/// Requires an exactly symmetric matrix (an <see cref="IsingSystem"/> stores one).
/// </summary>
internal static unsafe class RowSums
{
    /// <summary>
    /// out[i] = Σ_{j&gt;i} J_ij s_j (strict upper triangle, j ascending) for every row i.
    /// Terms left of a lane's first column (j ≤ row) are masked to +0.0, and +0.0 added to
    /// the +0.0 start leaves it +0.0: each lane then proceeds exactly as the scalar loop.
    /// </summary>
    public static void Upper(int n, double* j, sbyte* s, double* output)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> lane = Vector256.Create(0.0, 1.0, 2.0, 3.0);
            for (; i + 16 <= n; i += 16)
            {
                Vector256<double> r0 = lane + Vector256.Create((double)i), r1 = r0 + Vector256.Create(4.0);
                Vector256<double> r2 = r1 + Vector256.Create(4.0), r3 = r2 + Vector256.Create(4.0);
                Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int k = i + 1; k < i + 16; k++)
                {
                    double* col = j + (long)k * n + i;
                    Vector256<double> sk = Vector256.Create((double)s[k]), kk = Vector256.Create((double)k);
                    a0 += (Vector256.Load(col) * sk) & Vector256.LessThan(r0, kk);
                    a1 += (Vector256.Load(col + 4) * sk) & Vector256.LessThan(r1, kk);
                    a2 += (Vector256.Load(col + 8) * sk) & Vector256.LessThan(r2, kk);
                    a3 += (Vector256.Load(col + 12) * sk) & Vector256.LessThan(r3, kk);
                }
                for (int k = i + 16; k < n; k++)
                {
                    double* col = j + (long)k * n + i;
                    Vector256<double> sk = Vector256.Create((double)s[k]);
                    a0 += Vector256.Load(col) * sk;
                    a1 += Vector256.Load(col + 4) * sk;
                    a2 += Vector256.Load(col + 8) * sk;
                    a3 += Vector256.Load(col + 12) * sk;
                }
                a0.Store(output + i);
                a1.Store(output + i + 4);
                a2.Store(output + i + 8);
                a3.Store(output + i + 12);
            }
            for (; i + 4 <= n; i += 4)
            {
                Vector256<double> r0 = lane + Vector256.Create((double)i);
                Vector256<double> acc = default;
                for (int k = i + 1; k < i + 4; k++)
                    acc += (Vector256.Load(j + (long)k * n + i) * Vector256.Create((double)s[k])) & Vector256.LessThan(r0, Vector256.Create((double)k));
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
            for (; i + 16 <= n; i += 16)
            {
                Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int k = 0; k < n; k++)
                {
                    double* col = j + (long)k * n + i;
                    Vector256<double> sk = Vector256.Create((double)s[k]);
                    a0 += Vector256.Load(col) * sk;
                    a1 += Vector256.Load(col + 4) * sk;
                    a2 += Vector256.Load(col + 8) * sk;
                    a3 += Vector256.Load(col + 12) * sk;
                }
                a0.Store(output + i);
                a1.Store(output + i + 4);
                a2.Store(output + i + 8);
                a3.Store(output + i + 12);
            }
            for (; i + 4 <= n; i += 4)
            {
                Vector256<double> acc = default;
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
