using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Issue 10: every call on an <see cref="AgentSet"/> gives bit for bit what the borrowed-view
/// calls give on the same systems and seeds (the managed engine's batch calls are the
/// reference: independent code paths), on every backend, over random sizes, seeds, both
/// precisions, both acceptance rules, both sweep orders, early stop and adaptive steps —
/// and still after member mutations and replacements, which the set notices and pushes
/// (only the changed member, only its spins when only they changed).
/// </summary>
[TestFixtureSource(typeof(AgentSetTests), nameof(Backends))]
public class AgentSetTests(BackendKind backend)
{
    public static IEnumerable<BackendKind> Backends() => [BackendKind.Managed, BackendKind.NativeCpu, BackendKind.Gpu];

    private static readonly int[] OddSizes = [1, 2, 3, 5, 8, 9, 16, 17, 31, 33, 64, 65, 127, 129];

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

    private static EmpathyOptions RandomOptions(Random rng) => Systems.RandomEmpathyOptions(rng, maxSteps: 60, maxTrials: 12);

    private static IsingSystem RandomSystem(int n, Random rng) => rng.Next(5) switch
    {
        0 => IsingSystem.SeedPattern(n, (ulong)rng.Next()),
        1 => IsingSystem.SpinGlass(n, (ulong)rng.Next()),
        2 => IsingSystem.FromArrays(n, Systems.RandomCouplings(n, rng, 1.0), Systems.RandomFields(n, rng, 0.5)),   // no spins
        _ => IsingSystem.FromArrays(n, Systems.RandomCouplings(n, rng, rng.NextDouble() * 2, density: 0.2 + 0.8 * rng.NextDouble()),
            Systems.RandomFields(n, rng, rng.NextDouble()), Systems.RandomSpins(n, rng)),
    };

    /// <summary>Every set call against the reference, for one set state.</summary>
    private void AssertSetMatchesReference(AgentSet set, IsingSystem[] agents, EmpathyOptions options, Random rng, string what)
    {
        int k = agents.Length;
        ulong seedBase = (ulong)rng.NextInt64();

        // Single empathy, quick, similarity, observe.
        for (int t = 0; t < 4; t++)
        {
            int a = rng.Next(k), b = rng.Next(k);
            ulong seed = (ulong)rng.NextInt64();
            Bits.Same(_reference.Empathy(agents[a], agents[b], seed, options), set.Empathy(a, b, seed, options), $"{what} empathy({a},{b})");
            Bits.Same(_reference.Quick(agents[a], agents[b], 3.5), set.Quick(a, b, 3.5), $"{what} quick({a},{b})");
            Bits.Same(_reference.CouplingSimilarity(agents[a], agents[b]), set.CouplingSimilarity(a, b), $"{what} similarity({a},{b})");
            Bits.Same(_reference.Observe(agents[a]), set.Observe(a), $"{what} observe({a})");
        }

        // Observe all.
        var observed = new Observables[k];
        set.ObserveAll(observed);
        for (int i = 0; i < k; i++) Bits.Same(agents[i].Observe(), observed[i], $"{what} observeAll[{i}]");

        // The matrix, from the reference's batch of the same (a, b, seedBase + a*K + b) requests.
        var cells = new EmpathyPair[k * k];
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++) cells[a * k + b] = new EmpathyPair(agents[a], agents[b], unchecked(seedBase + (ulong)(a * k + b)));
        var expected = new EmpathyResult[k * k];
        _reference.EmpathyBatch(cells, expected, options);
        var scores = new double[k * k];
        var results = new EmpathyResult[k * k];
        set.EmpathyMatrix(seedBase, scores, options);
        set.EmpathyMatrix(seedBase, results, options);
        for (int c = 0; c < k * k; c++)
        {
            Bits.Same(expected[c].Score, scores[c], $"{what} matrix score {c}");
            Bits.Same(expected[c], results[c], $"{what} matrix result {c}");
        }

        // Edges: a random subset of the matrix (repeats and self-edges included).
        var edges = new AgentEdge[1 + rng.Next(2 * k)];
        for (int e = 0; e < edges.Length; e++) edges[e] = new AgentEdge(rng.Next(k), rng.Next(k));
        var edgeScores = new double[edges.Length];
        var edgeResults = new EmpathyResult[edges.Length];
        set.EmpathyEdges(edges, seedBase, edgeScores, options);
        set.EmpathyEdges(edges, seedBase, edgeResults, options);
        for (int e = 0; e < edges.Length; e++)
        {
            int c = edges[e].Self * k + edges[e].Other;
            Bits.Same(expected[c].Score, edgeScores[e], $"{what} edge {e}");
            Bits.Same(expected[c], edgeResults[e], $"{what} edge result {e}");
        }

        // Empathy batch of random pairs.
        var pairs = new AgentPair[1 + rng.Next(3 * k)];
        var refPairs = new EmpathyPair[pairs.Length];
        for (int p = 0; p < pairs.Length; p++)
        {
            pairs[p] = new AgentPair(rng.Next(k), rng.Next(k), (ulong)rng.NextInt64());
            refPairs[p] = new EmpathyPair(agents[pairs[p].Self], agents[pairs[p].Other], pairs[p].Seed);
        }
        var batch = new EmpathyResult[pairs.Length];
        var refBatch = new EmpathyResult[pairs.Length];
        set.EmpathyBatch(pairs, batch, options);
        _reference.EmpathyBatch(refPairs, refBatch, options);
        for (int p = 0; p < pairs.Length; p++) Bits.Same(refBatch[p], batch[p], $"{what} batch pair {p}");

        // Quick batch.
        var quick = new QuickEstimate[pairs.Length];
        set.QuickBatch(pairs, quick, 7.25);
        for (int p = 0; p < pairs.Length; p++)
            Bits.Same(_reference.Quick(refPairs[p].Self, refPairs[p].Other, 7.25), quick[p], $"{what} quick batch {p}");

        // Social attention: the reference's empathies and emotions, aggregated here by the §7 rule.
        int self = rng.Next(k);
        int[] others = Enumerable.Range(0, 1 + rng.Next(k)).Select(_ => rng.Next(k)).ToArray();
        AssertSocialAttention(set.SocialAttention(self, others, seedBase, options), agents[self], others.Select(o => agents[o]).ToArray(),
            seedBase, options, $"{what} social");
        AssertSocialAttention(_engine.SocialAttention(agents[self], others.Select(o => agents[o]).ToArray(), seedBase, options),
            agents[self], others.Select(o => agents[o]).ToArray(), seedBase, options, $"{what} engine social");

        // Anneal and anneal batch.
        int m = rng.Next(k);
        ulong annealSeed = (ulong)rng.NextInt64();
        var spins = new sbyte[agents[m].Size];
        var refSpins = new sbyte[agents[m].Size];
        Bits.Same(_reference.Anneal(agents[m], annealSeed, refSpins, options.Anneal), set.Anneal(m, annealSeed, spins, options.Anneal), $"{what} anneal");
        Bits.Same(refSpins, spins, $"{what} anneal spins");
        int[] members = Enumerable.Range(0, 1 + rng.Next(k)).Select(_ => rng.Next(k)).ToArray();
        ulong[] seeds = members.Select(_ => (ulong)rng.NextInt64()).ToArray();
        var all = new sbyte[members.Sum(i => agents[i].Size)];
        var stats = new AnnealStats[members.Length];
        set.AnnealBatch(members, seeds, all, stats, options.Anneal);
        int offset = 0;
        for (int q = 0; q < members.Length; q++)
        {
            int n = agents[members[q]].Size;
            var one = new sbyte[n];
            Bits.Same(_reference.Anneal(agents[members[q]], seeds[q], one, options.Anneal), stats[q], $"{what} anneal batch {q}");
            Bits.Same(one, all.AsSpan(offset, n), $"{what} anneal batch spins {q}");
            offset += n;
        }
    }

    private void AssertSocialAttention(SocialAttentionResult actual, IsingSystem self, IsingSystem[] others, ulong seedBase,
        EmpathyOptions options, string what)
    {
        int count = others.Length;
        var pairs = others.Select((o, k) => new EmpathyPair(self, o, unchecked(seedBase + (ulong)k))).ToArray();
        var results = new EmpathyResult[count];
        _reference.EmpathyBatch(pairs, results, options);
        var emotions = new Observables[count];
        _reference.ObserveBatch(others, emotions);
        double sum = 0;
        int best = 0;
        for (int k = 0; k < count; k++) { sum += results[k].Score; if (results[k].Score > results[best].Score) best = k; }
        double v = 0, a = 0, t = 0, c = 0;
        for (int k = 0; k < count; k++)
        {
            double w = sum <= 1e-8 ? 1.0 / count : results[k].Score / sum;
            Bits.Same(w, actual.Weights[k], $"{what} weight {k}");
            Bits.Same(results[k], actual.Results[k], $"{what} result {k}");
            Bits.Same(results[k].Score, actual.Scores[k], $"{what} score {k}");
            v = v + w * emotions[k].Emotion.Valence;
            a = a + w * emotions[k].Emotion.Arousal;
            t = t + w * emotions[k].Emotion.Tension;
            c = c + w * emotions[k].Emotion.Coherence;
        }
        Bits.Same(new EmotionVector(v, a, t, c), actual.CollectiveEmotion, $"{what} collective");
        Assert.That(actual.MostEmpathicIndex, Is.EqualTo(best), $"{what} argmax");
    }

    [Test]
    public void EverySetCallIsBitIdenticalToTheBorrowedViewCalls()
    {
        var rng = new Random(2026);
        for (int scenario = 0; scenario < 14; scenario++)
        {
            int n = scenario < OddSizes.Length ? OddSizes[scenario] : 1 + rng.Next(90);
            int k = 1 + rng.Next(7);
            IsingSystem[] agents = Enumerable.Range(0, k).Select(_ => RandomSystem(n, rng)).ToArray();
            EmpathyOptions options = RandomOptions(rng);
            using AgentSet set = _engine.CreateAgentSet(agents);
            Assert.That(set.Count, Is.EqualTo(k));
            AssertSetMatchesReference(set, agents, options, rng, $"scenario {scenario} (n={n}, K={k}, {options.Anneal})");
        }
    }

    [Test]
    public void AfterMutationsAndReplaceTheSetStillMatchesAndPushesOnlyTheChangedMembers()
    {
        var rng = new Random(77);
        for (int scenario = 0; scenario < 6; scenario++)
        {
            int n = 3 + rng.Next(40);
            IsingSystem[] agents = Enumerable.Range(0, 5).Select(_ => RandomSystem(n, rng)).ToArray();
            EmpathyOptions options = RandomOptions(rng);
            using AgentSet set = _engine.CreateAgentSet(agents);
            string what = $"scenario {scenario} (n={n})";
            AssertSetMatchesReference(set, agents, options, rng, what + " initial");
            Assert.That((set.MemberPushes, set.SpinPushes), Is.EqualTo((0L, 0L)), "no mutation, no push");

            // Spins only: a spin push of that member alone, and only when a call involves it.
            agents[2].SetSpins(Systems.RandomSpins(n, rng));
            set.Empathy(0, 1, 5, options);
            Assert.That((set.MemberPushes, set.SpinPushes), Is.EqualTo((0L, 0L)), "member 2 is not involved in empathy(0, 1)");
            Bits.Same(_reference.Empathy(agents[0], agents[2], 9, options), set.Empathy(0, 2, 9, options), what + " after SetSpins");
            Assert.That((set.MemberPushes, set.SpinPushes), Is.EqualTo((0L, 1L)), "SetSpins pushes the spins alone");

            // Couplings: a full push of that member.
            var j = Systems.RandomCouplings(n, rng, 0.7);
            agents[1].SetCouplings(j);
            Bits.Same(_reference.Empathy(agents[1], agents[3], 10, options), set.Empathy(1, 3, 10, options), what + " after SetCouplings");
            Assert.That((set.MemberPushes, set.SpinPushes), Is.EqualTo((1L, 1L)), "SetCouplings pushes the member");

            // Compassion: a blend changes J (full push), noise changes spins (spin push).
            _engine.CompassionateResponse(agents[3], agents[4], 0.9, 1);
            _engine.CompassionateResponse(agents[4], agents[0], 0.1, 2, noise: 0.9);
            set.ObserveAll(new Observables[5]);
            Assert.That((set.MemberPushes, set.SpinPushes), Is.EqualTo((2L, 2L)), "blend: one full push; noise: one spin push");

            // Replace with a fresh system: that member only, at Replace time.
            agents[0] = RandomSystem(n, rng);
            set.Replace(0, agents[0]);
            Assert.That(set[0], Is.SameAs(agents[0]));
            Assert.That(set.MemberPushes, Is.EqualTo(3L));
            AssertSetMatchesReference(set, agents, options, rng, what + " after mutations");
            Assert.That((set.MemberPushes, set.SpinPushes), Is.EqualTo((3L, 2L)), "nothing changed since: nothing pushed");
        }
    }

    [Test]
    public void ASetOfMixedSizesRunsEveryCallBetweenEqualSizesAndRefusesTheMatrix()
    {
        var rng = new Random(5);
        IsingSystem[] agents = [RandomSystem(6, rng), RandomSystem(9, rng), RandomSystem(6, rng), RandomSystem(9, rng)];
        using AgentSet set = _engine.CreateAgentSet(agents);
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 20 } };
        Assert.That(set.Info.MaxN, Is.EqualTo(9));
        Assert.That(set.Info.Count, Is.EqualTo(4));
        Bits.Same(_reference.Empathy(agents[1], agents[3], 4, options), set.Empathy(1, 3, 4, options), "9 towards 9");
        var edges = new[] { new AgentEdge(0, 2), new AgentEdge(3, 1) };
        var scores = new double[2];
        set.EmpathyEdges(edges, 100, scores, options);
        Bits.Same(_reference.Empathy(agents[0], agents[2], 100 + 0 * 4 + 2, options).Score, scores[0], "edge (0,2)");
        Bits.Same(_reference.Empathy(agents[3], agents[1], 100 + 3 * 4 + 1, options).Score, scores[1], "edge (3,1)");
        var e = Assert.Throws<InvalidOperationException>(() => set.EmpathyMatrix(0, new double[16], options))!;
        Assert.That(e.Message, Does.Contain("member 1 has n=9"));

        // Replace with another n: the set re-lays the member out.
        var bigger = RandomSystem(12, rng);
        set.Replace(2, bigger);
        Assert.That(set.Info.MaxN, Is.EqualTo(12));
        var spins = new sbyte[12];
        var refSpins = new sbyte[12];
        Bits.Same(_reference.Anneal(bigger, 8, refSpins), set.Anneal(2, 8, spins), "anneal of the replaced member");
        Bits.Same(refSpins, spins, "its spins");
    }

    [Test]
    public void EngineMatrixAndItsCancellableOverloadMatchTheBatchOfTheSameRequests()
    {
        var rng = new Random(31);
        IsingSystem[] agents = Enumerable.Range(0, 9).Select(_ => RandomSystem(11, rng)).ToArray();
        EmpathyOptions options = RandomOptions(rng);
        var cells = new EmpathyPair[81];
        for (int a = 0; a < 9; a++)
            for (int b = 0; b < 9; b++) cells[a * 9 + b] = new EmpathyPair(agents[a], agents[b], unchecked(12345UL + (ulong)(a * 9 + b)));
        var expected = new EmpathyResult[81];
        _reference.EmpathyBatch(cells, expected, options);
        var scores = new double[81];
        _engine.EmpathyMatrix(agents, 12345, scores, options);
        var reports = new List<BatchProgress>();
        var scores2 = new double[81];
        using var cts = new CancellationTokenSource();
        _engine.EmpathyMatrix(agents, 12345, scores2, options, cts.Token, new SyncProgress(reports.Add));
        for (int c = 0; c < 81; c++)
        {
            Bits.Same(expected[c].Score, scores[c], $"cell {c}");
            Bits.Same(expected[c].Score, scores2[c], $"cell {c} (cancellable overload)");
        }
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports[^1], Is.EqualTo(new BatchProgress(81, 81)));
    }

    // ---- cancellation and progress -------------------------------------------------------

    /// <summary>Enough jobs for several tiles on every backend (native: 2^16 per tile at small n; managed: 16 384).</summary>
    private static (AgentSet Set, EmpathyOptions Options) BigCheapSet(IsingEngine engine, int k)
    {
        var agents = Enumerable.Range(0, k).Select(i => IsingSystem.SeedPattern(3, (ulong)i)).ToArray();
        return (engine.CreateAgentSet(agents), new EmpathyOptions { Anneal = new AnnealOptions { Steps = 1, TrialsPerStep = 1 } });
    }

    [Test]
    public void ProgressIsMonotoneUpToTheTotal()
    {
        var (set, options) = BigCheapSet(_engine, 300);
        using var _ = set;
        var reports = new List<BatchProgress>();
        var scores = new double[300 * 300];
        using var cts = new CancellationTokenSource();
        set.EmpathyMatrix(7, scores, options, cts.Token, new SyncProgress(reports.Add));
        Assert.That(reports.Count, Is.GreaterThan(1), "more than one tile");
        Assert.That(reports.Select(r => r.Total), Is.All.EqualTo(90000L));
        Assert.That(reports.Select(r => r.Done), Is.Ordered.Ascending.And.Unique);
        Assert.That(reports[0].Done, Is.GreaterThan(0));
        Assert.That(reports[^1].Done, Is.EqualTo(90000L));
        Assert.That(scores, Has.None.NaN);

        var edges = Enumerable.Range(0, 70000).Select(i => new AgentEdge(i % 300, (i * 7) % 300)).ToArray();
        var edgeScores = new double[edges.Length];
        var edgeReports = new List<BatchProgress>();
        set.EmpathyEdges(edges, 7, edgeScores, options, default, new SyncProgress(edgeReports.Add));
        Assert.That(edgeReports.Select(r => r.Done), Is.Ordered.Ascending.And.Unique);
        Assert.That(edgeReports[^1], Is.EqualTo(new BatchProgress(70000, 70000)));
        for (int e = 0; e < edges.Length; e += 997)
            Bits.Same(scores[edges[e].Self * 300 + edges[e].Other], edgeScores[e], $"edge {e} equals its matrix entry");
    }

    [Test]
    public void ATokenCancelledFromTheProgressCallbackStopsTheCallAfterThatTile()
    {
        var (set, options) = BigCheapSet(_engine, 300);
        using var _ = set;
        var scores = new double[300 * 300];
        Array.Fill(scores, double.NaN);
        using var cts = new CancellationTokenSource();
        var reports = new List<BatchProgress>();
        var progress = new SyncProgress(p => { reports.Add(p); cts.Cancel(); });
        var e = Assert.Throws<OperationCanceledException>(() => set.EmpathyMatrix(7, scores, options, cts.Token, progress))!;
        Assert.That(e.CancellationToken, Is.EqualTo(cts.Token));
        Assert.That(reports, Has.Count.EqualTo(1), "cancelled right after the first tile");
        long done = reports[0].Done;
        Assert.That(done, Is.LessThan(90000));
        Assert.That(scores.Take((int)done), Has.None.NaN, "the finished tile is written");
        Assert.That(scores.Skip((int)done), Is.All.NaN, "nothing after it");

        // Batches cancel the same way; a token cancelled before the call changes nothing.
        var pairs = Enumerable.Range(0, 70000).Select(i => new AgentPair(i % 300, (i * 3) % 300, (ulong)i)).ToArray();
        var results = new EmpathyResult[pairs.Length];
        using var cts2 = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            set.EmpathyBatch(pairs, results, options, cts2.Token, new SyncProgress(_ => cts2.Cancel())));
        Assert.That(results[^1], Is.EqualTo(default(EmpathyResult)), "the last tile never ran");
        var untouched = new double[90000];
        Assert.Throws<OperationCanceledException>(() => set.EmpathyMatrix(7, untouched, options, cts2.Token));
        Assert.That(untouched, Is.All.EqualTo(0.0));
    }

    [Test]
    public void AProgressSinkThatThrowsStopsTheCallWithItsException()
    {
        var (set, options) = BigCheapSet(_engine, 300);
        using var _ = set;
        var scores = new double[300 * 300];
        var e = Assert.Throws<InvalidOperationException>(() => set.EmpathyMatrix(7, scores, options, default,
            new SyncProgress(_ => throw new InvalidOperationException("sink failed"))))!;
        Assert.That(e.Message, Is.EqualTo("sink failed"));
        // The set still works afterwards.
        Bits.Same(_reference.Empathy(set[0], set[1], 3, options), set.Empathy(0, 1, 3, options), "after the failed call");
    }

    [Test]
    public void CallingTheSetOrItsContextFromAProgressCallbackIsRefusedNotADeadlock()
    {
        var (set, options) = BigCheapSet(_engine, 300);
        using var _ = set;
        var scores = new double[300 * 300];
        var e = Assert.Throws<InvalidOperationException>(() => set.EmpathyMatrix(7, scores, options, default,
            new SyncProgress(_ => set.Empathy(0, 1, 1, options))))!;
        Assert.That(e.Message, Does.Contain("progress callback"));
        var pairs = new[] { new EmpathyPair(set[0], set[1], 1), new EmpathyPair(set[2], set[3], 2) };
        var results = new EmpathyResult[2];
        // The engine's batch context is the set's: a native engine refuses it too; the managed one may run it.
        TestDelegate viaEngine = () => set.EmpathyMatrix(7, scores, options, default,
            new SyncProgress(_ => _engine.EmpathyBatch(pairs, results, options)));
        if (backend == BackendKind.Managed) Assert.DoesNotThrow(viaEngine);
        else Assert.That(Assert.Throws<InvalidOperationException>(viaEngine)!.Message, Does.Contain("progress callback"));
        // Afterwards the set and the engine work.
        Bits.Same(_reference.Empathy(set[0], set[1], 3, options), set.Empathy(0, 1, 3, options), "after the refused calls");
        _engine.EmpathyBatch(pairs, results, options);
        Bits.Same(_reference.Empathy(set[2], set[3], 2, options), results[1], "engine batch after the refused calls");
    }

    // ---- bad arguments -------------------------------------------------------------------------

    [Test]
    public void BadArgumentsThrowNamingTheArgumentAndValueAndChangeNothing()
    {
        var rng = new Random(9);
        IsingSystem[] agents = [RandomSystem(5, rng), RandomSystem(5, rng), RandomSystem(7, rng)];
        using AgentSet set = _engine.CreateAgentSet(agents);
        agents[0].SetSpins(Systems.RandomSpins(5, rng));   // a pending push no failed call may perform
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 5 } };

        void Check<T>(TestDelegate call, string param, string value) where T : ArgumentException
        {
            var e = Assert.Throws<T>(call)!;
            Assert.That(e.ParamName, Is.EqualTo(param), e.Message);
            Assert.That(e.Message, Does.Contain(value));
        }

        Check<ArgumentOutOfRangeException>(() => set.Empathy(3, 0, 1, options), "self", "3");
        Check<ArgumentOutOfRangeException>(() => set.Empathy(0, -1, 1, options), "other", "-1");
        Check<ArgumentException>(() => set.Empathy(0, 2, 1, options), "other", "n=7");
        Check<ArgumentOutOfRangeException>(() => set.Observe(17), "member", "17");
        Check<ArgumentOutOfRangeException>(() => _ = set[3], "index", "3");
        Check<ArgumentOutOfRangeException>(() => set.Quick(0, 9), "other", "9");
        Check<ArgumentOutOfRangeException>(() => set.Quick(0, 1, -2), "scale", "-2");
        Check<ArgumentOutOfRangeException>(() => set.CouplingSimilarity(4, 0), "a", "4");
        var results = new EmpathyResult[2];
        Check<ArgumentOutOfRangeException>(() => set.EmpathyBatch([new AgentPair(0, 1, 1), new AgentPair(1, 5, 2)], results, options),
            "pairs", "pairs[1].Other = 5");
        Check<ArgumentException>(() => set.EmpathyBatch([new AgentPair(0, 2, 1)], results, options), "pairs", "pairs[0]");
        Check<ArgumentException>(() => set.EmpathyBatch([new AgentPair(0, 1, 1), new AgentPair(1, 0, 2)], new EmpathyResult[1], options),
            "results", "2");
        Check<ArgumentOutOfRangeException>(() => set.EmpathyEdges([new AgentEdge(-3, 0)], 0, new double[1], options), "edges", "edges[0].Self = -3");
        Check<ArgumentException>(() => set.EmpathyEdges([new AgentEdge(0, 1)], 0, Span<double>.Empty, options), "scores", "1");
        Check<ArgumentOutOfRangeException>(() => set.SocialAttention(0, [1, 3], 0, options), "others", "others[1] = 3");
        Check<ArgumentException>(() => set.SocialAttention(0, [2], 0, options), "others", "n=7");
        Check<ArgumentException>(() => set.SocialAttention(0, [], 0, options), "others", "0");
        Check<ArgumentException>(() => set.EmpathyMatrix(0, new double[8], options), "scores", "8");
        Check<ArgumentException>(() => set.ObserveAll(new Observables[2]), "results", "2");
        Check<ArgumentException>(() => set.Anneal(0, 1, new sbyte[4]), "spinsOut", "4");
        Check<ArgumentOutOfRangeException>(() => set.AnnealBatch([0, 3], [1, 2], new sbyte[10], new AnnealStats[2]), "members", "members[1] = 3");
        Check<ArgumentException>(() => set.AnnealBatch([0, 1], [1], new sbyte[10], new AnnealStats[2]), "seeds", "1");
        Check<ArgumentException>(() => set.AnnealBatch([0, 2], [1, 2], new sbyte[10], new AnnealStats[2]), "spinsOut", "12");
        Check<ArgumentOutOfRangeException>(() => set.Replace(3, agents[0]), "index", "3");
        Check<ArgumentNullException>(() => set.Replace(0, null!), "system", "");
        Check<ArgumentOutOfRangeException>(() => set.Empathy(0, 1, 1, new EmpathyOptions { Anneal = new AnnealOptions { Steps = 0 } }), "Steps", "0");

        Assert.That(results, Is.All.EqualTo(default(EmpathyResult)), "no failed call wrote a result");
        Assert.That((set.MemberPushes, set.SpinPushes), Is.EqualTo((0L, 0L)), "no failed call pushed the pending member");
        Assert.That(set[0], Is.SameAs(agents[0]));

        // Creation.
        Check<ArgumentException>(() => _engine.CreateAgentSet(ReadOnlySpan<IsingSystem>.Empty), "members", "0");
        Check<ArgumentNullException>(() => _engine.CreateAgentSet([agents[0], null!]), "members", "members[1]");
    }

    [Test]
    public void ADisposedSetOrEngineThrowsObjectDisposed()
    {
        var agents = new[] { IsingSystem.SeedPattern(6, 1), IsingSystem.SeedPattern(6, 2) };
        AgentSet set = _engine.CreateAgentSet(agents);
        set.Dispose();
        set.Dispose();   // idempotent
        Assert.Throws<ObjectDisposedException>(() => set.Empathy(0, 1, 1));
        Assert.Throws<ObjectDisposedException>(() => set.ObserveAll(new Observables[2]));
        Assert.Throws<ObjectDisposedException>(() => _ = set.Info);

        var engine = IsingEngine.Create(backend, 1);
        AgentSet orphan = engine.CreateAgentSet(agents);
        engine.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => orphan.Empathy(0, 1, 1))!;
        Assert.That(e.Message, Does.Contain("engine"));
        Assert.Throws<ObjectDisposedException>(() => engine.CreateAgentSet(agents));
        orphan.Dispose();   // still releases its native memory after the engine
    }

    // Replace and Info checked only the set: after its engine was disposed they went on to the
    // backend's set, which died with the engine.
    [Test]
    public void ReplaceAndInfoAfterTheEngineIsDisposedThrowObjectDisposed()
    {
        var agents = new[] { IsingSystem.SeedPattern(6, 1), IsingSystem.SeedPattern(6, 2) };
        var engine = IsingEngine.Create(backend, 1);
        AgentSet orphan = engine.CreateAgentSet(agents);
        Assert.That(orphan.Info.Count, Is.EqualTo(2), "the control: a live engine answers");
        engine.Dispose();
        var info = Assert.Throws<ObjectDisposedException>(() => _ = orphan.Info)!;
        Assert.That(info.Message, Does.Contain("engine"));
        var replacement = IsingSystem.SeedPattern(6, 3);
        var replace = Assert.Throws<ObjectDisposedException>(() => orphan.Replace(0, replacement))!;
        Assert.That(replace.Message, Does.Contain("engine"));
        Assert.That(orphan[0], Is.SameAs(agents[0]), "the refused Replace changed nothing");
        orphan.Dispose();
    }

    [Test]
    public void InfoReportsTheMembersAndTheBytesHeld()
    {
        var agents = new[] { IsingSystem.SeedPattern(10, 1), IsingSystem.SeedPattern(20, 2), IsingSystem.SpinGlass(15, 3) };
        using AgentSet set = _engine.CreateAgentSet(agents);
        AgentSetInfo info = set.Info;
        Assert.That(info.Count, Is.EqualTo(3));
        Assert.That(info.MaxN, Is.EqualTo(20));
        Assert.That(info.HostBytes, Is.GreaterThan(0));
        if (backend == BackendKind.NativeCpu)
        {
            long jh = (10 * 10 + 20 * 20 + 15 * 15) * 8L + (10 + 20 + 15) * 8L;
            Assert.That(info.HostBytes, Is.GreaterThanOrEqualTo(jh), "the library's copy holds at least every J and h");
            Assert.That(info.DeviceBytes, Is.Zero);
        }
        if (backend == BackendKind.Gpu) Assert.That(info.DeviceBytes, Is.GreaterThan(0));
        if (backend == BackendKind.Managed) Assert.That(info.DeviceBytes, Is.Zero);
    }
}
