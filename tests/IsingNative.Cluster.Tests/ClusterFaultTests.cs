using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace IsingNative.Cluster.Tests;

/// <summary>
/// Issue 14 item 5: a silo stopped in the middle of a round. Its blocks are re-activated on the
/// other silos from their last checkpoint, every block rolls back to it, the rounds since and the
/// round itself are redone, and the run still ends in the single-process swarm's bits. Issue 23
/// item 2: the same with a checkpoint every 3 rounds and the fault in round 4 (the checkpoint is
/// the start of round 3: round 3 is recomputed, its statistics not yielded twice).
/// </summary>
public class ClusterFaultTests
{
    private TestCluster? _cluster;
    private string? _dir;

    /// <summary>18 agents in 6 blocks: two on every silo.</summary>
    private const int BlockSize = 3;

    [SetUp]
    public async Task Start() => (_cluster, _dir) = await Clusters.StartAsync(3);

    [TearDown]
    public Task Stop() => Clusters.StopAsync(_cluster, _dir);

    [TestCase(ClusterSwarmPhase.Stepped, false, 1, TestName = "SiloStoppedBetweenStepAndCommit")]
    [TestCase(ClusterSwarmPhase.StepsSent, false, 1, TestName = "SiloStoppedDuringStep")]
    [TestCase(ClusterSwarmPhase.Stepped, true, 1, TestName = "SiloKilledBetweenStepAndCommit")]
    [TestCase(ClusterSwarmPhase.Stepped, false, 3, TestName = "SiloStoppedBetweenStepAndCommitCheckpointEvery3")]
    [TestCase(ClusterSwarmPhase.StepsSent, false, 3, TestName = "SiloStoppedDuringStepCheckpointEvery3")]
    [TestCase(ClusterSwarmPhase.Stepped, true, 3, TestName = "SiloKilledBetweenStepAndCommitCheckpointEvery3")]
    public async Task TheRunEndsBitIdentical(ClusterSwarmPhase phase, bool kill, int checkpointEvery)
    {
        const int k = 18;
        // c = 1: the fault in round 2 of 4. c = 3: in round 4 of 5 (checkpoints at the start of
        // rounds 0 and 3: a fault round that is not a checkpoint, and a run that ends between two).
        int rounds = checkpointEvery == 1 ? 4 : 5, faultRound = checkpointEvery == 1 ? 2 : 4;
        var agents = Clusters.Agents(k, 8);
        var graph = SwarmGraph.Random(k, 3, 5);
        var (expected, digest) = Clusters.Reference(agents, graph, Clusters.Options, rounds);

        var cluster = _cluster!;
        SiloHandle victim = cluster.SecondarySilos[0];
        long victimSteps = -1;
        bool stopped = false;
        var options = new ClusterSwarmOptions
        {
            CheckpointEvery = checkpointEvery,
            BlockSize = BlockSize,
            FaultHook = async (p, round, attempt) =>
            {
                if (p != phase || round != faultRound || stopped) return;
                stopped = true;
                victimSteps = ClusterIdentityTests.Stats(victim).BlockSteps;
                if (kill) await cluster.KillSiloAsync(victim);
                else await cluster.StopSiloAsync(victim);
            },
        };

        var (actual, clusterDigest, swarm) = await Clusters.RunAsync(cluster.Client, agents, graph, Clusters.Options, rounds, options);

        Assert.That(stopped, Is.True, "the hook stopped the silo");
        Assert.That(victimSteps, Is.GreaterThan(0), "the stopped silo hosted blocks");
        Assert.That(swarm.RedoneRounds, Is.GreaterThan(0), "the round the silo left was redone");
        Clusters.AssertSameBits(expected, actual, $"silo {(kill ? "killed" : "stopped")} at {phase} of round {faultRound}, checkpoint every {checkpointEvery}");
        Assert.That(clusterDigest, Is.EqualTo(digest), "final digest");
        if (checkpointEvery == 1) Assert.That(swarm.ReplayedRounds, Is.Zero, "a checkpoint every round: only the failed round is redone");
        else Assert.That(swarm.ReplayedRounds, Is.GreaterThanOrEqualTo(faultRound % checkpointEvery), "the rounds since the checkpoint were recomputed");
        TestContext.Out.WriteLine($"{phase}, kill={kill}, checkpoint every {checkpointEvery}: {swarm.RedoneRounds} redone attempt(s), {swarm.ReplayedRounds} round(s) recomputed; the stopped silo had computed {victimSteps} block rounds");
    }

    /// <summary>
    /// Issue 23 item 2: the last rounds of a run live only in the agents' memory when the run
    /// ends between two checkpoints. A silo stopped after the last round loses them on its
    /// agents; the digest still comes out the single process's (every agent rolls back to the
    /// checkpoint and the rounds since are recomputed).
    /// </summary>
    [Test]
    public async Task ASiloStoppedAfterTheLastRoundBetweenCheckpointsStillGivesTheDigest()
    {
        const int k = 18, rounds = 5;
        var agents = Clusters.Agents(k, 8);
        var graph = SwarmGraph.Random(k, 3, 5);
        var (expected, digest) = Clusters.Reference(agents, graph, Clusters.Options, rounds);
        var swarm = new ClusterSwarm(_cluster!.Client, agents, graph, Clusters.Options, new ClusterSwarmOptions { CheckpointEvery = 3, BlockSize = BlockSize });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var actual = new List<SwarmRoundStats>();
        await foreach (var s in swarm.RunAsync(rounds, timeout.Token)) actual.Add(s);
        Assert.That(swarm.LastCheckpoint, Is.EqualTo(3));

        SiloHandle victim = _cluster.SecondarySilos[0];
        Assume.That(ClusterIdentityTests.Stats(victim).BlockSteps, Is.GreaterThan(0), "the stopped silo hosted blocks");
        await _cluster.StopSiloAsync(victim);
        string after = await swarm.DigestAsync(timeout.Token);

        Clusters.AssertSameBits(expected, actual.ToArray(), "the rounds before the stop");
        Assert.That(after, Is.EqualTo(digest), "final digest, after the rollback");
        Assert.That(swarm.ReplayedRounds, Is.GreaterThanOrEqualTo(2), "rounds 3 and 4 recomputed from the checkpoint of round 3");
        Assert.That(swarm.Round, Is.EqualTo(rounds));
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
