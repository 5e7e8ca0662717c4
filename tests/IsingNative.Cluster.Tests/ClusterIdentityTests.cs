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
        yield return new TestCaseData("ring", 12, 8, 4).SetArgDisplayNames("ring K=12 n=8 m=4");
        yield return new TestCaseData("random", 20, 10, 3).SetArgDisplayNames("random K=20 n=10 m=3");
    }

    private static SwarmGraph Graph(string kind, int k, int m) => kind == "ring" ? SwarmGraph.Ring(k, m) : SwarmGraph.Random(k, m, 9);

    [TestCaseSource(nameof(Graphs))]
    public async Task RoundsAndFinalStateAreBitIdenticalToTheSingleProcessSwarm(string kind, int k, int n, int m)
    {
        const int rounds = 4;
        var agents = Clusters.Agents(k, n);
        var graph = Graph(kind, k, m);
        var (expected, digest) = Clusters.Reference(agents, graph, Clusters.Options, rounds);
        Assume.That(expected.Sum(s => s.Blends), Is.GreaterThan(0), "the reference run blends at least once");

        var (actual, clusterDigest, swarm) = await Clusters.RunAsync(_cluster!.Client, agents, graph, Clusters.Options, rounds);

        Clusters.AssertSameBits(expected, actual, $"{silos} silo(s), {graph.Description}");
        Assert.That(clusterDigest, Is.EqualTo(digest), "final digest");
        Assert.That(swarm.RedoneRounds, Is.Zero, "no fault, no redo");
        Assert.That(expected.Sum(s => s.Blends) + expected.Sum(s => s.NoiseResponses), Is.EqualTo(rounds * k), "every agent responded every round");
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
        await Clusters.RunAsync(_cluster!.Client, agents, graph, Clusters.Options, 2);
        var after = BatcherStats(_cluster);
        long pairs = after.Sum(s => s.Pairs) - before.Sum(s => s.Pairs);
        long batches = after.Sum(s => s.Batches) - before.Sum(s => s.Batches);
        long requests = after.Sum(s => s.Requests) - before.Sum(s => s.Requests);
        TestContext.Out.WriteLine($"{silos} silo(s): {pairs} pairs, {requests} agent requests in {batches} engine calls; most requests in one call: {after.Max(s => s.MaxRequests)}");
        Assert.That(pairs, Is.EqualTo(2L * graph.EdgeCount), "every edge of both rounds ran exactly once");
        Assert.That(requests, Is.EqualTo(2L * 24), "one request per agent and round");
        Assert.That(batches, Is.LessThan(requests), "agents' requests were merged into fewer engine calls");
        Assert.That(after.Max(s => s.MaxRequests), Is.GreaterThan(1), "an engine call served more than one agent");
    }

    internal static SwarmBatcherStats[] BatcherStats(TestCluster cluster) =>
        cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<SwarmEmpathyBatcher>().Stats).ToArray();
}
