using System.Runtime.CompilerServices;

namespace IsingNative.Core;

/// <summary>
/// The stream layout and conversions of ALGORITHM.md §1: which counter words mean what,
/// and how words become spins, sites and uniform doubles.
/// </summary>
internal static class RandomStreams
{
    /// <summary>Random starting spins of an anneal or a sampling chain.</summary>
    public const uint InitSpins = 1;
    /// <summary>Trials of an anneal, indexed by the global trial number.</summary>
    public const uint AnnealTrial = 2;
    /// <summary>Trials of fixed-β sampling.</summary>
    public const uint SampleTrial = 3;
    /// <summary>Spin-flip noise of the compassionate response.</summary>
    public const uint Compassion = 4;
    /// <summary>System generators (§8).</summary>
    public const uint Generate = 5;

    /// <summary>One draw: key = seed, counter = (index lo, index hi, domain, sub-stream).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PhiloxWords Draw(ulong seed, ulong index, uint domain, uint sub = 0)
        => Philox4x32.Generate((uint)index, (uint)(index >> 32), domain, sub, (uint)seed, (uint)(seed >> 32));

    /// <summary>+1 if bit 31 of the word is set, else -1 (branch-free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte SpinFromWord(uint w) => (sbyte)((int)(w >> 31) * 2 - 1);

    /// <summary>Lemire's multiply-shift: a site in [0, n) from one word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Site(uint w0, int n) => (int)(((ulong)w0 * (ulong)(uint)n) >> 32);

    /// <summary>Uniform double in [0,1) with 53 random bits; every operation is exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double U53(uint a, uint b)
        => ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);

    /// <summary>Fills <paramref name="s"/> with the INIT_SPINS stream: site i uses word i&amp;3 of draw i&gt;&gt;2.</summary>
    public static unsafe void FillInitSpins(ulong seed, int n, sbyte* s)
    {
        int i = 0;
        for (ulong d = 0; i < n; d++)
        {
            PhiloxWords w = Draw(seed, d, InitSpins);
            s[i++] = SpinFromWord(w.W0);
            if (i < n) s[i++] = SpinFromWord(w.W1);
            if (i < n) s[i++] = SpinFromWord(w.W2);
            if (i < n) s[i++] = SpinFromWord(w.W3);
        }
    }
}
