using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Issue 15, item 4: the pre-filter of social attention and of the set's matrix and edges. The
/// kept entries are exactly the top k of the quick estimates (computed here independently, one
/// <see cref="IsingEngine.Quick(IsingSystem, IsingSystem, double)"/> at a time) and bit-identical
/// to the unfiltered call on the same backend; the skipped ones hold 0 / default; the weights are
/// §7's over the kept subset; and every backend gives the managed engine's filtered result bit for bit.
/// </summary>
[TestFixtureSource(typeof(PreFilterTests), nameof(Backends))]
public class PreFilterTests(BackendKind backend)
{
    public static IEnumerable<BackendKind> Backends() => [BackendKind.Managed, BackendKind.NativeCpu, BackendKind.Gpu];

    private IsingEngine _engine = null!;
    private IsingEngine _reference = null!;

    [OneTimeSetUp]
    public void CreateEngines()
    {
        if (backend != BackendKind.Managed) NativeBackends.RequireAvailable(backend);
        _engine = IsingEngine.Create(backend, 2);
        _reference = IsingEngine.Create(BackendKind.Managed, 2);
    }

    [OneTimeTearDown]
    public void DisposeEngines()
    {
        _engine?.Dispose();
        _reference?.Dispose();
    }

    // Not the default weights: the quench must rank by the weights of the call it filters.
    private static readonly EmpathyOptions Short = new() { Anneal = new AnnealOptions { Steps = 30 }, Weights = EmpathyWeights.SeedCode };

    /// <summary>A mix of both generators and a few structure-less systems, n fixed.</summary>
    private static IsingSystem[] Swarm(int count, int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(k => (k % 3) switch
        {
            0 => IsingSystem.SeedPattern(n, (ulong)rng.Next()),
            1 => IsingSystem.SpinGlass(n, (ulong)rng.Next()),
            _ => IsingSystem.FromArrays(n, Systems.RandomCouplings(n, rng, 1.0), Systems.RandomFields(n, rng, 0.3), Systems.RandomSpins(n, rng)),
        }).ToArray();
    }

    /// <summary>The expected kept indices: the k best estimates, equal ones by lower index, in index order.</summary>
    private static int[] ExpectedKept(IReadOnlyList<double> estimates, int k) =>
        estimates.Select((q, i) => (q, i)).OrderByDescending(t => t.q).ThenBy(t => t.i).Take(k).Select(t => t.i).Order().ToArray();

    /// <summary>The filter's estimates, one call at a time on the managed engine (with the call's weights).</summary>
    private double[] Estimates(IsingSystem self, IEnumerable<IsingSystem> others, QuickMethod method) =>
        others.Select(o => _reference.Quick(self, o, method, Short).Score).ToArray();

    [Test]
    public void SocialAttentionKeepsTheTopKBitIdenticalAndWeighsOnlyThem([Values(1, 3, 8)] int topK, [Values] QuickMethod method)
    {
        var filter = new PreFilter(topK, method);
        IsingSystem[] agents = Swarm(13, 17, 100 + topK);
        IsingSystem self = agents[0];
        IsingSystem[] others = agents[1..];
        const ulong seedBase = 0xFFFF_FFFF_FFFF_FFFA;   // wraps: the kept pairs keep their unfiltered seeds
        SocialAttentionResult full = _engine.SocialAttention(self, others, seedBase, Short);
        SocialAttentionResult filtered = _engine.SocialAttention(self, others, seedBase, Short, filter);
        int[] kept = ExpectedKept(Estimates(self, others, method), topK);

        double sum = kept.Sum(k => full.Scores[k]);
        for (int k = 0; k < others.Length; k++)
        {
            if (kept.Contains(k))
            {
                Bits.Same(full.Results[k], filtered.Results[k], $"kept others[{k}]");
                Bits.Same(full.Scores[k], filtered.Scores[k], $"kept score {k}");
                Assert.That(filtered.Weights[k], Is.EqualTo(sum <= 1e-8 ? 1.0 / topK : full.Scores[k] / sum).Within(1e-14), $"weight {k}");
            }
            else
            {
                Assert.That(filtered.Results[k], Is.EqualTo(default(EmpathyResult)), $"skipped others[{k}]");
                Assert.That(filtered.Scores[k], Is.EqualTo(0.0), $"skipped score {k}");
                Assert.That(filtered.Weights[k], Is.EqualTo(0.0), $"skipped weight {k}");
            }
        }
        Assert.That(filtered.Weights.Sum(), Is.EqualTo(1.0).Within(1e-12));
        int best = kept.Aggregate((a, b) => full.Scores[b] > full.Scores[a] ? b : a);
        Assert.That(filtered.MostEmpathicIndex, Is.EqualTo(best));
        Observables[] emotions = others.Select(o => _reference.Observe(o)).ToArray();
        double v = 0, ar = 0, t = 0, c = 0;
        foreach (int k in kept)
        {
            double w = filtered.Weights[k];
            v += w * emotions[k].Emotion.Valence;
            ar += w * emotions[k].Emotion.Arousal;
            t += w * emotions[k].Emotion.Tension;
            c += w * emotions[k].Emotion.Coherence;
        }
        Bits.Same(new EmotionVector(v, ar, t, c), filtered.CollectiveEmotion, "collective over the kept");

        // The agent set's form and the managed engine give the same, bit for bit.
        using AgentSet set = _engine.CreateAgentSet(agents);
        int[] indices = Enumerable.Range(1, others.Length).ToArray();
        AssertSame(filtered, set.SocialAttention(0, indices, seedBase, Short, filter), "set");
        AssertSame(filtered, _reference.SocialAttention(self, others, seedBase, Short, filter), "managed reference");
    }

    [Test]
    public void EqualEstimatesKeepTheLowerIndex([Values] QuickMethod method)
    {
        // Others 0..3 are one system, 4..7 another (clones: equal estimates within each block).
        IsingSystem self = IsingSystem.SpinGlass(15, 1);
        IsingSystem a = IsingSystem.SpinGlass(15, 2), b = IsingSystem.SeedPattern(15, 3);
        IsingSystem[] others = [a, a.Clone(), a.Clone(), a.Clone(), b, b.Clone(), b.Clone(), b.Clone()];
        double qa = _reference.Quick(self, a, method, Short).Score, qb = _reference.Quick(self, b, method, Short).Score;
        Assume.That(qa, Is.Not.EqualTo(qb), "the two blocks need different estimates");
        int better = qa > qb ? 0 : 4, worse = 4 - better;
        SocialAttentionResult filtered = _engine.SocialAttention(self, others, 3, Short, new PreFilter(6, method));
        int[] kept = Enumerable.Range(0, 8).Where(k => filtered.Results[k].Steps > 0).ToArray();
        Assert.That(kept, Is.EqualTo(Enumerable.Range(better, 4).Concat([worse, worse + 1]).Order().ToArray()));
    }

    [Test]
    public void ATopKOfAllTheOthersIsTheUnfilteredCall()
    {
        IsingSystem[] agents = Swarm(6, 12, 7);
        SocialAttentionResult full = _engine.SocialAttention(agents[0], agents[1..], 5, Short);
        AssertSame(full, _engine.SocialAttention(agents[0], agents[1..], 5, Short, new PreFilter(5)), "TopK = K");
        AssertSame(full, _engine.SocialAttention(agents[0], agents[1..], 5, Short, new PreFilter(50)), "TopK > K");
    }

    [Test]
    public void MatrixKeepsEachRowsTopKOffTheDiagonal([Values(1, 4)] int topK, [Values] QuickMethod method)
    {
        var filter = new PreFilter(topK, method);
        IsingSystem[] agents = Swarm(9, 14, 31 * topK);
        int k = agents.Length;
        using AgentSet set = _engine.CreateAgentSet(agents);
        var full = new EmpathyResult[k * k];
        set.EmpathyMatrix(11, full.AsSpan(), Short);
        var filtered = new EmpathyResult[k * k];
        set.EmpathyMatrix(11, filtered.AsSpan(), Short, filter);
        var scores = new double[k * k];
        Array.Fill(scores, double.NaN);
        set.EmpathyMatrix(11, scores.AsSpan(), Short, filter);
        for (int a = 0; a < k; a++)
        {
            int[] columns = Enumerable.Range(0, k).Where(b => b != a).ToArray();
            int[] kept = ExpectedKept(Estimates(agents[a], columns.Select(b => agents[b]), method), topK).Select(j => columns[j]).ToArray();
            for (int b = 0; b < k; b++)
            {
                int cell = a * k + b;
                if (kept.Contains(b))
                {
                    Bits.Same(full[cell], filtered[cell], $"kept ({a}, {b})");
                    Bits.Same(full[cell].Score, scores[cell], $"kept score ({a}, {b})");
                }
                else
                {
                    Assert.That(filtered[cell], Is.EqualTo(default(EmpathyResult)), $"skipped ({a}, {b})");
                    Assert.That(scores[cell], Is.EqualTo(0.0), $"skipped score ({a}, {b})");
                }
            }
        }
        var engineScores = new double[k * k];
        _engine.EmpathyMatrix(agents, 11, engineScores, Short, filter);
        for (int cell = 0; cell < k * k; cell++) Bits.Same(scores[cell], engineScores[cell], $"engine form, cell {cell}");
        using AgentSet referenceSet = _reference.CreateAgentSet(agents);
        var reference = new EmpathyResult[k * k];
        referenceSet.EmpathyMatrix(11, reference.AsSpan(), Short, filter);
        for (int cell = 0; cell < k * k; cell++) Bits.Same(reference[cell], filtered[cell], $"managed reference cell {cell}");
    }

    [Test]
    public void EdgesKeepEachSelfsTopKEdges([Values] QuickMethod method)
    {
        IsingSystem[] agents = Swarm(8, 16, 5);
        using AgentSet set = _engine.CreateAgentSet(agents);
        // Unsorted, repeated and self edges; self 6 has a single edge.
        AgentEdge[] edges =
        [
            new(2, 5), new(0, 1), new(2, 2), new(0, 3), new(2, 7), new(0, 4), new(6, 1), new(2, 0),
            new(0, 5), new(2, 5), new(0, 6), new(2, 3), new(0, 7), new(0, 2),
        ];
        const int topK = 2;
        var full = new EmpathyResult[edges.Length];
        set.EmpathyEdges(edges, 3, full.AsSpan(), Short);
        var filtered = new EmpathyResult[edges.Length];
        set.EmpathyEdges(edges, 3, filtered.AsSpan(), Short, new PreFilter(topK, method));
        var scores = new double[edges.Length];
        set.EmpathyEdges(edges, 3, scores.AsSpan(), Short, new PreFilter(topK, method));
        var keptEdges = new HashSet<int>();
        foreach (int self in edges.Select(e => e.Self).Distinct())
        {
            int[] mine = Enumerable.Range(0, edges.Length).Where(e => edges[e].Self == self).ToArray();
            foreach (int j in ExpectedKept(Estimates(agents[self], mine.Select(e => agents[edges[e].Other]), method), topK)) keptEdges.Add(mine[j]);
        }
        Assert.That(keptEdges, Has.Count.EqualTo(5));
        for (int e = 0; e < edges.Length; e++)
        {
            if (keptEdges.Contains(e))
            {
                Bits.Same(full[e], filtered[e], $"kept edge {e}");
                Bits.Same(full[e].Score, scores[e], $"kept edge score {e}");
            }
            else
            {
                Assert.That(filtered[e], Is.EqualTo(default(EmpathyResult)), $"skipped edge {e}");
                Assert.That(scores[e], Is.EqualTo(0.0), $"skipped edge score {e}");
            }
        }
    }

    [Test]
    public void ABadPreFilterIsRefusedNamingTheValueAndNothingIsWritten()
    {
        IsingSystem[] agents = Swarm(4, 10, 3);
        using AgentSet set = _engine.CreateAgentSet(agents);
        var scores = new double[16];
        Array.Fill(scores, -7.0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => set.EmpathyMatrix(1, scores.AsSpan(), null, new PreFilter(0)))!;
        Assert.That(e.ParamName, Is.EqualTo("preFilter"));
        Assert.That(e.Message, Does.Contain("TopK must be >= 1, got 0"));
        Assert.That(scores, Is.All.EqualTo(-7.0));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => set.EmpathyEdges([new AgentEdge(0, 1)], 1, scores.AsSpan(0, 1), null, new PreFilter(2, (QuickMethod)77)))!;
        Assert.That(e.Message, Does.Contain("77"));
        Assert.That(scores, Is.All.EqualTo(-7.0));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _engine.EmpathyMatrix(agents, 1, scores, null, new PreFilter(0)))!;
        Assert.That(e.Message, Does.Contain("got 0"));
        Assert.That(scores, Is.All.EqualTo(-7.0));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _engine.SocialAttention(agents[0], agents[1..], 1, null, new PreFilter(-3)))!;
        Assert.That(e.Message, Does.Contain("got -3"));
        Assert.Throws<ArgumentNullException>(() => set.SocialAttention(0, [1, 2], 1, null, null!));
    }

    [Test]
    public void ACancelledFilteredMatrixLeavesTheOutputUntouchedAndProgressCountsTheKeptEntries()
    {
        const int k = 300, keep = 299;   // 89 700 entries: more than one tile on every backend (native: 65 536)
        var agents = Enumerable.Range(0, k).Select(i => IsingSystem.SeedPattern(3, (ulong)i)).ToArray();
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 1, TrialsPerStep = 1 } };
        using AgentSet set = _engine.CreateAgentSet(agents);
        var scores = new double[k * k];
        var reports = new List<BatchProgress>();
        set.EmpathyMatrix(7, scores, options, new PreFilter(keep, QuickMethod.Seed), default, new SyncProgress(reports.Add));
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports[^1], Is.EqualTo(new BatchProgress((long)k * keep, (long)k * keep)), "progress counts the full empathies run");
        Assert.That(scores.Count(v => v != 0), Is.LessThanOrEqualTo(k * keep));

        Array.Fill(scores, double.NaN);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            set.EmpathyMatrix(7, scores, options, new PreFilter(keep, QuickMethod.Seed), cts.Token, new SyncProgress(_ => cts.Cancel())));
        Assert.That(scores, Is.All.NaN, "a cancelled filtered call writes nothing");
    }

    private static void AssertSame(SocialAttentionResult expected, SocialAttentionResult actual, string what)
    {
        Assert.That(actual.MostEmpathicIndex, Is.EqualTo(expected.MostEmpathicIndex), what + " argmax");
        Bits.Same(expected.CollectiveEmotion, actual.CollectiveEmotion, what + " collective");
        for (int k = 0; k < expected.Weights.Length; k++)
        {
            Bits.Same(expected.Weights[k], actual.Weights[k], $"{what} weight {k}");
            Bits.Same(expected.Results[k], actual.Results[k], $"{what} result {k}");
        }
    }
}
