using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace IsingNative.Core;

/// <summary>
/// The draws of a block of consecutive trials (ALGORITHM.md §1), computed several at a
/// time with SIMD where the CPU has it: trial g's draw depends only on g, so lanes are
/// independent and the results are the scalar <see cref="Philox4x32"/> bits exactly.
/// Produces per trial the site (from w0) and u = u53(w1, w2).
/// </summary>
internal static unsafe class PhiloxBlock
{
    /// <summary>
    /// Fills site[b] and u[b] for trials g0 + b, b in [0, count). The buffers must hold
    /// <paramref name="count"/> rounded up to a multiple of 32 (lanes past count are scratch).
    /// </summary>
    public static void Fill(ulong seed, uint domain, ulong g0, int count, int n, int* site, double* u)
    {
        if (UseAvx512 && Avx512F.IsSupported)
        {
            // The key schedule is the same for every lane and block: broadcast it once.
            Vector512<ulong>* keys = stackalloc Vector512<ulong>[20];
            uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
            for (int r = 0; r < 10; r++, k0 += Philox4x32.Weyl0, k1 += Philox4x32.Weyl1)
            {
                keys[2 * r] = Vector512.Create((ulong)k0);
                keys[2 * r + 1] = Vector512.Create((ulong)k1);
            }
            int b = 0;
            for (; count - b > 16; b += 32) Fill32(keys, domain, g0 + (ulong)b, n, site + b, u + b);
            if (b < count) Fill16(keys, domain, g0 + (ulong)b, n, site + b, u + b);
        }
        else if (Avx2.IsSupported)
        {
            for (int b = 0; b < count; b += 4) Fill4(seed, domain, g0 + (ulong)b, n, site + b, u + b);
        }
        else
        {
            FillScalar(seed, domain, g0, count, n, site, u);
        }
    }

    /// <summary>Tests clear this to run the AVX2 path on an AVX-512 machine (both must give the same bits).</summary>
    internal static bool UseAvx512 = true;

    /// <summary>The reference path (and the one used without AVX2).</summary>
    public static void FillScalar(ulong seed, uint domain, ulong g0, int count, int n, int* site, double* u)
    {
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int b = 0; b < count; b++)
        {
            ulong g = g0 + (ulong)b;
            PhiloxWords w = Philox4x32.Generate((uint)g, (uint)(g >> 32), domain, 0, k0, k1);
            site[b] = RandomStreams.Site(w.W0, n);
            u[b] = RandomStreams.U53(w.W1, w.W2);
        }
    }

    // Each 64-bit lane holds one 32-bit Philox word in its low half. vpmuludq multiplies the
    // low halves only, and xor is bitwise, so garbage in the high halves never reaches the
    // low halves; it is masked off once at the end.

    /// <summary>
    /// Thirty-two draws as four interleaved 8-lane chains: a round is a chain of dependent
    /// multiply, shift and xor steps, and more independent chains in one loop give the
    /// processor more to overlap than <see cref="Fill16"/>'s two (docs/PERFORMANCE.md has
    /// the gain).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fill32(Vector512<ulong>* keys, uint domain, ulong g0, int n, int* site, double* u)
    {
        Vector512<ulong> step = Vector512.Create(8UL);
        Vector512<ulong> ga = Vector512.Create(g0) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        Vector512<ulong> gb = ga + step, gc = gb + step, gd = gc + step;
        Vector512<ulong> a0 = ga, a1 = ga >> 32, b0 = gb, b1 = gb >> 32;
        Vector512<ulong> c0 = gc, c1 = gc >> 32, d0 = gd, d1 = gd >> 32;
        Vector512<ulong> a2 = Vector512.Create((ulong)domain), a3 = Vector512<ulong>.Zero;
        Vector512<ulong> b2 = a2, b3 = a3, c2 = a2, c3 = a3, d2 = a2, d3 = a3;
        Vector512<uint> m0 = Vector512.Create((ulong)Philox4x32.M0).AsUInt32();
        Vector512<uint> m1 = Vector512.Create((ulong)Philox4x32.M1).AsUInt32();
        for (int r = 0; r < 10; r++)
        {
            Vector512<ulong> k0 = keys[2 * r], k1 = keys[2 * r + 1];
            Vector512<ulong> pa0 = Avx512F.Multiply(a0.AsUInt32(), m0);
            Vector512<ulong> pb0 = Avx512F.Multiply(b0.AsUInt32(), m0);
            Vector512<ulong> pc0 = Avx512F.Multiply(c0.AsUInt32(), m0);
            Vector512<ulong> pd0 = Avx512F.Multiply(d0.AsUInt32(), m0);
            Vector512<ulong> pa1 = Avx512F.Multiply(a2.AsUInt32(), m1);
            Vector512<ulong> pb1 = Avx512F.Multiply(b2.AsUInt32(), m1);
            Vector512<ulong> pc1 = Avx512F.Multiply(c2.AsUInt32(), m1);
            Vector512<ulong> pd1 = Avx512F.Multiply(d2.AsUInt32(), m1);
            a0 = (pa1 >> 32) ^ a1 ^ k0;
            b0 = (pb1 >> 32) ^ b1 ^ k0;
            c0 = (pc1 >> 32) ^ c1 ^ k0;
            d0 = (pd1 >> 32) ^ d1 ^ k0;
            a2 = (pa0 >> 32) ^ a3 ^ k1;
            b2 = (pb0 >> 32) ^ b3 ^ k1;
            c2 = (pc0 >> 32) ^ c3 ^ k1;
            d2 = (pd0 >> 32) ^ d3 ^ k1;
            a1 = pa1; b1 = pb1; c1 = pc1; d1 = pd1;
            a3 = pa0; b3 = pb0; c3 = pc0; d3 = pd0;
        }
        Vector512<uint> nv = Vector512.Create((ulong)(uint)n).AsUInt32();
        Avx512F.ConvertToVector256Int32((Avx512F.Multiply(a0.AsUInt32(), nv) >> 32).AsInt64()).Store(site);
        Avx512F.ConvertToVector256Int32((Avx512F.Multiply(b0.AsUInt32(), nv) >> 32).AsInt64()).Store(site + 8);
        Avx512F.ConvertToVector256Int32((Avx512F.Multiply(c0.AsUInt32(), nv) >> 32).AsInt64()).Store(site + 16);
        Avx512F.ConvertToVector256Int32((Avx512F.Multiply(d0.AsUInt32(), nv) >> 32).AsInt64()).Store(site + 24);
        U53(a1, a2).Store(u);
        U53(b1, b2).Store(u + 8);
        U53(c1, c2).Store(u + 16);
        U53(d1, d2).Store(u + 24);
    }

    /// <summary>
    /// Sixteen draws as two interleaved 8-lane chains: one Philox round is a chain of
    /// dependent multiply–shift–xor steps, so two independent chains keep the multiplier busy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fill16(Vector512<ulong>* keys, uint domain, ulong g0, int n, int* site, double* u)
    {
        Vector512<ulong> ga = Vector512.Create(g0) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        Vector512<ulong> gb = ga + Vector512.Create(8UL);
        Vector512<ulong> a0 = ga, a1 = ga >> 32, b0 = gb, b1 = gb >> 32;
        Vector512<ulong> a2 = Vector512.Create((ulong)domain), a3 = Vector512<ulong>.Zero;
        Vector512<ulong> b2 = a2, b3 = a3;
        Vector512<uint> m0 = Vector512.Create((ulong)Philox4x32.M0).AsUInt32();
        Vector512<uint> m1 = Vector512.Create((ulong)Philox4x32.M1).AsUInt32();
        for (int r = 0; r < 10; r++)
        {
            Vector512<ulong> k0 = keys[2 * r], k1 = keys[2 * r + 1];
            Vector512<ulong> pa0 = Avx512F.Multiply(a0.AsUInt32(), m0);
            Vector512<ulong> pb0 = Avx512F.Multiply(b0.AsUInt32(), m0);
            Vector512<ulong> pa1 = Avx512F.Multiply(a2.AsUInt32(), m1);
            Vector512<ulong> pb1 = Avx512F.Multiply(b2.AsUInt32(), m1);
            a0 = (pa1 >> 32) ^ a1 ^ k0;
            b0 = (pb1 >> 32) ^ b1 ^ k0;
            a2 = (pa0 >> 32) ^ a3 ^ k1;
            b2 = (pb0 >> 32) ^ b3 ^ k1;
            a1 = pa1; b1 = pb1;
            a3 = pa0; b3 = pb0;
        }
        Vector512<uint> nv = Vector512.Create((ulong)(uint)n).AsUInt32();
        Avx512F.ConvertToVector256Int32((Avx512F.Multiply(a0.AsUInt32(), nv) >> 32).AsInt64()).Store(site);
        Avx512F.ConvertToVector256Int32((Avx512F.Multiply(b0.AsUInt32(), nv) >> 32).AsInt64()).Store(site + 8);
        U53(a1, a2).Store(u);
        U53(b1, b2).Store(u + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fill4(ulong seed, uint domain, ulong g0, int n, int* site, double* u)
    {
        Vector256<ulong> g = Vector256.Create(g0) + Vector256.Create(0UL, 1, 2, 3);
        Vector256<ulong> c0 = g, c1 = g >> 32;
        Vector256<ulong> c2 = Vector256.Create((ulong)domain), c3 = Vector256<ulong>.Zero;
        Vector256<uint> m0 = Vector256.Create((ulong)Philox4x32.M0).AsUInt32();
        Vector256<uint> m1 = Vector256.Create((ulong)Philox4x32.M1).AsUInt32();
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int r = 0; r < 10; r++)
        {
            Vector256<ulong> p0 = Avx2.Multiply(c0.AsUInt32(), m0);
            Vector256<ulong> p1 = Avx2.Multiply(c2.AsUInt32(), m1);
            c0 = (p1 >> 32) ^ c1 ^ Vector256.Create((ulong)k0);
            c2 = (p0 >> 32) ^ c3 ^ Vector256.Create((ulong)k1);
            c1 = p1;
            c3 = p0;
            k0 += Philox4x32.Weyl0;
            k1 += Philox4x32.Weyl1;
        }
        Vector256<ulong> s = Avx2.Multiply(c0.AsUInt32(), Vector256.Create((ulong)(uint)n).AsUInt32()) >> 32;
        // Gather the low 32-bit halves of the four lanes into four ints.
        Vector256<int> packed = Avx2.PermuteVar8x32(s.AsInt32(), Vector256.Create(0, 2, 4, 6, 0, 0, 0, 0));
        packed.GetLower().Store(site);
        U53(c1, c2).Store(u);
    }

    /// <summary>
    /// u53(a, b) per lane, equal to <see cref="RandomStreams.U53"/> bit for bit. With AVX-512 DQ
    /// the 53-bit integer is converted in one instruction; without it, integers below 2^52
    /// become doubles exactly by or-ing them into the mantissa of 2^52 and subtracting 2^52.
    /// Every step of either is exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> U53(Vector512<ulong> a, Vector512<ulong> b)
    {
        if (Avx512DQ.IsSupported)
        {
            // The integer (a>>5)·2^26 + (b>>6) < 2^53 assembled in the lane (the high halves'
            // garbage masked off) and converted once (vcvtuqq2pd, exact below 2^53): the same
            // value the formula's exact steps give, in about half the instructions.
            Vector512<ulong> high = (a & Vector512.Create(0xFFFFFFE0UL)) << 21;
            Vector512<ulong> low = (b >> 6) & Vector512.Create(0x3FFFFFFUL);
            return Avx512DQ.ConvertToVector512Double(high | low) * Vector512.Create(1.0 / 9007199254740992.0);
        }
        Vector512<ulong> mask = Vector512.Create(0xFFFFFFFFUL);
        Vector512<ulong> magic = Vector512.Create(0x4330000000000000UL);
        Vector512<double> two52 = Vector512.Create(4503599627370496.0);
        Vector512<double> hi = ((a & mask) >> 5 | magic).AsDouble() - two52;
        Vector512<double> lo = ((b & mask) >> 6 | magic).AsDouble() - two52;
        return (hi * Vector512.Create(67108864.0) + lo) * Vector512.Create(1.0 / 9007199254740992.0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> U53(Vector256<ulong> a, Vector256<ulong> b)
    {
        Vector256<ulong> mask = Vector256.Create(0xFFFFFFFFUL);
        Vector256<ulong> magic = Vector256.Create(0x4330000000000000UL);
        Vector256<double> two52 = Vector256.Create(4503599627370496.0);
        Vector256<double> hi = ((a & mask) >> 5 | magic).AsDouble() - two52;
        Vector256<double> lo = ((b & mask) >> 6 | magic).AsDouble() - two52;
        return (hi * Vector256.Create(67108864.0) + lo) * Vector256.Create(1.0 / 9007199254740992.0);
    }
}
