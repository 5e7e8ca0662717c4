using IsingNative.Core;

namespace IsingNative.Tests;

/// <summary>Philox4x32-10 known answers (MODEL.md §3) and the stream conversions of ALGORITHM.md §1.</summary>
public class PhiloxTests
{
    // Golden vectors from Salmon et al. (Random123's kat_vectors), as listed in MODEL.md §3.
    [TestCase(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u,
        0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [TestCase(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
        0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [TestCase(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u,
        0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1,
        uint e0, uint e1, uint e2, uint e3)
    {
        PhiloxWords w = Philox4x32.Generate(c0, c1, c2, c3, k0, k1);
        Assert.That(new[] { w.W0, w.W1, w.W2, w.W3 }, Is.EqualTo(new[] { e0, e1, e2, e3 }));
    }

    [Test]
    public void DrawMapsSeedAndIndexOntoKeyAndCounter()
    {
        // ALGORITHM.md §1: key = (seed lo, seed hi), counter = (index lo, index hi, domain, sub).
        const ulong seed = 0x299f31d0_a4093822UL;
        const ulong index = 0x85a308d3_243f6a88UL;
        PhiloxWords w = RandomStreams.Draw(seed, index, 0x13198a2e, 0x03707344);
        Assert.That(new[] { w.W0, w.W1, w.W2, w.W3 }, Is.EqualTo(new[] { 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u }));
    }

    [Test]
    public void DomainsAreDistinctStreams()
    {
        Assert.That(new[] { RandomStreams.InitSpins, RandomStreams.AnnealTrial, RandomStreams.SampleTrial,
            RandomStreams.Compassion, RandomStreams.Generate }, Is.EqualTo(new uint[] { 1, 2, 3, 4, 5 }));
        var first = Enumerable.Range(1, 5).Select(d => RandomStreams.Draw(42, 0, (uint)d).W0).ToArray();
        Assert.That(first, Is.Unique);
    }

    [Test]
    public void SpinFromWordUsesBit31()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RandomStreams.SpinFromWord(0x80000000u), Is.EqualTo((sbyte)1));
            Assert.That(RandomStreams.SpinFromWord(0xFFFFFFFFu), Is.EqualTo((sbyte)1));
            Assert.That(RandomStreams.SpinFromWord(0x7FFFFFFFu), Is.EqualTo((sbyte)-1));
            Assert.That(RandomStreams.SpinFromWord(0u), Is.EqualTo((sbyte)-1));
        });
    }

    [Test]
    public void SiteIsLemireMultiplyShiftAndInRange()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RandomStreams.Site(0u, 7), Is.EqualTo(0));
            Assert.That(RandomStreams.Site(0xFFFFFFFFu, 7), Is.EqualTo(6));
            Assert.That(RandomStreams.Site(0x80000000u, 10), Is.EqualTo(5));
            Assert.That(RandomStreams.Site(0xFFFFFFFFu, 16384), Is.EqualTo(16383));
        });
        // Over many draws every site of a small n is hit about equally often.
        var counts = new int[5];
        for (ulong g = 0; g < 50_000; g++) counts[RandomStreams.Site(RandomStreams.Draw(7, g, 2).W0, 5)]++;
        // Binomial(50000, 0.2): sd ≈ 89; 6 sd ≈ 540.
        Assert.That(counts, Is.All.InRange(10_000 - 540, 10_000 + 540));
    }

    [Test]
    public void U53IsExactAndInUnitInterval()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RandomStreams.U53(0, 0), Is.EqualTo(0.0));
            // All 53 bits set: (2^53 - 1) / 2^53, the largest double below 1.
            Assert.That(RandomStreams.U53(0xFFFFFFFFu, 0xFFFFFFFFu), Is.EqualTo(1.0 - Math.Pow(2, -53)));
            // Only the top bit of a: 2^26 * 2^26 / 2^53 = 0.5.
            Assert.That(RandomStreams.U53(0x80000000u, 0), Is.EqualTo(0.5));
            // Only the lowest used bit of b: 2^-53.
            Assert.That(RandomStreams.U53(0, 0x40u), Is.EqualTo(Math.Pow(2, -53)));
            // The discarded low bits do not matter.
            Assert.That(RandomStreams.U53(0x1Fu, 0x3Fu), Is.EqualTo(0.0));
        });
        double sum = 0;
        const int count = 100_000;
        for (ulong g = 0; g < count; g++)
        {
            PhiloxWords w = RandomStreams.Draw(3, g, 3);
            sum += RandomStreams.U53(w.W1, w.W2);
        }
        // Mean of U(0,1): sd of the mean = 1/sqrt(12·count) ≈ 0.0009; allow 5 sd.
        Assert.That(sum / count, Is.EqualTo(0.5).Within(0.0046));
    }

    [Test]
    public void InitSpinsUseWordIAnd3OfDrawIShift2()
    {
        const int n = 11;
        var s = new sbyte[n];
        unsafe
        {
            fixed (sbyte* p = s) RandomStreams.FillInitSpins(99, n, p);
        }
        for (int i = 0; i < n; i++)
        {
            PhiloxWords w = Philox4x32.Generate((uint)(i >> 2), 0, 1, 0, 99, 0);
            uint word = (i & 3) switch { 0 => w.W0, 1 => w.W1, 2 => w.W2, _ => w.W3 };
            Assert.That(s[i], Is.EqualTo((word & 0x80000000u) != 0 ? (sbyte)1 : (sbyte)-1), $"site {i}");
        }
    }
}
