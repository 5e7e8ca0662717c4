using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace IsingNative.Cluster.Tests;

/// <summary>
/// Issue 14 item 4: the cluster's result is the single-process swarm's, bit for bit, for one
/// silo and for three, ring and random graphs. Issue 23 item 1: for every block size, from one
/// agent per grain to the whole swarm in one; only the boundary travels, deltas when it can.
/// </summary>
[TestFixture(1)]
[TestFixture(3)]
public class ClusterIdentityTests(int silos)
{
    private TestCluster? _cluster;
    private string? _dir;

    [OneTimeSetUp]
    public async Task Start() => (_cluster, _dir) = await Clusters.StartAsync(silos);

    [OneTimeTearDown]
    public Task Stop() => Clusters.StopAsync(_cluster, _dir);

    public static IEnumerable<TestCaseData> Graphs()
    {
        const int whole = ClusterSwarmOptions.DefaultBlockSize;
        yield return new TestCaseData("ring", 12, 8, 4, 1, whole).SetArgDisplayNames("ring K=12 n=8 m=4, one block");
        yield return new TestCaseData("ring", 12, 8, 4, 1, 5).SetArgDisplayNames("ring K=12 n=8 m=4, blocks of 5");
        yield return new TestCaseData("ring", 12, 8, 4, 1, 1).SetArgDisplayNames("ring K=12 n=8 m=4, blocks of 1");
        yield return new TestCaseData("random", 20, 10, 3, 1, 6).SetArgDisplayNames("random K=20 n=10 m=3, blocks of 6");
        // Issue 23 item 2: a checkpoint every 3 rounds (rounds 0-2 in memory, the state at the
        // start of round 3 persisted, round 3 in memory again).
        yield return new TestCaseData("ring", 12, 8, 4, 3, 5).SetArgDisplayNames("ring K=12 n=8 m=4, blocks of 5, checkpoint every 3");
        yield return new TestCaseData("random", 20, 10, 3, 3, 6).SetArgDisplayNames("random K=20 n=10 m=3, blocks of 6, checkpoint every 3");
    }

    private static SwarmGraph Graph(string kind, int k, int m) => kind == "ring" ? SwarmGraph.Ring(k, m) : SwarmGraph.Random(k, m, 9);

    [TestCaseSource(nameof(Graphs))]
    public async Task RoundsAndFinalStateAreBitIdenticalToTheSingleProcessSwarm(string kind, int k, int n, int m, int checkpointEvery, int blockSize)
    {
        const int rounds = 4;
        var agents = Clusters.Agents(k, n);
        var graph = Graph(kind, k, m);
        var (expected, digest) = Clusters.Reference(agents, graph, Clusters.Options, rounds);
        Assume.That(expected.Sum(s => s.Blends), Is.GreaterThan(0), "the reference run blends at least once");

        var (actual, clusterDigest, swarm) = await Clusters.RunAsync(_cluster!.Client, agents, graph, Clusters.Options, rounds,
            new ClusterSwarmOptions { CheckpointEvery = checkpointEvery, BlockSize = blockSize });

        Clusters.AssertSameBits(expected, actual, $"{silos} silo(s), {graph.Description}, blocks of {blockSize}, checkpoint every {checkpointEvery}");
        Assert.That(clusterDigest, Is.EqualTo(digest), "final digest");
        Assert.That(swarm.RedoneRounds, Is.Zero, "no fault, no redo");
        Assert.That(swarm.ReplayedRounds, Is.Zero, "no fault, no rollback");
        Assert.That(swarm.LastCheckpoint, Is.EqualTo(rounds / checkpointEvery * checkpointEvery), "the last round whose start state was persisted");
        int blocks = (k + blockSize - 1) / blockSize;
        Assert.That(swarm.Plan.BlockCount, Is.EqualTo(blocks));
        Assert.That(Versions(swarm, "block_"), Has.Length.EqualTo(blocks).And.All.EqualTo(1), "each block wrote its config once");
        long[] checkpoints = Versions(swarm, "checkpoint-");
        Assert.That(checkpoints.Sum(), Is.EqualTo(blocks * (1L + rounds / checkpointEvery)), "each block wrote at Init and at every checkpoint only");
        Assert.That(checkpoints, Has.Length.EqualTo(rounds / checkpointEvery == 0 ? blocks : 2 * blocks), "two checkpoint slots per block, in turn");
        Assert.That(expected.Sum(s => s.Blends) + expected.Sum(s => s.NoiseResponses), Is.EqualTo(rounds * k), "every agent responded every round");
    }

    [Test]
    public async Task APreFilteredSwarmIsBitIdenticalToTheSingleProcessOne()
    {
        const int rounds = 3, k = 16, m = 5;
        var agents = Clusters.Agents(k, 10);
        var graph = SwarmGraph.Random(k, m, 4);
        var options = Clusters.Options with { PreFilter = new PreFilter(2) };
        var (expected, digest) = Clusters.Reference(agents, graph, options, rounds);
        var (actual, clusterDigest, swarm) = await Clusters.RunAsync(_cluster!.Client, agents, graph, options, rounds, new ClusterSwarmOptions { BlockSize = 5 });
        Clusters.AssertSameBits(expected, actual, $"{silos} silo(s), pre-filter top 2 of {m}, blocks of 5");
        Assert.That(clusterDigest, Is.EqualTo(digest), "final digest");
        Assert.That(swarm.LastRound.All(r => r.Neighbours == 2), Is.True, "every agent attended to its 2 kept neighbours");
        var (unfiltered, _) = Clusters.Reference(agents, graph, Clusters.Options, rounds);
        Assert.That(Clusters.Bits(expected[0]), Is.Not.EqualTo(Clusters.Bits(unfiltered[0])), "the filter changes the run");
    }

    [Test]
    public async Task AnotherSeedGivesAnotherRun()
    {
        var agents = Clusters.Agents(12, 8);
        var graph = SwarmGraph.Ring(12, 2);
        var (a, da, _) = await Clusters.RunAsync(_cluster!.Client, agents, graph, Clusters.Options, 2);
        var (b, db, _) = await Clusters.RunAsync(_cluster!.Client, agents, graph, Clusters.Options with { Seed = 43 }, 2);
        Assert.That(db, Is.Not.EqualTo(da), "the seed reaches the agents");
        Assert.That(Clusters.Bits(b[0]), Is.Not.EqualTo(Clusters.Bits(a[0])));
    }

    [Test]
    public async Task OnlyTheBoundaryTravelsAndUnchangedCouplingsTravelAsSpinsOnly()
    {
        const int k = 24, n = 8, blockSize = 6;
        var agents = Clusters.Agents(k, n);
        var graph = SwarmGraph.Ring(k, 2);   // a+1 and a−1: each block of 6 attends to one agent on either side
        var before = SiloStats(_cluster!);
        var swarm = new ClusterSwarm(_cluster!.Client, agents, graph, Clusters.Options, new ClusterSwarmOptions { BlockSize = blockSize });
        Assert.That(swarm.Plan.BlockCount, Is.EqualTo(4));
        Assert.That(swarm.Plan.BoundaryCopies, Is.EqualTo(8), "4 blocks × 2 agents of their neighbour blocks");

        await swarm.StepAsync();
        var first = Total(swarm.LastExchange);
        Assert.That(first, Is.EqualTo(new SwarmExchange(8 * Full(n), 8, 0)), "round 0: every copy in full, once");
        var blended = swarm.LastRound.Where(r => r.Response == SwarmResponse.Blend).Select(r => r.Agent).ToHashSet();
        int boundaryBlended = swarm.Plan.Exports(0).ToArray().Concat(swarm.Plan.Exports(1).ToArray()).Concat(swarm.Plan.Exports(2).ToArray())
            .Concat(swarm.Plan.Exports(3).ToArray()).Count(blended.Contains);
        Assume.That(boundaryBlended, Is.InRange(1, 7), "round 0 blends some boundary agents and not others");

        await swarm.StepAsync();
        var second = Total(swarm.LastExchange);
        Assert.That(second.Full, Is.EqualTo(boundaryBlended), "round 1: in full only the boundary agents whose couplings a blend changed");
        Assert.That(second.Deltas, Is.EqualTo(8 - boundaryBlended), "the others as their n spins");
        Assert.That(second.Bytes, Is.EqualTo(boundaryBlended * Full(n) + (8 - boundaryBlended) * (long)n));

        var after = SiloStats(_cluster);
        Assert.That(after.Sum(s => s.BlockSteps) - before.Sum(s => s.BlockSteps), Is.EqualTo(2 * 4), "one step per block and round");
        Assert.That(after.Sum(s => s.AgentSteps) - before.Sum(s => s.AgentSteps), Is.EqualTo(2 * k));
        Assert.That(after.Sum(s => s.Empathies) - before.Sum(s => s.Empathies), Is.EqualTo(2L * graph.EdgeCount), "every edge of both rounds ran exactly once");
        if (silos == 3)
            Assert.That(after.Zip(before).Count(p => p.First.BlockSteps > p.Second.BlockSteps), Is.EqualTo(3), "the 4 blocks are spread over all 3 silos");
        var (expected, digest) = Clusters.Reference(agents, graph, Clusters.Options, 2);
        Assert.That(await swarm.DigestAsync(), Is.EqualTo(digest), "the deltas changed nothing");
        TestContext.Out.WriteLine($"{silos} silo(s): round 0 fetched {first}, round 1 {second}");
    }

    [Test]
    public async Task ASiloThatJoinsGetsBlocksAtACheckpoint()
    {
        const int rounds = 8;
        var agents = Clusters.Agents(24, 8);
        var graph = SwarmGraph.Ring(24, 4);
        var (expected, digest) = Clusters.Reference(agents, graph, Clusters.Options, rounds);
        var swarm = new ClusterSwarm(_cluster!.Client, agents, graph, Clusters.Options, new ClusterSwarmOptions { BlockSize = 3 });
        var actual = new List<SwarmRoundStats> { await swarm.StepAsync(), await swarm.StepAsync() };
        SiloHandle joined = await _cluster.StartAdditionalSiloAsync();
        try
        {
            await WaitForActiveSilos(_cluster, silos + 1);
            // A checkpoint moves the blocks the placement now gives the new silo; they activate
            // there once every silo knows it can host them (its grain types reach the others).
            int joinedAt = -1;
            while (actual.Count < rounds)
            {
                actual.Add(await swarm.StepAsync());
                if (joinedAt < 0 && Stats(joined).BlockSteps > 0) joinedAt = actual.Count - 1;
                if (joinedAt < 0) await Task.Delay(TimeSpan.FromSeconds(1));
            }
            TestContext.Out.WriteLine($"{silos} silo(s) + 1: the new silo computed its first blocks in round {joinedAt}");
            Assert.That(joinedAt, Is.GreaterThanOrEqualTo(2), "the new silo computed blocks after it joined");
            Clusters.AssertSameBits(expected, actual.ToArray(), $"{silos} silo(s) and one that joined after round 1");
            Assert.That(await swarm.DigestAsync(), Is.EqualTo(digest), "final digest");
            Assert.That(swarm.RedoneRounds, Is.Zero, "moving blocks at a checkpoint is not a fault");
        }
        finally
        {
            await _cluster.StopSiloAsync(joined);
        }
    }

    private static async Task WaitForActiveSilos(TestCluster cluster, int count)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        for (int i = 0; i < 100 && (await management.GetHosts(onlyActive: true)).Count < count; i++) await Task.Delay(100);
    }

    private static long Full(int n) => 8L * (n * n + n) + n;

    private static SwarmExchange Total(IReadOnlyDictionary<string, SwarmExchange> bySilo) => bySilo.Values.Aggregate(new SwarmExchange(), (a, b) => a + b);

    private long[] Versions(ClusterSwarm swarm, string state) =>
        Directory.GetFiles(_dir!).Where(f => f.Contains(swarm.RunId, StringComparison.Ordinal) && Path.GetFileName(f).StartsWith(state, StringComparison.Ordinal))
            .Select(f => BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(f))).ToArray();

    [Test]
    public void BadInputIsNamedBeforeAnyGrainIsTouched()
    {
        var grains = _cluster!.Client;
        var agents = Clusters.Agents(6, 8);
        Assert.That(() => new ClusterSwarm(grains, agents, SwarmGraph.Ring(7, 2), Clusters.Options),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("agents").And.Message.Contains("the graph has 7 agents, 6 were given"));
        var mixed = agents.Append(IsingSystem.SpinGlass(9, 1)).ToArray();
        Assert.That(() => new ClusterSwarm(grains, mixed, SwarmGraph.Ring(7, 2), Clusters.Options),
            Throws.ArgumentException.With.Message.Contains("agent 6 has n=9 but agent 0 has n=8"));
        Assert.That(() => new ClusterSwarm(grains, agents, SwarmGraph.Ring(6, 2), Clusters.Options with { Strength = 2 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Strength"));
        Assert.That(() => new ClusterSwarm(grains, agents, SwarmGraph.Ring(6, 2), Clusters.Options, new ClusterSwarmOptions { RunId = "a/b" }),
            Throws.ArgumentException.With.Message.Contains("\"a/b\""));
        Assert.That(() => new ClusterSwarm(grains, agents, SwarmGraph.Ring(6, 2), Clusters.Options, new ClusterSwarmOptions { MaxAttempts = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxAttempts must be >= 1, got 0"));
        Assert.That(() => new ClusterSwarm(grains, agents, SwarmGraph.Ring(6, 2), Clusters.Options, new ClusterSwarmOptions { CheckpointEvery = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("CheckpointEvery must be >= 1, got 0"));
        Assert.That(() => new ClusterSwarm(grains, agents, SwarmGraph.Ring(6, 2), Clusters.Options, new ClusterSwarmOptions { BlockSize = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("BlockSize must be >= 1, got 0"));
    }

    [Test]
    public async Task ARunIdTakenByAnotherSwarmIsRefusedAndItsAgentsStayAsTheyWere()
    {
        string run = "taken-" + Guid.NewGuid().ToString("N");
        var agents = Clusters.Agents(8, 8);
        var first = new ClusterSwarm(_cluster!.Client, agents, SwarmGraph.Ring(8, 2), Clusters.Options, new ClusterSwarmOptions { RunId = run });
        await first.StepAsync();
        string before = await first.DigestAsync();

        // Same run id, K = 6 instead of 8: block grain 0 exists with K = 8.
        var other = new ClusterSwarm(_cluster.Client, agents[..6], SwarmGraph.Ring(6, 2), Clusters.Options, new ClusterSwarmOptions { RunId = run });
        var e = Assert.ThrowsAsync<ArgumentException>(() => other.InitializeAsync());
        Assert.That(e!.Message, Does.Contain("already holds agents 0..7").And.Contain("K=8"));
        Assert.That(other.RedoneRounds, Is.Zero, "bad input is not retried");
        Assert.That(await first.DigestAsync(), Is.EqualTo(before), "the existing agents are unchanged");
        var next = await first.StepAsync();
        Assert.That(next.Round, Is.EqualTo(1), "the first swarm goes on");

        Assert.That(Directory.GetFiles(_dir!).Count(f => f.Contains(run, StringComparison.Ordinal)), Is.EqualTo(3), "one block: its config and two checkpoint slots");
        await first.ForgetAsync();
        Assert.That(Directory.GetFiles(_dir!).Where(f => f.Contains(run, StringComparison.Ordinal)), Is.Empty, "ForgetAsync deleted every block's files");
        Assert.That(() => first.StepAsync(), Throws.InvalidOperationException.With.Message.Contains("ForgetAsync"));
    }

    internal static SwarmSiloStats Stats(SiloHandle silo) =>
        ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<SwarmSiloEngine>().Stats;

    internal static SwarmSiloStats[] SiloStats(TestCluster cluster) => cluster.Silos.Select(Stats).ToArray();
}
