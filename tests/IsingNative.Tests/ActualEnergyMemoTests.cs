using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// A batch reuses the energy of an "other" system's actual spins while consecutive pairs share
/// that other (every row of a swarm). The reuse must never outlive the call: a system whose
/// spins change between two calls (same arrays, same addresses) is scored on its new spins.
/// </summary>
[TestFixtureSource(typeof(Engines), nameof(Engines.Available))]
public class ActualEnergyMemoTests(BackendKind backend)
{
    [Test]
    public void SpinsChangedBetweenBatchesAreScoredOnTheNewSpins()
    {
        using IsingEngine engine = IsingEngine.Create(backend);
        IsingSystem self = IsingSystem.SeedPattern(20, 1), other = IsingSystem.SeedPattern(20, 2);
        var pairs = new EmpathyPair[64];
        for (int k = 0; k < pairs.Length; k++) pairs[k] = new EmpathyPair(self, other, 100 + (ulong)k);
        var before = new EmpathyResult[pairs.Length];
        engine.EmpathyBatch(pairs, before);

        sbyte[] flipped = other.Spins.ToArray();
        for (int i = 0; i < flipped.Length; i += 3) flipped[i] = (sbyte)-flipped[i];
        other.SetSpins(flipped);
        var after = new EmpathyResult[pairs.Length];
        engine.EmpathyBatch(pairs, after);

        using IsingEngine fresh = IsingEngine.Create(backend);
        for (int k = 0; k < pairs.Length; k++)
        {
            EmpathyResult expected = fresh.Empathy(self, other, pairs[k].Seed);
            Assert.That(after[k], Is.EqualTo(expected), $"pair {k}");
        }
        Assert.That(after[0].ActualEnergy, Is.Not.EqualTo(before[0].ActualEnergy), "the flips change the actual energy");
        Assert.That(after[0].ActualEnergy, Is.EqualTo(other.Observe().Energy));
    }
}
