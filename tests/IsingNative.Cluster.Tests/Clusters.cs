using IsingNative.Cli.Tests.Support;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace IsingNative.Cluster.Tests;

/// <summary>Configures every in-process silo of a test cluster: the swarm, one engine thread, the cluster's state directory.</summary>
public sealed class SwarmSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddIsingSwarm(o =>
    {
        o.StateDirectory = siloBuilder.Configuration[Clusters.StateDirKey];
        o.Threads = 1;   // several silos share two cores
    });
}

/// <summary>Configures the test cluster's client.</summary>
public sealed class SwarmClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) => clientBuilder.AddIsingSwarm();
}

/// <summary>Test clusters with a temp state directory shared by their silos, and the swarms the tests run.</summary>
public static class Clusters
{
    public const string StateDirKey = "IsingSwarmStateDir";

    /// <summary>A started cluster of <paramref name="silos"/> in-process silos and its state directory.</summary>
    public static async Task<(TestCluster Cluster, string StateDir)> StartAsync(int silos)
    {
        string dir = Path.Combine(Path.GetTempPath(), "isingswarm-test-" + Guid.NewGuid().ToString("N"));
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties[StateDirKey] = dir;
        builder.AddSiloBuilderConfigurator<SwarmSiloConfigurator>();
        builder.AddClientBuilderConfigurator<SwarmClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return (cluster, dir);
    }

    public static async Task StopAsync(TestCluster? cluster, string? dir)
    {
        if (cluster is not null)
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
        if (dir is not null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    /// <summary>A short anneal so that a round costs milliseconds.</summary>
    public static readonly SwarmOptions Options = new()
    {
        Seed = 42,
        Empathy = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 20 } },
    };

    /// <summary>K agents of n spins: spin glasses and seed patterns mixed, so rounds see both responses.</summary>
    public static IsingSystem[] Agents(int k, int n) =>
        Enumerable.Range(0, k).Select(a => a % 3 == 0 ? IsingSystem.SpinGlass(n, 100 + (ulong)a) : IsingSystem.SeedPattern(n, 100 + (ulong)a)).ToArray();

    /// <summary>The single-process reference: every round's statistics and the final digest.</summary>
    public static (SwarmRoundStats[] Rounds, string Digest) Reference(IsingSystem[] agents, SwarmGraph graph, SwarmOptions options, int rounds)
    {
        using var engine = IsingEngine.Create(BackendKind.Managed);
        using var sim = new SwarmSimulation(engine, agents, graph, options);
        var stats = sim.Run(rounds).ToArray();
        return (stats, sim.Digest());
    }

    /// <summary>Runs the swarm on the cluster to the end, collecting the streamed rounds.</summary>
    public static async Task<(SwarmRoundStats[] Rounds, string Digest, ClusterSwarm Swarm)> RunAsync(IGrainFactory grains, IsingSystem[] agents,
        SwarmGraph graph, SwarmOptions options, int rounds, ClusterSwarmOptions? cluster = null)
    {
        var swarm = new ClusterSwarm(grains, agents, graph, options, cluster);
        var stats = new List<SwarmRoundStats>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await foreach (var s in swarm.RunAsync(rounds, timeout.Token)) stats.Add(s);
        return (stats.ToArray(), await swarm.DigestAsync(timeout.Token), swarm);
    }

    /// <summary>
    /// Runs every round of <paramref name="swarm"/> and its digest, through a silo killed by the swarm's fault hook,
    /// which started <paramref name="sinceKill"/>; Recovery: how long after the kill round <paramref name="faultRound"/>
    /// completed.
    /// </summary>
    public static async Task<(SwarmRoundStats[] Rounds, TimeSpan Recovery, string Digest)> RunThroughKillAsync(
        ClusterSwarm swarm, int rounds, int faultRound, System.Diagnostics.Stopwatch sinceKill, CancellationToken cancel)
    {
        var actual = new SwarmRoundStats[rounds];
        TimeSpan recovery = TimeSpan.Zero;
        for (int r = 0; r < rounds; r++)
        {
            actual[r] = await swarm.StepAsync(cancel);
            if (r == faultRound) recovery = sinceKill.Elapsed;
        }
        return (actual, recovery, await swarm.DigestAsync(cancel));
    }

    /// <summary>
    /// A cluster run of <c>ising simulate --json</c> printed the local run's digest and every round's statistics as
    /// printed (round-trip doubles): the same bits; and, where given, <paramref name="backend"/> as its backend.
    /// </summary>
    internal static void AssertSameAsLocal(IsingProcess.Result local, IsingProcess.Result cluster, int rounds, string? backend, string what)
    {
        Assert.That(local.ExitCode, Is.Zero, local.StderrHead);
        Assert.That(cluster.ExitCode, Is.Zero, $"{what}: {cluster.StderrHead}");
        using var l = System.Text.Json.JsonDocument.Parse(local.Stdout);
        using var c = System.Text.Json.JsonDocument.Parse(cluster.Stdout);
        if (backend is not null) Assert.That(c.RootElement.GetProperty("backend").GetString(), Is.EqualTo(backend), what);
        Assert.That(c.RootElement.GetProperty("digest").GetString(), Is.EqualTo(l.RootElement.GetProperty("digest").GetString()), $"{what}: digest");
        Assert.That(c.RootElement.GetProperty("stats").GetRawText(), Is.EqualTo(l.RootElement.GetProperty("stats").GetRawText()), $"{what}: statistics");
        Assert.That(c.RootElement.GetProperty("stats").GetArrayLength(), Is.EqualTo(rounds), what);
    }

    /// <summary>Every double of a round's statistics as its bits, with the counts: equal lists mean bit-identical rounds.</summary>
    public static long[] Bits(SwarmRoundStats s) =>
    [
        s.Round, s.Blends, s.NoiseResponses,
        B(s.MeanEmpathy), B(s.MeanResponseScore), B(s.MeanEnergy), B(s.CouplingDrift),
        B(s.CollectiveEmotion.Valence), B(s.CollectiveEmotion.Arousal), B(s.CollectiveEmotion.Tension), B(s.CollectiveEmotion.Coherence),
        B(s.MeanEmotion.Valence), B(s.MeanEmotion.Arousal), B(s.MeanEmotion.Tension), B(s.MeanEmotion.Coherence),
    ];

    private static long B(double x) => BitConverter.DoubleToInt64Bits(x);

    public static void AssertSameBits(SwarmRoundStats[] expected, SwarmRoundStats[] actual, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{what}: rounds");
        for (int r = 0; r < expected.Length; r++)
            Assert.That(Bits(actual[r]), Is.EqualTo(Bits(expected[r])), $"{what}: round {r} (expected {expected[r]}, got {actual[r]})");
    }
}
