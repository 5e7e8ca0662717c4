using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace IsingNative.Cluster.Tests;

/// <summary>
/// Issue 14 item 4: the cluster's result is the single-process swarm's, bit for bit, for one
/// silo and for three (agents placed wherever Orleans puts them), ring and random graphs.
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
        yield return new TestCaseData("ring", 12, 8, 4, 1).SetArgDisplayNames("ring K=12 n=8 m=4");
        yield return new TestCaseData("random", 20, 10, 3, 1).SetArgDisplayNames("random K=20 n=10 m=3");
        // Issue 23 item 2: a checkpoint every 3 rounds (rounds 0-2 in memory, the state at the
        // start of round 3 persisted, round 3 in memory again).
        yield return new TestCaseData("ring", 12, 8, 4, 3).SetArgDisplayNames("ring K=12 n=8 m=4, checkpoint every 3");
        yield return new TestCaseData("random", 20, 10, 3, 3).SetArgDisplayNames("random K=20 n=10 m=3, checkpoint every 3");
    }

    private static SwarmGraph Graph(string kind, int k, int m) => kind == "ring" ? SwarmGraph.Ring(k, m) : SwarmGraph.Random(k, m, 9);

    [TestCaseSource(nameof(Graphs))]
    public async Task RoundsAndFinalStateAreBitIdenticalToTheSingleProcessSwarm(string kind, int k, int n, int m, int checkpointEvery)
    {
        const int rounds = 4;
        var agents = Clusters.Agents(k, n);
        var graph = Graph(kind, k, m);
        var (expected, digest) = Clusters.Reference(agents, graph, Clusters.Options, rounds);
        Assume.That(expected.Sum(s => s.Blends), Is.GreaterThan(0), "the reference run blends at least once");

        var (actual, clusterDigest, swarm) = await Clusters.RunAsync(_cluster!.Client, agents, graph, Clusters.Options, rounds,
            new ClusterSwarmOptions { CheckpointEvery = checkpointEvery });

        Clusters.AssertSameBits(expected, actual, $"{silos} silo(s), {graph.Description}, checkpoint every {checkpointEvery}");
        Assert.That(clusterDigest, Is.EqualTo(digest), "final digest");
        Assert.That(swarm.RedoneRounds, Is.Zero, "no fault, no redo");
        Assert.That(swarm.ReplayedRounds, Is.Zero, "no fault, no rollback");
        Assert.That(swarm.LastCheckpoint, Is.EqualTo(rounds / checkpointEvery * checkpointEvery), "the last round whose start state was persisted");
        long[] versions = Directory.GetFiles(_dir!).Where(f => f.Contains(swarm.RunId, StringComparison.Ordinal))
            .Select(f => BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(f))).ToArray();
        Assert.That(versions, Has.Length.EqualTo(k).And.All.EqualTo(1 + rounds / checkpointEvery), "each agent wrote at Init and at every checkpoint only");
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
        var (actual, clusterDigest, swarm) = await Clusters.RunAsync(_cluster!.Client, agents, graph, options, rounds);
        Clusters.AssertSameBits(expected, actual, $"{silos} silo(s), pre-filter top 2 of {m}");
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
    public async Task TheSilosBatchTheirAgentsEmpathies()
    {
        var agents = Clusters.Agents(24, 8);
        var graph = SwarmGraph.Ring(24, 2);
        var before = BatcherStats(_cluster!);
        var cacheBefore = CacheStats(_cluster!);
        await Clusters.RunAsync(_cluster!.Client, agents, graph, Clusters.Options, 2);
        var after = BatcherStats(_cluster);
        var cacheAfter = CacheStats(_cluster);
        long fetches = cacheAfter.Sum(c => c.Fetches) - cacheBefore.Sum(c => c.Fetches);
        long hits = cacheAfter.Sum(c => c.Hits) - cacheBefore.Sum(c => c.Hits);
        Assert.That(fetches + hits, Is.EqualTo(2L * graph.EdgeCount), "one snapshot per edge and round, fetched or shared");
        if (silos == 1) Assert.That(fetches, Is.EqualTo(2L * 24), "one silo fetches every agent's snapshot once per round");
        long pairs = after.Sum(s => s.Pairs) - before.Sum(s => s.Pairs);
        long batches = after.Sum(s => s.Batches) - before.Sum(s => s.Batches);
        long requests = after.Sum(s => s.Requests) - before.Sum(s => s.Requests);
        TestContext.Out.WriteLine($"{silos} silo(s): {pairs} pairs, {requests} agent requests in {batches} engine calls; most requests in one call: {after.Max(s => s.MaxRequests)}");
        Assert.That(pairs, Is.EqualTo(2L * graph.EdgeCount), "every edge of both rounds ran exactly once");
        Assert.That(requests, Is.EqualTo(2L * 24), "one request per agent and round");
        Assert.That(batches, Is.LessThan(requests), "agents' requests were merged into fewer engine calls");
        Assert.That(after.Max(s => s.MaxRequests), Is.GreaterThan(1), "an engine call served more than one agent");
    }

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
    }

    [Test]
    public async Task ARunIdTakenByAnotherSwarmIsRefusedAndItsAgentsStayAsTheyWere()
    {
        string run = "taken-" + Guid.NewGuid().ToString("N");
        var agents = Clusters.Agents(8, 8);
        var first = new ClusterSwarm(_cluster!.Client, agents, SwarmGraph.Ring(8, 2), Clusters.Options, new ClusterSwarmOptions { RunId = run });
        await first.StepAsync();
        string before = await first.DigestAsync();

        // Same run id, K = 6 instead of 8: agent grains 0..5 exist with K = 8.
        var other = new ClusterSwarm(_cluster.Client, agents[..6], SwarmGraph.Ring(6, 2), Clusters.Options, new ClusterSwarmOptions { RunId = run });
        var e = Assert.ThrowsAsync<ArgumentException>(() => other.InitializeAsync());
        Assert.That(e!.Message, Does.Contain("already holds agent").And.Contain("K=8"));
        Assert.That(other.RedoneRounds, Is.Zero, "bad input is not retried");
        Assert.That(await first.DigestAsync(), Is.EqualTo(before), "the existing agents are unchanged");
        var next = await first.StepAsync();
        Assert.That(next.Round, Is.EqualTo(1), "the first swarm goes on");

        Assert.That(Directory.GetFiles(_dir!).Count(f => f.Contains(run, StringComparison.Ordinal)), Is.EqualTo(8), "one file per agent");
        await first.ForgetAsync();
        Assert.That(Directory.GetFiles(_dir!).Where(f => f.Contains(run, StringComparison.Ordinal)), Is.Empty, "ForgetAsync deleted every agent's file");
        Assert.That(() => first.StepAsync(), Throws.InvalidOperationException.With.Message.Contains("ForgetAsync"));
    }

    internal static (long Fetches, long Hits)[] CacheStats(TestCluster cluster) =>
        cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<SwarmSnapshotCache>().Stats).ToArray();

    internal static SwarmBatcherStats[] BatcherStats(TestCluster cluster) =>
        cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<SwarmEmpathyBatcher>().Stats).ToArray();
}
