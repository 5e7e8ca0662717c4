namespace IsingNative.Tests;

/// <summary>The emotional memory ring buffer (MODEL.md §8).</summary>
public class EmotionalMemoryTests
{
    private sealed record Entry(EmotionVector Emotion, double Score);

    /// <summary>Naive recall over the last <paramref name="capacity"/> entries in chronological order.</summary>
    private static MemoryRecall Naive(List<Entry> all, int capacity)
    {
        var kept = all.Skip(Math.Max(0, all.Count - capacity)).ToList();
        if (kept.Count == 0) return default;
        double trend = 0;
        if (kept.Count >= 4)
        {
            // Each half has Count/2 entries; the middle one of an odd count belongs to neither.
            int half = kept.Count / 2;
            trend = kept.Skip(kept.Count - half).Average(e => e.Score) - kept.Take(half).Average(e => e.Score);
        }
        return new MemoryRecall(kept.Average(e => e.Emotion.Valence), kept.Average(e => e.Emotion.Arousal),
            kept.Average(e => e.Emotion.Tension), kept.Average(e => e.Emotion.Coherence),
            kept.Average(e => e.Score), kept.Count, trend);
    }

    private static void AssertClose(MemoryRecall actual, MemoryRecall expected, string label)
    {
        const double tol = 1e-12;
        Assert.Multiple(() =>
        {
            Assert.That(actual.Count, Is.EqualTo(expected.Count), $"count, {label}");
            Assert.That(actual.Valence, Is.EqualTo(expected.Valence).Within(tol), $"valence, {label}");
            Assert.That(actual.Arousal, Is.EqualTo(expected.Arousal).Within(tol), $"arousal, {label}");
            Assert.That(actual.Tension, Is.EqualTo(expected.Tension).Within(tol), $"tension, {label}");
            Assert.That(actual.Coherence, Is.EqualTo(expected.Coherence).Within(tol), $"coherence, {label}");
            Assert.That(actual.Score, Is.EqualTo(expected.Score).Within(tol), $"score, {label}");
            Assert.That(actual.Trend, Is.EqualTo(expected.Trend).Within(tol), $"trend, {label}");
        });
    }

    [Test]
    public void DefaultCapacityIs32AndEmptyRecallIsZero()
    {
        var memory = new EmotionalMemory();
        Assert.That(memory.Capacity, Is.EqualTo(32));
        Assert.That(memory.Count, Is.EqualTo(0));
        Assert.That(memory.Recall(), Is.EqualTo(default(MemoryRecall)));
    }

    [Test]
    public void HandWorkedTrend()
    {
        // Scores 0.1, 0.2, 0.3, 0.9: older half mean 0.15, newer half mean 0.6, trend 0.45.
        var memory = new EmotionalMemory(8);
        foreach (double s in new[] { 0.1, 0.2, 0.3 }) memory.Record(new EmotionVector(s, 0, 0, 0), s);
        Assert.That(memory.Recall().Trend, Is.EqualTo(0.0), "fewer than 4 entries: no trend");
        memory.Record(new EmotionVector(0.9, 0, 0, 0), 0.9);
        MemoryRecall r = memory.Recall();
        Assert.That(r.Trend, Is.EqualTo(0.45).Within(1e-15));
        Assert.That(r.Score, Is.EqualTo(0.375).Within(1e-15));
        Assert.That(r.Valence, Is.EqualTo(0.375).Within(1e-15));
    }

    [Test]
    public void DecliningScoresGiveNegativeTrend()
    {
        var memory = new EmotionalMemory(5);
        for (int k = 0; k < 12; k++) memory.Record(new EmotionVector(0, 1, 0, 0), 1.0 - k * 0.05);
        Assert.That(memory.Recall().Trend, Is.LessThan(0));
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(7)]
    [TestCase(32)]
    public void MatchesNaiveRecallBeforeAndAfterWrapAround(int capacity)
    {
        var rng = new Random(capacity);
        var memory = new EmotionalMemory(capacity);
        var all = new List<Entry>();
        for (int k = 0; k < capacity * 3 + 2; k++)
        {
            var e = new Entry(new EmotionVector(2 * rng.NextDouble() - 1, rng.NextDouble(), rng.NextDouble(), rng.NextDouble()),
                rng.NextDouble());
            memory.Record(e.Emotion, e.Score);
            all.Add(e);
            Assert.That(memory.Count, Is.EqualTo(Math.Min(all.Count, capacity)));
            AssertClose(memory.Recall(), Naive(all, capacity), $"capacity {capacity}, after {all.Count} records");
        }
    }
}
