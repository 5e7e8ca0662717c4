using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>Social attention, quick estimate, empathy matrix and batches (MODEL.md §7, ALGORITHM.md §7).</summary>
[TestFixtureSource(typeof(Engines), nameof(Engines.Available))]
public class MultiAgentTests(BackendKind backend)
{
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(backend);
    [TearDown] public void TearDown() => _engine.Dispose();

    private static IsingSystem[] Swarm(int k, int n, ulong seed) =>
        Enumerable.Range(0, k).Select(a => a % 2 == 0
            ? IsingSystem.SeedPattern(n, seed + (ulong)a)
            : IsingSystem.SpinGlass(n, seed + (ulong)a)).ToArray();

    [Test]
    public void SocialAttentionWeightsScoresAndCollectiveEmotion()
    {
        var self = IsingSystem.SeedPattern(16, 1);
        var others = Swarm(6, 16, 10);
        const ulong seedBase = 500;
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 20 } };
        SocialAttentionResult r = _engine.SocialAttention(self, others, seedBase, options);

        var individual = others.Select((o, k) => _engine.Empathy(self, o, seedBase + (ulong)k, options)).ToArray();
        double sum = individual.Sum(x => x.Score);
        Assert.That(r.Results, Is.EqualTo(individual), "each result equals Empathy with seed seedBase + k");
        Assert.That(r.Scores, Is.EqualTo(individual.Select(x => x.Score).ToArray()));
        Assert.That(r.Weights.Sum(), Is.EqualTo(1.0).Within(1e-12));
        for (int k = 0; k < others.Length; k++)
            Assert.That(r.Weights[k], Is.EqualTo(individual[k].Score / sum).Within(1e-15), $"weight {k}");

        double v = 0, a = 0, t = 0, c = 0;
        for (int k = 0; k < others.Length; k++)
        {
            EmotionVector e = others[k].Observe().Emotion;
            v += r.Weights[k] * e.Valence; a += r.Weights[k] * e.Arousal;
            t += r.Weights[k] * e.Tension; c += r.Weights[k] * e.Coherence;
        }
        Assert.Multiple(() =>
        {
            Assert.That(r.CollectiveEmotion.Valence, Is.EqualTo(v).Within(1e-14));
            Assert.That(r.CollectiveEmotion.Arousal, Is.EqualTo(a).Within(1e-14));
            Assert.That(r.CollectiveEmotion.Tension, Is.EqualTo(t).Within(1e-14));
            Assert.That(r.CollectiveEmotion.Coherence, Is.EqualTo(c).Within(1e-14));
        });
        double max = r.Scores.Max();
        Assert.That(r.MostEmpathicIndex, Is.EqualTo(Array.IndexOf(r.Scores, max)), "first argmax");
    }

    [Test]
    public void MostEmpathicIsTheFirstOfTiedMaxima()
    {
        // Seeds differ per index, so use an other whose anneal finds its one state whatever
        // the seed: a 2-spin ferromagnet J = 1 in a field h = 2, where (+,+) (E = -5) is the
        // only local minimum. Its copies score 1; "weak" (actual (-,-), E = 3) scores lower.
        var other = IsingSystem.FromArrays(2, [0, 1, 1, 0], [2, 2], [1, 1]);
        var weak = IsingSystem.FromArrays(2, [0, 1, 1, 0], [2, 2], [-1, -1]);
        var others = new[] { weak, other, other.Clone(), other.Clone() };
        var r = _engine.SocialAttention(other, others, 3);
        Assert.That(r.Scores[1], Is.EqualTo(r.Scores[2]).And.EqualTo(r.Scores[3]));
        Assert.That(r.Scores[1], Is.GreaterThan(r.Scores[0]));
        Assert.That(r.MostEmpathicIndex, Is.EqualTo(1));
    }

    [Test]
    public void SocialAttentionIsUniformWhenAllScoresAreZero()
    {
        // Energy-only weights and others whose actual state is the anti-aligned excited state
        // of a ferromagnetic pair: each prediction has E = -J, the truth +J, energy error 2,
        // so every score is exactly 0 and Σ ≤ 1e-8 must give uniform weights 1/K.
        var others = Enumerable.Range(0, 5)
            .Select(k => IsingSystem.FromArrays(2, [0, 1 + k, 1 + k, 0], [0, 0], [1, -1])).ToArray();
        var options = new EmpathyOptions { Weights = new EmpathyWeights(0, 1, 0, 0) };
        var r = _engine.SocialAttention(others[0], others, 11, options);
        Assert.That(r.Scores, Is.All.EqualTo(0.0));
        Assert.That(r.Weights, Is.All.EqualTo(1.0 / 5));
        Assert.That(r.MostEmpathicIndex, Is.EqualTo(0));
        // Collective emotion with uniform weights is the plain mean.
        double meanValence = others.Average(o => o.Observe().Emotion.Valence);
        Assert.That(r.CollectiveEmotion.Valence, Is.EqualTo(meanValence).Within(1e-15));
    }

    [Test]
    public void QuickEstimateMatchesFormula()
    {
        var self = IsingSystem.SeedPattern(20, 1);
        foreach (double scale in new[] { 100.0, 5.0, 0.5 })
            for (ulong k = 0; k < 5; k++)
            {
                var other = IsingSystem.SpinGlass(20, 40 + k);
                double es = Reference.Energy(self, self.Spins), eo = Reference.Energy(other, other.Spins);
                double c = Reference.CouplingSimilarity(20, self.Couplings, other.Couplings);
                double q = 0.7 * (1 - Math.Min(Math.Abs(es - eo) / scale, 1)) + 0.3 * c;
                QuickEstimate r = _engine.Quick(self, other, scale);
                Assert.Multiple(() =>
                {
                    Assert.That(r.Score, Is.EqualTo(q).Within(1e-12), $"score, scale {scale}, other {k}");
                    Assert.That(r.EnergyDifference, Is.EqualTo(Math.Abs(es - eo)).Within(1e-12));
                    Assert.That(r.CouplingSimilarity, Is.EqualTo(c).Within(1e-14));
                });
            }
    }

    [Test]
    public void QuickEstimateDefaultScaleIs100AndSelfIsOne()
    {
        var a = IsingSystem.SeedPattern(20, 1);
        var b = IsingSystem.SeedPattern(20, 2);
        Assert.That(_engine.Quick(a, b).Score, Is.EqualTo(_engine.Quick(a, b, 100).Score));
        Assert.That(_engine.Quick(a, a.Clone()).Score, Is.EqualTo(1.0).Within(1e-15), "same energy and couplings: 0.7 + 0.3");
    }

    [Test]
    public void EmpathyMatrixEqualsIndividualCallsWithDocumentedSeeds()
    {
        const int k = 5;
        const ulong seedBase = 1234;
        var agents = Swarm(k, 12, 70);
        var scores = new double[k * k];
        _engine.EmpathyMatrix(agents, seedBase, scores);
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
            {
                double expected = _engine.Empathy(agents[a], agents[b], seedBase + (ulong)a * k + (ulong)b).Score;
                Assert.That(scores[a * k + b], Is.EqualTo(expected), $"entry ({a}, {b})");
            }
    }

    [Test]
    public void EmpathyBatchEqualsIndividualCalls()
    {
        // Enough pairs that a parallel implementation really splits the work.
        var agents = Swarm(8, 20, 300);
        var pairs = new EmpathyPair[64];
        for (int p = 0; p < pairs.Length; p++)
            pairs[p] = new EmpathyPair(agents[p % 8], agents[(p * 3 + 1) % 8], (ulong)(p * 7919));
        var results = new EmpathyResult[pairs.Length];
        _engine.EmpathyBatch(pairs, results);
        var again = new EmpathyResult[pairs.Length];
        _engine.EmpathyBatch(pairs, again);
        for (int p = 0; p < pairs.Length; p++)
        {
            var expected = _engine.Empathy(pairs[p].Self, pairs[p].Other, pairs[p].Seed);
            Assert.That(results[p], Is.EqualTo(expected), $"pair {p}");
            Assert.That(again[p], Is.EqualTo(expected), $"repeat, pair {p}");
        }
    }

    [Test]
    public void ParallelEqualsSequential()
    {
        // The same batch on one thread and on several threads: bit-identical, because every
        // pair's random numbers depend only on its own seed (counter-based Philox).
        var agents = Swarm(12, 16, 900);
        var sequentialScores = new double[144];
        var parallelScores = new double[144];
        using (var one = IsingEngine.Create(backend, threads: 1)) one.EmpathyMatrix(agents, 3, sequentialScores);
        using (var many = IsingEngine.Create(backend, threads: 4)) many.EmpathyMatrix(agents, 3, parallelScores);
        Assert.That(parallelScores, Is.EqualTo(sequentialScores));
        Assert.That(sequentialScores.Distinct().Count(), Is.GreaterThan(10), "the entries are not trivially equal");
    }

    [Test]
    public void EmpathyMatrixRejectsWrongOutputLength()
    {
        var agents = Swarm(3, 6, 1);
        var ex = Assert.Catch<ArgumentException>(() => _engine.EmpathyMatrix(agents, 0, new double[8]));
        Assert.That(ex!.Message, Does.Contain("8"));
    }
}
