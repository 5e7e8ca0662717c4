using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The swarm simulation (docs/SWARM.md): every round equals an independent reference built
/// from single empathies and compassionate responses, processed in reverse agent order; the
/// same seed gives the same bits on every backend; checkpoints resume exactly.
/// </summary>
[TestFixtureSource(typeof(Engines), nameof(Engines.Available))]
public class SwarmSimulationTests(BackendKind backend)
{
    private static readonly SwarmOptions Options = new()
    {
        Seed = 42,
        Empathy = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 20 } },
        Strength = 0.3,
        Noise = 0.2,
        MemoryCapacity = 3,
    };

    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(backend);
    [TearDown] public void TearDown() => _engine.Dispose();

    private static IsingSystem[] Agents(int k, int n) =>
        Enumerable.Range(0, k).Select(a => a % 3 == 0 ? IsingSystem.SpinGlass(n, 100 + (ulong)a) : IsingSystem.SeedPattern(n, 100 + (ulong)a)).ToArray();

    [Test]
    public void RoundsEqualAReferenceProcessedInReverseOrder()
    {
        const int k = 9, n = 10, rounds = 4;
        var graph = SwarmGraph.Random(k, 3, 5);
        var systems = Agents(k, n);
        using var sim = new SwarmSimulation(_engine, systems, graph, Options);

        // The reference: live copies mutated in reverse agent order, every read from round-start clones.
        var live = systems.Select(s => s.Clone()).ToArray();
        var memories = Enumerable.Range(0, k).Select(_ => new EmotionalMemory(Options.MemoryCapacity)).ToArray();
        bool sawBlend = false, sawNoise = false;
        for (int r = 0; r < rounds; r++)
        {
            SwarmRoundStats stats = sim.Step();
            Assert.That(stats.Round, Is.EqualTo(r));
            var start = live.Select(s => s.Clone()).ToArray();
            double scoreSum = 0;
            int blends = 0;
            for (int a = k - 1; a >= 0; a--)
            {
                var ns = graph.Neighbours(a).ToArray();
                var scores = ns.Select(b => _engine.Empathy(start[a], start[b], SwarmRules.EmpathySeed(Options.Seed, r, k, a, b), Options.Empathy).Score).ToArray();
                int best = Array.IndexOf(scores, scores.Max());
                double score = scores[best];
                scoreSum += scores.Sum();
                if (score > 0.5) blends++;
                ulong noiseSeed = Options.Seed + (ulong)r * k * k + (ulong)a * k + (ulong)a;
                _engine.CompassionateResponse(live[a], start[ns[best]], score, noiseSeed, Options.Strength, Options.Noise);
                memories[a].Record(start[a].Observe().Emotion, score);

                SwarmAgentRound rec = sim.LastRound[a];
                Assert.That(rec.RespondedTo, Is.EqualTo(ns[best]), $"round {r} agent {a}: responded to the first argmax");
                Bits.Same(score, rec.Score, $"round {r} agent {a} score");
                Assert.That(rec.Response, Is.EqualTo(score > 0.5 ? SwarmResponse.Blend : SwarmResponse.Noise));
                Assert.That(rec.Amount, Is.EqualTo(score > 0.5 ? Options.Strength * score : Options.Noise * (1 - score)));
                sawBlend |= score > 0.5;
                sawNoise |= score <= 0.5;
            }
            Assert.That(stats.Blends, Is.EqualTo(blends));
            Assert.That(stats.NoiseResponses, Is.EqualTo(k - blends));
            Assert.That(stats.MeanEmpathy, Is.EqualTo(scoreSum / graph.EdgeCount).Within(1e-12));
            Assert.That(stats.MeanEnergy, Is.EqualTo(live.Average(s => s.Energy())).Within(1e-9));
        }
        Assert.That(sawBlend && sawNoise, Is.True, "the schedule exercises both responses");
        for (int a = 0; a < k; a++)
        {
            Assert.That(sim.Agents[a].System.Couplings.ToArray(), Is.EqualTo(live[a].Couplings.ToArray()), $"agent {a} couplings");
            Assert.That(sim.Agents[a].System.Spins.ToArray(), Is.EqualTo(live[a].Spins.ToArray()), $"agent {a} spins");
            Assert.That(sim.Agents[a].Memory.Recall(), Is.EqualTo(memories[a].Recall()), $"agent {a} memory");
            Assert.That(sim.Agents[a].Memory.Count, Is.EqualTo(Options.MemoryCapacity), "the memory wrapped around");
        }
    }

    [Test]
    public void SameSeedSameBitsOnEveryBackend()
    {
        var graph = SwarmGraph.Ring(12, 4);
        var systems = Agents(12, 8);
        using var reference = IsingEngine.Create(BackendKind.Managed);
        using var a = new SwarmSimulation(reference, systems, graph, Options);
        using var b = new SwarmSimulation(_engine, systems, graph, Options);
        var sa = a.Run(3);
        var sb = b.Run(3);
        for (int r = 0; r < 3; r++) Same(sa[r], sb[r], $"round {r}");
        Assert.That(b.Digest(), Is.EqualTo(a.Digest()), "final state, bit for bit, against the managed backend");

        using var tiled = new SwarmSimulation(_engine, systems, graph, Options) { TileEdges = 7 };   // tiles of 1 agent (4 edges)
        var st = tiled.Run(3);
        for (int r = 0; r < 3; r++) Same(sa[r], st[r], $"tiled round {r}");
        Assert.That(tiled.Digest(), Is.EqualTo(a.Digest()), "a round in tiles of whole agents gives the same bits");

        using var other = new SwarmSimulation(_engine, systems, graph, Options with { Seed = 43 });
        other.Run(3);
        Assert.That(other.Digest(), Is.Not.EqualTo(a.Digest()), "another run seed, another result");
    }

    [Test]
    public void APreFilterAttendsToTheTopKByQuenchEstimate()
    {
        const int k = 12, m = 5;
        var graph = SwarmGraph.Random(k, m, 3);
        var systems = Agents(k, 10);
        var filtered = Options with { PreFilter = new PreFilter(2) };
        using var sim = new SwarmSimulation(_engine, systems, graph, filtered);
        sim.Step();
        for (int a = 0; a < k; a++)
        {
            var ns = graph.Neighbours(a).ToArray();
            var estimates = ns.Select(b => _engine.Quick(systems[a], systems[b], QuickMethod.Quench, Options.Empathy).Score).ToArray();
            int[] kept = filtered.PreFilter!.Keep(estimates);
            var scores = kept.Select(j => _engine.Empathy(systems[a], systems[ns[j]], SwarmRules.EmpathySeed(Options.Seed, 0, k, a, ns[j]), Options.Empathy).Score).ToArray();
            SwarmAgentRound rec = sim.LastRound[a];
            Assert.That(rec.Neighbours, Is.EqualTo(2), $"agent {a}: attended to the kept two");
            Bits.Same(scores[0] + scores[1], rec.ScoreSum, $"agent {a}: score sum of the kept");
            Assert.That(rec.RespondedTo, Is.EqualTo(ns[kept[Array.IndexOf(scores, scores.Max())]]), $"agent {a}: the best of the kept");
        }

        using var reference = IsingEngine.Create(BackendKind.Managed);
        using var managed = new SwarmSimulation(reference, systems, graph, filtered);
        managed.Step();
        sim.Step(); managed.Step();
        Assert.That(sim.Digest(), Is.EqualTo(managed.Digest()), "same bits as the managed backend");

        using var wide = new SwarmSimulation(_engine, systems, graph, Options with { PreFilter = new PreFilter(m) });
        using var plain = new SwarmSimulation(_engine, systems, graph, Options);
        wide.Run(2);
        plain.Run(2);
        Assert.That(wide.Digest(), Is.EqualTo(plain.Digest()), "keeping every neighbour is no filter");
        Assert.That(() => new SwarmSimulation(_engine, systems, graph, Options with { PreFilter = new PreFilter(0) }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("PreFilter"));
    }

    [Test]
    public void ACheckpointResumesExactly()
    {
        var graph = SwarmGraph.Random(10, 3, 9);
        var systems = Agents(10, 8);
        using var straight = new SwarmSimulation(_engine, systems, graph, Options);
        var all = straight.Run(4);

        using var first = new SwarmSimulation(_engine, systems, graph, Options);
        first.Run(2);
        var states = first.SaveStates();
        using var resumed = new SwarmSimulation(_engine, states, graph, Options, round: 2);
        var rest = resumed.Run(2);
        Same(all[2], rest[0], "round 2");
        Same(all[3], rest[1], "round 3");
        Assert.That(resumed.Round, Is.EqualTo(4));
        Assert.That(resumed.Digest(), Is.EqualTo(straight.Digest()));
    }

    [Test]
    public void ACancelledRoundChangesNothing()
    {
        var graph = SwarmGraph.All(6);
        using var sim = new SwarmSimulation(_engine, Agents(6, 8), graph, Options);
        sim.Step();
        string before = sim.Digest();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => sim.Step(cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(sim.Round, Is.EqualTo(1));
        Assert.That(sim.Digest(), Is.EqualTo(before));
    }

    [Test]
    public void IsolatedAgentsDoNothing()
    {
        var graph = SwarmGraph.FromEdges(3, [new AgentEdge(0, 1), new AgentEdge(1, 0)]);
        var systems = Agents(3, 6);
        using var sim = new SwarmSimulation(_engine, systems, graph, Options);
        var stats = sim.Run(2);
        Assert.That(sim.LastRound[2].Response, Is.EqualTo(SwarmResponse.None));
        Assert.That(sim.LastRound[2].RespondedTo, Is.EqualTo(-1));
        Assert.That(sim.Agents[2].Memory.Count, Is.Zero);
        Assert.That(sim.Agents[2].System.Spins.ToArray(), Is.EqualTo(systems[2].Spins.ToArray()));
        Assert.That(stats[1].Blends + stats[1].NoiseResponses, Is.EqualTo(2));
    }

    [Test]
    public void BadInputIsNamed()
    {
        var systems = Agents(4, 6);
        Assert.That(() => new SwarmSimulation(_engine, systems, SwarmGraph.Ring(5, 2)),
            Throws.ArgumentException.With.Message.Contains("5 agents").And.Message.Contains("4 were given"));
        var mixed = systems.ToArray();
        mixed[2] = IsingSystem.SeedPattern(7, 1);
        Assert.That(() => new SwarmSimulation(_engine, mixed, SwarmGraph.Ring(4, 2)),
            Throws.ArgumentException.With.Message.Contains("agent 2 has n=7"));
        var noSpins = systems.ToArray();
        noSpins[1] = IsingSystem.FromArrays(6, new double[36], new double[6]);
        Assert.That(() => new SwarmSimulation(_engine, noSpins, SwarmGraph.Ring(4, 2)),
            Throws.ArgumentException.With.Message.Contains("needs spins"));
        Assert.That(() => new SwarmSimulation(_engine, systems, SwarmGraph.Ring(4, 2), Options with { Strength = 1.5 }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Strength"));
        Assert.That(() => new SwarmSimulation(_engine, systems, SwarmGraph.Ring(4, 2), Options with { MemoryCapacity = 0 }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("MemoryCapacity"));
    }

    private static void Same(SwarmRoundStats e, SwarmRoundStats a, string what)
    {
        Assert.That(a.Round, Is.EqualTo(e.Round), what);
        Bits.Same(e.MeanEmpathy, a.MeanEmpathy, what + " MeanEmpathy");
        Bits.Same(e.MeanResponseScore, a.MeanResponseScore, what + " MeanResponseScore");
        Bits.Same(e.CollectiveEmotion, a.CollectiveEmotion, what + " CollectiveEmotion");
        Bits.Same(e.MeanEmotion, a.MeanEmotion, what + " MeanEmotion");
        Bits.Same(e.MeanEnergy, a.MeanEnergy, what + " MeanEnergy");
        Bits.Same(e.CouplingDrift, a.CouplingDrift, what + " CouplingDrift");
        Assert.That((a.Blends, a.NoiseResponses), Is.EqualTo((e.Blends, e.NoiseResponses)), what);
    }
}
