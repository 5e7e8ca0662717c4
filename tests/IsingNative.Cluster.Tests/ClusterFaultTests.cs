using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace IsingNative.Cluster.Tests;

/// <summary>
/// Issue 14 item 5: a silo stopped in the middle of a round. Its agents are re-activated on the
/// other silos from their last committed round, the round is redone, and the run still ends in
/// the single-process swarm's bits.
/// </summary>
public class ClusterFaultTests
{
    private TestCluster? _cluster;
    private string? _dir;

    [SetUp]
    public async Task Start() => (_cluster, _dir) = await Clusters.StartAsync(3);

    [TearDown]
    public Task Stop() => Clusters.StopAsync(_cluster, _dir);

    [TestCase(ClusterSwarmPhase.Stepped, false, TestName = "SiloStoppedBetweenStepAndCommit")]
    [TestCase(ClusterSwarmPhase.StepsSent, false, TestName = "SiloStoppedDuringStep")]
    [TestCase(ClusterSwarmPhase.Stepped, true, TestName = "SiloKilledBetweenStepAndCommit")]
    public async Task TheRunEndsBitIdentical(ClusterSwarmPhase phase, bool kill)
    {
        const int k = 18, rounds = 4, faultRound = 2;
        var agents = Clusters.Agents(k, 8);
        var graph = SwarmGraph.Random(k, 3, 5);
        var (expected, digest) = Clusters.Reference(agents, graph, Clusters.Options, rounds);

        var cluster = _cluster!;
        SiloHandle victim = cluster.SecondarySilos[0];
        long victimRequests = -1;
        bool stopped = false;
        var options = new ClusterSwarmOptions
        {
            FaultHook = async (p, round, attempt) =>
            {
                if (p != phase || round != faultRound || stopped) return;
                stopped = true;
                victimRequests = ((InProcessSiloHandle)victim).SiloHost.Services.GetRequiredService<SwarmEmpathyBatcher>().Stats.Requests;
                if (kill) await cluster.KillSiloAsync(victim);
                else await cluster.StopSiloAsync(victim);
            },
        };

        var (actual, clusterDigest, swarm) = await Clusters.RunAsync(cluster.Client, agents, graph, Clusters.Options, rounds, options);

        Assert.That(stopped, Is.True, "the hook stopped the silo");
        Assert.That(victimRequests, Is.GreaterThan(0), "the stopped silo hosted agents");
        Assert.That(swarm.RedoneRounds, Is.GreaterThan(0), "the round the silo left was redone");
        Clusters.AssertSameBits(expected, actual, $"silo {(kill ? "killed" : "stopped")} at {phase} of round {faultRound}");
        Assert.That(clusterDigest, Is.EqualTo(digest), "final digest");
        TestContext.Out.WriteLine($"{phase}, kill={kill}: {swarm.RedoneRounds} redone attempt(s); the stopped silo had served {victimRequests} agent requests");
    }

    [Test]
    public async Task RetriesAreBoundedAndTheErrorNamesTheRound()
    {
        var agents = Clusters.Agents(6, 8);
        var graph = SwarmGraph.Ring(6, 2);
        var options = new ClusterSwarmOptions
        {
            MaxAttempts = 2,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            FaultHook = (p, round, attempt) => p == ClusterSwarmPhase.Stepped && round == 1
                ? throw new TimeoutException("injected")
                : Task.CompletedTask,
        };
        var swarm = new ClusterSwarm(_cluster!.Client, agents, graph, Clusters.Options, options);
        var first = await swarm.StepAsync();
        Assert.That(first.Round, Is.Zero);
        var e = Assert.ThrowsAsync<ClusterSwarmException>(() => swarm.StepAsync());
        Assert.That(e!.Message, Does.Contain("round 1 failed 2 times").And.Contain("injected"));
        Assert.That(swarm.Round, Is.EqualTo(1), "the failed round did not count");
        Assert.That(swarm.RedoneRounds, Is.EqualTo(1));
    }
}
