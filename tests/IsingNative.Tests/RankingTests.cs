using IsingNative.Core;

namespace IsingNative.Tests;

/// <summary>
/// Issue 15: the rank statistics behind the estimator-accuracy benchmark and the pre-filter's
/// top-k, against values computed by hand.
/// </summary>
public class RankingTests
{
    [Test]
    public void AverageRanksShareTiedRanks()
    {
        Assert.That(Ranking.AverageRanks([3.0, 1.0, 3.0, 2.0]), Is.EqualTo(new[] { 3.5, 1.0, 3.5, 2.0 }));
        Assert.That(Ranking.AverageRanks([5.0, 5.0, 5.0]), Is.EqualTo(new[] { 2.0, 2.0, 2.0 }));
        Assert.That(Ranking.AverageRanks([-1.0, 7.0, 0.5]), Is.EqualTo(new[] { 1.0, 3.0, 2.0 }));
    }

    [Test]
    public void SpearmanOfPerfectReversedAndTiedRankings()
    {
        Assert.That(Ranking.Spearman([1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]), Is.EqualTo(1.0));
        Assert.That(Ranking.Spearman([1.0, 2.0, 3.0, 4.0], [0.9, 0.8, 0.1, -5.0]), Is.EqualTo(-1.0));
        // Monotone but not linear: only the ranks count.
        Assert.That(Ranking.Spearman([1.0, 2.0, 3.0, 4.0], [1.0, 8.0, 27.0, 1000.0]), Is.EqualTo(1.0));
        // x ranks 1, 2.5, 2.5, 4 against 1, 2, 3, 4: Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5 → 4.5/√22.5 = 3/√10.
        Assert.That(Ranking.Spearman([1.0, 2.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0]), Is.EqualTo(3 / Math.Sqrt(10)).Within(1e-15));
        // d = rank differences 0, 2, -1, -1 (no ties): 1 - 6·Σd²/(m(m²-1)) = 1 - 6·6/60 = 0.4.
        Assert.That(Ranking.Spearman([10.0, 20.0, 30.0, 40.0], [1.0, 4.0, 2.0, 3.0]), Is.EqualTo(0.4).Within(1e-15));
    }

    [Test]
    public void SpearmanIsUndefinedWithoutARankingAndRefusesNaN()
    {
        Assert.That(Ranking.Spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]), Is.NaN);
        Assert.That(Ranking.Spearman([1.0], [2.0]), Is.NaN);
        var e = Assert.Throws<ArgumentException>(() => Ranking.Spearman([1.0, double.NaN], [1.0, 2.0]))!;
        Assert.That(e.Message, Does.Contain("x[1]"));
        e = Assert.Throws<ArgumentException>(() => Ranking.Spearman([1.0, 2.0], [1.0]))!;
        Assert.That(e.Message, Does.Contain("expected 2").And.Contain("got 1"));
    }

    [Test]
    public void TopKTakesTheLargestBestFirstAndTheLowerIndexOfEqualScores()
    {
        var top = new int[3];
        Assert.That(Ranking.TopK([0.5, 0.9, 0.5, 0.9, 0.1], 3, top), Is.EqualTo(3));
        Assert.That(top, Is.EqualTo(new[] { 1, 3, 0 }));
        Assert.That(Ranking.TopK([0.2, 0.7], 3, top), Is.EqualTo(2));
        Assert.That(top[..2], Is.EqualTo(new[] { 1, 0 }));
        Assert.That(Ranking.TopK([double.NaN, 0.2, double.NaN, -1.0], 3, top), Is.EqualTo(3));
        Assert.That(top, Is.EqualTo(new[] { 1, 3, 0 }));
        Assert.That(Ranking.TopK([1.0, 2.0], 0, top), Is.EqualTo(0));
        // Every element equal: the first k indices.
        Assert.That(Ranking.TopK([4.0, 4.0, 4.0, 4.0, 4.0], 3, top), Is.EqualTo(3));
        Assert.That(top, Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void RecallCountsTheTrueTopThatTheEstimateSelects()
    {
        Assert.That(Ranking.Recall([4.0, 3.0, 2.0, 1.0], [4.0, 3.0, 2.0, 1.0], 2), Is.EqualTo(1.0));
        Assert.That(Ranking.Recall([4.0, 3.0, 2.0, 1.0], [1.0, 2.0, 3.0, 4.0], 2), Is.EqualTo(0.0));
        Assert.That(Ranking.Recall([4.0, 3.0, 2.0, 1.0], [4.0, 1.0, 3.0, 2.0], 2), Is.EqualTo(0.5));
        // A constant estimate selects the lowest indices.
        Assert.That(Ranking.Recall([1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5], 2), Is.EqualTo(0.0));
        Assert.That(Ranking.Recall([4.0, 3.0, 2.0, 1.0], [0.5, 0.5, 0.5, 0.5], 2), Is.EqualTo(1.0));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ranking.Recall([1.0, 2.0], [1.0, 2.0], 3))!;
        Assert.That(e.Message, Does.Contain("got 3"));
    }

    [Test]
    public void TopCountIsTheCeilingOfTheFractionAndAtLeastOne()
    {
        Assert.That(Ranking.TopCount(40, 0.1), Is.EqualTo(4));
        Assert.That(Ranking.TopCount(41, 0.1), Is.EqualTo(5));
        Assert.That(Ranking.TopCount(5, 0.1), Is.EqualTo(1));
        Assert.That(Ranking.TopCount(100, 0.1), Is.EqualTo(10));
    }
}
