using System.Runtime.CompilerServices;

namespace IsingNative.Core;

/// <summary>The four 32-bit words of one Philox draw.</summary>
internal readonly struct PhiloxWords
{
    public readonly uint W0, W1, W2, W3;

    public PhiloxWords(uint w0, uint w1, uint w2, uint w3)
    {
        W0 = w0; W1 = w1; W2 = w2; W3 = w3;
    }
}

/// <summary>
/// Philox4x32-10 (Salmon et al., SC 2011), ALGORITHM.md §1. Pure function of
/// (counter, key): every backend draws the same words for the same trial however the
/// work is split. Passes the three known-answer vectors of MODEL.md §3.
/// </summary>
internal static class Philox4x32
{
    internal const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    internal const uint Weyl0 = 0x9E3779B9, Weyl1 = 0xBB67AE85;

    /// <summary>Ten rounds on counter (c0..c3) with key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PhiloxWords Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        // Unrolled by hand: the key bump happens after each of the first 9 rounds.
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += Weyl0; k1 += Weyl1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        return new PhiloxWords(c0, c1, c2, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        ulong p0 = (ulong)M0 * c0;
        ulong p1 = (ulong)M1 * c2;
        uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
        uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
        c0 = n0;
        c1 = (uint)p1;
        c2 = n2;
        c3 = (uint)p0;
    }
}
