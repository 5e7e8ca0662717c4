using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>The coupling-similarity LRU cache is keyed by identity AND version (MODEL.md §5, Tier 1b).</summary>
public class CouplingCacheTests
{
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(BackendKind.Managed);
    [TearDown] public void TearDown() => _engine.Dispose();

    /// <summary>The similarity computed by an engine that has never seen these systems.</summary>
    private static double Fresh(IsingSystem a, IsingSystem b)
    {
        using var fresh = IsingEngine.Create(BackendKind.Managed);
        return fresh.CouplingSimilarity(a.Clone(), b.Clone());
    }

    [Test]
    public void NeverStaleAfterSetCouplingsOnEitherSystem()
    {
        var a = IsingSystem.SeedPattern(8, 1);
        var b = IsingSystem.SpinGlass(8, 2);
        double before = _engine.CouplingSimilarity(a, b);
        Assert.That(_engine.CouplingSimilarity(a, b), Is.EqualTo(before), "a repeated call (cache hit) returns the same value");

        long versionA = a.Version;
        a.SetCouplings(IsingSystem.SpinGlass(8, 3).Couplings);
        Assert.That(a.Version, Is.Not.EqualTo(versionA), "SetCouplings bumps Version");
        double afterA = _engine.CouplingSimilarity(a, b);
        Assert.Multiple(() =>
        {
            Assert.That(afterA, Is.Not.EqualTo(before), "changed after mutating the first system");
            Assert.That(afterA, Is.EqualTo(Fresh(a, b)), "equals a fresh computation");
        });

        b.SetCouplings(IsingSystem.SeedPattern(8, 4).Couplings);
        double afterB = _engine.CouplingSimilarity(a, b);
        Assert.Multiple(() =>
        {
            Assert.That(afterB, Is.Not.EqualTo(afterA), "changed after mutating the second system");
            Assert.That(afterB, Is.EqualTo(Fresh(a, b)), "equals a fresh computation");
        });

        // Mutating back to identical couplings must give exactly 1, not any cached value.
        b.SetCouplings(a.Couplings);
        Assert.That(_engine.CouplingSimilarity(a, b), Is.EqualTo(1.0));
    }

    [Test]
    public void EmpathyAndQuickSeeMutatedCouplings()
    {
        var self = IsingSystem.SeedPattern(10, 1);
        var other = IsingSystem.SeedPattern(10, 2);
        _ = _engine.Empathy(self, other, 5);
        _ = _engine.Quick(self, other);
        self.SetCouplings(other.Couplings);
        Assert.Multiple(() =>
        {
            Assert.That(_engine.Empathy(self, other, 5).CouplingSimilarity, Is.EqualTo(1.0));
            Assert.That(_engine.Quick(self, other).CouplingSimilarity, Is.EqualTo(1.0));
        });
    }

    [Test]
    public void ManyMoreSystemsThanCapacityStayCorrect()
    {
        // Far more distinct pairs than the capacity, revisited after eviction: every answer
        // must still equal the definition (an LRU that overflowed or mixed keys would not).
        Assert.That(_engine.CouplingCacheCapacity, Is.EqualTo(128));
        int count = _engine.CouplingCacheCapacity + 72;
        var systems = Enumerable.Range(0, count).Select(k => IsingSystem.SpinGlass(6, (ulong)k)).ToArray();
        var reference = IsingSystem.SeedPattern(6, 999);
        for (int round = 0; round < 2; round++)
            for (int k = 0; k < count; k++)
            {
                double expected = Reference.CouplingSimilarity(6, reference.Couplings, systems[k].Couplings);
                Assert.That(_engine.CouplingSimilarity(reference, systems[k]), Is.EqualTo(expected).Within(1e-14),
                    $"round {round}, system {k}");
            }
    }

    [Test]
    public void CacheHoldsAtMostCapacityEntries()
    {
        var reference = IsingSystem.SeedPattern(5, 1);
        for (int k = 0; k < 300; k++)
        {
            _engine.CouplingSimilarity(reference, IsingSystem.SpinGlass(5, (ulong)k));
            Assert.That(_engine.SimilarityCache.Count, Is.EqualTo(Math.Min(k + 1, 128)), $"after {k + 1} distinct pairs");
        }
    }

    [Test]
    public void EvictsTheLeastRecentlyUsedEntry()
    {
        var cache = new CouplingSimilarityCache(3);
        var backend = _engine.ComputeBackend;
        var r = IsingSystem.SeedPattern(5, 1);
        var s = Enumerable.Range(0, 4).Select(k => IsingSystem.SpinGlass(5, (ulong)k + 10)).ToArray();
        cache.Get(r, s[0], backend);
        cache.Get(r, s[1], backend);
        cache.Get(r, s[2], backend);
        Assert.That((cache.Hits, cache.Misses), Is.EqualTo((0L, 3L)));
        cache.Get(s[0], r, backend);                 // hit (key order does not matter); s[0] is now most recent
        Assert.That((cache.Hits, cache.Misses), Is.EqualTo((1L, 3L)));
        cache.Get(r, s[3], backend);                 // full: evicts the least recent, s[1]
        Assert.That(cache.Count, Is.EqualTo(3));
        cache.Get(r, s[0], backend);                 // still there
        cache.Get(r, s[2], backend);                 // still there
        Assert.That((cache.Hits, cache.Misses), Is.EqualTo((3L, 4L)));
        cache.Get(r, s[1], backend);                 // was evicted: recomputed
        Assert.That((cache.Hits, cache.Misses), Is.EqualTo((3L, 5L)));
    }

    [Test]
    public void MutationIsAMissNotAHit()
    {
        var cache = new CouplingSimilarityCache(8);
        var backend = _engine.ComputeBackend;
        var a = IsingSystem.SeedPattern(5, 1);
        var b = IsingSystem.SpinGlass(5, 2);
        double before = cache.Get(a, b, backend);
        a.SetCouplings(IsingSystem.SpinGlass(5, 3).Couplings);
        double after = cache.Get(a, b, backend);
        Assert.That((cache.Hits, cache.Misses), Is.EqualTo((0L, 2L)));
        Assert.That(after, Is.Not.EqualTo(before));
        Assert.That(after, Is.EqualTo(Reference.CouplingSimilarity(5, a.Couplings, b.Couplings)).Within(1e-14));
    }
}
