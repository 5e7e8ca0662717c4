using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace IsingNative.Core;

/// <summary>
/// Energy, spin sum and the two frustration counts of ALGORITHM.md §3 in ONE pass over the
/// strict upper triangle, bit for bit the literal loops (see <see cref="ObservablesCore.EnergyScalar"/>).
/// <para>
/// Like <see cref="RowSums.Upper"/>, blocks of 16, 8, then 4 rows are summed column-wise: by
/// symmetry J[r][k] = J[k][r], so the k-th terms of rows i..i+7 are the contiguous
/// J[k*n+i .. k*n+i+7]. Each lane is its own row with its own accumulator, adding in
/// ascending k, so every row sum has exactly the scalar loop's bits. Lanes whose row is not
/// left of column k (r ≥ k) get +0.0, which leaves a +0.0 accumulator unchanged. The last
/// n mod 4 rows take the scalar loop. E then adds the rows' terms in ascending i, as §3 says.
/// </para>
/// <para>
/// The same masked product p = J_rk·s_k then gives both integer counts for free: it is zero
/// exactly when J_rk is (±1 factors are exact), and p·s_r &lt; 0 exactly when the bond is
/// unsatisfied (−0.0 is not &lt; 0). Every lane visited is either a triangle element or a
/// masked +0.0, so nz = lanes − zero lanes. Integer counts make the order free.
/// </para>
/// Requires an exactly symmetric J (an <see cref="IsingSystem"/> stores one: the upper
/// triangle mirrored, zero diagonal).
/// </summary>
internal static unsafe class ObserveFused
{
    /// <summary>Largest n handled here: the spins as doubles (n of them) go on the stack.</summary>
    public const int MaxN = 2048;

    /// <summary>
    /// Row d keeps lanes l &lt; d: the lanes of a block starting at row i whose row is left
    /// of column k = i + d (a table load is cheaper than building the compare each column).
    /// </summary>
    private static ReadOnlySpan<ulong> LeftOf =>
    [
        0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL,
        ~0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL,
        ~0UL, ~0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL,
        ~0UL, ~0UL, ~0UL, 0UL, 0UL, 0UL, 0UL, 0UL,
        ~0UL, ~0UL, ~0UL, ~0UL, 0UL, 0UL, 0UL, 0UL,
        ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, 0UL, 0UL, 0UL,
        ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, 0UL, 0UL,
        ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, 0UL,
    ];

    /// <summary>The raw §3 quantities of one system.</summary>
    public readonly struct Sums(double energy, int spinSum, long nonZero, long frustrated)
    {
        /// <summary>The energy E (already negated).</summary>
        public readonly double Energy = energy;
        /// <summary>M = Σ s_i.</summary>
        public readonly int SpinSum = spinSum;
        /// <summary>#{i&lt;j: J_ij ≠ 0}.</summary>
        public readonly long NonZero = nonZero;
        /// <summary>#{i&lt;j: J_ij ≠ 0 and J_ij s_i s_j &lt; 0}.</summary>
        public readonly long Frustrated = frustrated;
    }

    /// <summary>The §3 sums of one system with n ≤ <see cref="MaxN"/>.</summary>
    public static Sums Compute(int n, double* j, double* h, sbyte* s)
    {
        double* sd = stackalloc double[n]; // spins as ±1.0, for broadcasts and row blocks
        double* terms = stackalloc double[16]; // a block's (s_i·row_i) + (h_i·s_i)
        int spinSum = ToDoubles(n, s, sd);
        fixed (ulong* table = LeftOf) // constant data in the image; fixed keeps this right whatever the compiler emits
        {
            double* leftOf = (double*)table;
            long lanes = 0, nz = 0, fr = 0;
            double e = 0.0;
            int i = 0;
            // E is accumulated block by block (still i ascending), so its serial chain of
            // additions overlaps the next block's loads instead of trailing them all.
            if (Vector512.IsHardwareAccelerated && n >= 8)
            {
                Vector512<long> zeros = Vector512<long>.Zero, unsat = Vector512<long>.Zero;
                for (; i + 16 <= n; i += 16)
                {
                    Block16(n, j, h, sd, i, leftOf, terms, ref zeros, ref unsat);
                    for (int r = 0; r < 16; r += 8)
                    {
                        e = e + terms[r]; e = e + terms[r + 1]; e = e + terms[r + 2]; e = e + terms[r + 3];
                        e = e + terms[r + 4]; e = e + terms[r + 5]; e = e + terms[r + 6]; e = e + terms[r + 7];
                    }
                    lanes += 8L * (n - i - 1) + 8L * (n - i - 9);
                }
                if (i + 8 <= n)
                {
                    Block8(n, j, h, sd, i, leftOf, terms, ref zeros, ref unsat);
                    e = e + terms[0]; e = e + terms[1]; e = e + terms[2]; e = e + terms[3];
                    e = e + terms[4]; e = e + terms[5]; e = e + terms[6]; e = e + terms[7];
                    lanes += 8L * (n - i - 1);
                    i += 8;
                }
                nz -= Vector512.Sum(zeros);
                fr += Vector512.Sum(unsat);
            }
            if (Vector256.IsHardwareAccelerated && i + 4 <= n)
            {
                Vector256<long> zeros = Vector256<long>.Zero, unsat = Vector256<long>.Zero;
                for (; i + 4 <= n; i += 4)
                {
                    Block4(n, j, h, sd, i, leftOf, terms, ref zeros, ref unsat);
                    e = e + terms[0]; e = e + terms[1]; e = e + terms[2]; e = e + terms[3];
                    lanes += 4L * (n - i - 1);
                }
                nz -= Vector256.Sum(zeros);
                fr += Vector256.Sum(unsat);
            }
            // Every vector lane was a triangle element or a masked +0.0, so nz = lanes − zero lanes.
            nz += lanes;
            for (; i < n; i++) e = e + Row(n, j, h, sd, i, ref nz, ref fr);
            return new Sums(-e, spinSum, nz, fr);
        }
    }

    /// <summary>sd[k] = s[k] as a double; returns Σ s_k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ToDoubles(int n, sbyte* s, double* sd)
    {
        int k = 0, sum = 0;
        if (Avx512F.IsSupported && Avx2.IsSupported)
        {
            Vector256<int> acc = Vector256<int>.Zero;
            for (; k + 8 <= n; k += 8)
            {
                Vector256<int> w = Avx2.ConvertToVector256Int32(s + k); // 8 bytes, sign-extended
                acc += w;
                Avx512F.ConvertToVector512Double(w).Store(sd + k);
            }
            sum = Vector256.Sum(acc);
        }
        for (; k < n; k++)
        {
            sum += s[k];
            sd[k] = s[k];
        }
        return sum;
    }

    /// <summary>
    /// Rows i..i+15 (all &lt; n) as two 8-row blocks side by side: each block's row sums are
    /// a serial chain of additions, and interleaved the two chains overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block16(int n, double* j, double* h, double* sd, int i, double* leftOf, double* terms,
        ref Vector512<long> zeros, ref Vector512<long> unsat)
    {
        Vector512<double> sA = Vector512.Load(sd + i), sB = Vector512.Load(sd + i + 8);
        Vector512<double> accA = Vector512<double>.Zero, accB = Vector512<double>.Zero;
        Vector512<long> z = zeros, u = unsat;
        double* col = j + (long)(i + 1) * n + i;
        double* sk = sd + i + 1;
        // k = i+1 .. i+7: block A's corner; block B (rows ≥ i+8 ≥ k) has no terms yet.
        for (double* mask = leftOf + 8; mask < leftOf + 64; mask += 8, col += n, sk++)
            Add((Vector512.Load(col) * Vector512.Create(*sk)) & Vector512.Load(mask), sA, ref accA, ref z, ref u);
        // k = i+8: A whole, B still nothing.
        Add(Vector512.Load(col) * Vector512.Create(*sk), sA, ref accA, ref z, ref u);
        col += n;
        sk++;
        // k = i+9 .. i+15: A whole, B's corner.
        for (double* mask = leftOf + 8; mask < leftOf + 64; mask += 8, col += n, sk++)
        {
            Vector512<double> v = Vector512.Create(*sk);
            Add(Vector512.Load(col) * v, sA, ref accA, ref z, ref u);
            Add((Vector512.Load(col + 8) * v) & Vector512.Load(mask), sB, ref accB, ref z, ref u);
        }
        for (double* end = sd + n; sk < end; col += n, sk++)
        {
            Vector512<double> v = Vector512.Create(*sk);
            Add(Vector512.Load(col) * v, sA, ref accA, ref z, ref u);
            Add(Vector512.Load(col + 8) * v, sB, ref accB, ref z, ref u);
        }
        ((sA * accA) + (Vector512.Load(h + i) * sA)).Store(terms);
        ((sB * accB) + (Vector512.Load(h + i + 8) * sB)).Store(terms + 8);
        zeros = z;
        unsat = u;
    }

    /// <summary>
    /// Rows i..i+7 (all &lt; n): their energy terms into <paramref name="terms"/>, and per lane
    /// the zero lanes and the unsatisfied bonds added to the two counters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8(int n, double* j, double* h, double* sd, int i, double* leftOf, double* terms,
        ref Vector512<long> zeros, ref Vector512<long> unsat)
    {
        Vector512<double> sRows = Vector512.Load(sd + i);
        Vector512<double> acc = Vector512<double>.Zero;
        Vector512<long> z = zeros, u = unsat;
        double* col = j + (long)(i + 1) * n + i;
        double* sk = sd + i + 1;
        // Columns inside the block: only lanes with row < k are triangle elements.
        for (double* mask = leftOf + 8; mask < leftOf + 64; mask += 8, col += n, sk++)
            Add((Vector512.Load(col) * Vector512.Create(*sk)) & Vector512.Load(mask), sRows, ref acc, ref z, ref u);
        for (double* end = sd + n; sk < end; col += n, sk++)
            Add(Vector512.Load(col) * Vector512.Create(*sk), sRows, ref acc, ref z, ref u);
        ((sRows * acc) + (Vector512.Load(h + i) * sRows)).Store(terms);
        zeros = z;
        unsat = u;
    }

    /// <summary>
    /// One column's masked products p = J_rk·s_k of 8 rows: into the row sums, and counted
    /// when zero and when unsatisfied (p·s_r &lt; 0). Masked adds: one instruction per count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(Vector512<double> p, Vector512<double> sRows, ref Vector512<double> acc,
        ref Vector512<long> zeros, ref Vector512<long> unsat)
    {
        acc += p;
        zeros = Vector512.ConditionalSelect(Vector512.Equals(p, Vector512<double>.Zero).AsInt64(), zeros + Vector512<long>.One, zeros);
        unsat = Vector512.ConditionalSelect(Vector512.LessThan(p * sRows, Vector512<double>.Zero).AsInt64(), unsat + Vector512<long>.One, unsat);
    }

    /// <summary>Rows i..i+3 (all &lt; n), as <see cref="Block8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4(int n, double* j, double* h, double* sd, int i, double* leftOf, double* terms,
        ref Vector256<long> zeros, ref Vector256<long> unsat)
    {
        Vector256<double> sRows = Vector256.Load(sd + i);
        Vector256<double> acc = Vector256<double>.Zero;
        Vector256<long> z = zeros, u = unsat;
        double* col = j + (long)(i + 1) * n + i;
        double* sk = sd + i + 1;
        for (double* mask = leftOf + 8; mask < leftOf + 32; mask += 8, col += n, sk++)
        {
            Vector256<double> p = (Vector256.Load(col) * Vector256.Create(*sk)) & Vector256.Load(mask);
            acc += p;
            z -= Vector256.Equals(p, Vector256<double>.Zero).AsInt64();
            u -= Vector256.LessThan(p * sRows, Vector256<double>.Zero).AsInt64();
        }
        for (double* end = sd + n; sk < end; col += n, sk++)
        {
            Vector256<double> p = Vector256.Load(col) * Vector256.Create(*sk);
            acc += p;
            z -= Vector256.Equals(p, Vector256<double>.Zero).AsInt64();
            u -= Vector256.LessThan(p * sRows, Vector256<double>.Zero).AsInt64();
        }
        ((sRows * acc) + (Vector256.Load(h + i) * sRows)).Store(terms);
        zeros = z;
        unsat = u;
    }

    /// <summary>One row the scalar way: its energy term, and its triangle part of the counts.</summary>
    private static double Row(int n, double* j, double* h, double* sd, int i, ref long nz, ref long fr)
    {
        double* row = j + (long)i * n;
        double si = sd[i], sum = 0.0;
        for (int k = i + 1; k < n; k++)
        {
            double p = row[k] * sd[k];
            sum += p;
            nz += p != 0.0 ? 1 : 0;
            fr += p * si < 0.0 ? 1 : 0;
        }
        return (si * sum) + (h[i] * si);
    }
}
