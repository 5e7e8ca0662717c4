using System.Diagnostics;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace IsingNative.Cluster.Tests;

/// <summary>A measurement silo: directory storage, the engine's default threads.</summary>
public sealed class MeasureSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) =>
        siloBuilder.AddIsingSwarm(o => o.StateDirectory = siloBuilder.Configuration[Clusters.StateDirKey]);
}

/// <summary>
/// Issue 23 item 2, measured (docs/SCALE.md): the time of a round with a checkpoint every round
/// and every 4 rounds, one in-process silo, directory storage, K = 1024, ring m = 8, n = 20,
/// the default schedule. Explicit: it prints figures, it checks only that both runs agree.
/// </summary>
[Explicit("a measurement: run with --filter FullyQualifiedName~CheckpointCost")]
public class CheckpointCostTests
{
    [Test]
    public async Task CheckpointEvery1Versus4()
    {
        const int k = 1024, n = 20, m = 8, rounds = 8, repeats = 3;
        string dir = Path.Combine(Path.GetTempPath(), "isingswarm-ckpt-" + Guid.NewGuid().ToString("N"));
        var builder = new TestClusterBuilder(1);
        builder.Properties[Clusters.StateDirKey] = dir;
        builder.AddSiloBuilderConfigurator<MeasureSiloConfigurator>();
        builder.AddClientBuilderConfigurator<SwarmClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var agents = Clusters.Agents(k, n);
            var graph = SwarmGraph.Ring(k, m);
            var options = SwarmOptions.Default with { Seed = 7 };
            var digests = new Dictionary<int, string>();
            for (int repeat = 0; repeat < repeats; repeat++)
            {
                foreach (int c in new[] { 1, 4 })
                {
                    var swarm = new ClusterSwarm(cluster.Client, agents, graph, options, new ClusterSwarmOptions { CheckpointEvery = c });
                    await swarm.StepAsync();   // Init and round 0, outside the measurement
                    var clock = Stopwatch.StartNew();
                    for (int r = 0; r < rounds; r++) await swarm.StepAsync();
                    clock.Stop();
                    string digest = await swarm.DigestAsync();
                    if (digests.TryGetValue(c == 1 ? 4 : 1, out var other)) Assert.That(digest, Is.EqualTo(other), "c = 1 and c = 4 end in the same bits");
                    digests[c] = digest;
                    await swarm.ForgetAsync();
                    double perRound = clock.Elapsed.TotalMilliseconds / rounds;
                    TestContext.Out.WriteLine(
                        $"K={k} ring m={m} n={n}, 1 silo, directory storage, checkpoint every {c}: {perRound:F0} ms per round ({perRound / k * 1000:F0} µs per agent), rounds 1-{rounds}, run {repeat + 1}");
                }
            }
            TestContext.Out.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        }
        finally
        {
            await Clusters.StopAsync(cluster, dir);
        }
    }
}
