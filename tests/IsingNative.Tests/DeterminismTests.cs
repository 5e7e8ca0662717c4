using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>Reproducibility (MODEL.md §3): same inputs and seed ⇒ bit-identical results.</summary>
public class DeterminismTests
{
    [TestCaseSource(typeof(Engines), nameof(Engines.Available))]
    public void SameSeedSameResultAcrossEngineInstances(BackendKind backend)
    {
        var self = IsingSystem.SeedPattern(30, 1);
        var other = IsingSystem.SpinGlass(30, 2);
        using var e1 = IsingEngine.Create(backend);
        using var e2 = IsingEngine.Create(backend);
        var s1 = new sbyte[30];
        var s2 = new sbyte[30];
        Assert.That(e2.Anneal(other, 42, s2), Is.EqualTo(e1.Anneal(other, 42, s1)));
        Assert.That(s2, Is.EqualTo(s1));
        foreach (var options in new[]
                 {
                     EmpathyOptions.Default,
                     new EmpathyOptions { Anneal = new AnnealOptions { Acceptance = AcceptanceRule.SeedCompatible } },
                     new EmpathyOptions { Anneal = new AnnealOptions { Precision = Precision.Single } },
                     new EmpathyOptions { Anneal = new AnnealOptions { EarlyStop = new EarlyStop(100, 5) } },
                 })
            Assert.That(e2.Empathy(self, other, 42, options), Is.EqualTo(e1.Empathy(self, other, 42, options)), options.ToString());
        var m1 = e1.Sample(other, 0.8, 50, 1, 5, 3);
        var m2 = e2.Sample(other, 0.8, 50, 1, 5, 3);
        Assert.That(m2.States, Is.EqualTo(m1.States));
        Assert.That(m2.Energies, Is.EqualTo(m1.Energies));
    }

    [Test]
    public void DifferentSeedsGiveDifferentAnneals()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var sys = IsingSystem.SpinGlass(64, 7);
        var options = new AnnealOptions { Steps = 10 };   // short: many distinct local minima
        var finals = new HashSet<string>();
        for (ulong seed = 0; seed < 10; seed++)
        {
            var spins = new sbyte[64];
            engine.Anneal(sys, seed, spins, options);
            finals.Add(string.Join(",", spins));
        }
        Assert.That(finals.Count, Is.GreaterThanOrEqualTo(5));
        var samples = Enumerable.Range(0, 5).Select(seed => engine.Sample(sys, 0.5, 3, 1, 0, (ulong)seed).Energies[^1]).ToHashSet();
        Assert.That(samples.Count, Is.GreaterThan(1), "sampling chains differ by seed");
    }

    [Test]
    public void AllBackendsAreBitIdentical()
    {
        var kinds = Engines.Available().ToArray();
        if (kinds.Length < 2) Assert.Ignore("only one backend is available here; cross-backend identity needs two");
        using var reference = IsingEngine.Create(BackendKind.Managed);
        var pairs = Enumerable.Range(0, 40).Select(k => new EmpathyPair(
            IsingSystem.SeedPattern(5 + k, (ulong)k), IsingSystem.SpinGlass(5 + k, (ulong)k + 100), (ulong)k * 31)).ToArray();
        var expected = new EmpathyResult[pairs.Length];
        reference.EmpathyBatch(pairs, expected);
        foreach (var kind in kinds.Where(k => k != BackendKind.Managed))
        {
            using var engine = IsingEngine.Create(kind);
            var actual = new EmpathyResult[pairs.Length];
            engine.EmpathyBatch(pairs, actual);
            for (int p = 0; p < pairs.Length; p++)
                Assert.That(actual[p], Is.EqualTo(expected[p]), $"{kind}, pair {p}");
        }
    }
}
