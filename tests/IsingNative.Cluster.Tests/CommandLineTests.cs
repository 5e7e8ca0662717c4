using IsingNative.Cli.Tests.Support;
using Orleans.TestingHost;

namespace IsingNative.Cluster.Tests;

/// <summary>
/// <c>ising simulate --cluster HOST:PORT</c> end to end: the built CLI as a child process against
/// two in-process silos (cluster id "ising", as ising-silo's), compared with the same command run
/// locally: every round's statistics and the digest are equal.
/// </summary>
public class CommandLineTests
{
    private TestCluster? _cluster;
    private string? _dir;

    [OneTimeSetUp]
    public async Task Start()
    {
        _dir = Path.Combine(Path.GetTempPath(), "isingswarm-cli-" + Guid.NewGuid().ToString("N"));
        var builder = new TestClusterBuilder(2);
        builder.Options.ClusterId = "ising";
        builder.Options.ServiceId = "ising";
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;   // a real gateway socket for the child process
        builder.Properties[Clusters.StateDirKey] = _dir;
        builder.AddSiloBuilderConfigurator<SwarmSiloConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    [OneTimeTearDown]
    public Task Stop() => Clusters.StopAsync(_cluster, _dir);

    [Test]
    public void SimulateOnTheClusterPrintsTheLocalRunsRoundsAndDigest()
    {
        int port = _cluster!.Primary!.GatewayAddress!.Endpoint.Port;
        string[] common = ["simulate", "--agents", "30", "--n", "8", "--rounds", "3", "--graph", "random", "--neighbours", "3", "--steps", "20", "--seed", "5", "--json"];
        var local = IsingProcess.Run(common);
        Assert.That(Directory.Exists(_dir) ? Directory.GetFiles(_dir) : [], Is.Empty, "no state before the run");
        var cluster = IsingProcess.Run([.. common, "--cluster", $"localhost:{port}"]);
        Clusters.AssertSameAsLocal(local, cluster, 3, $"cluster localhost:{port}", "--cluster");
        Assert.That(Directory.Exists(_dir) ? Directory.GetFiles(_dir) : [], Is.Empty, "the CLI deleted its agents' states after the run");

        // Issue 23 item 2: a checkpoint every 2 rounds, the same output.
        var sparse = IsingProcess.Run([.. common, "--cluster", $"localhost:{port}", "--checkpoint-every", "2"]);
        Clusters.AssertSameAsLocal(local, sparse, 3, null, "--checkpoint-every 2");

        // Issue 23 item 1: blocks of 7 agents (5 grains, the last one of 2), the same output.
        var blocks = IsingProcess.Run([.. common, "--cluster", $"localhost:{port}", "--block-size", "7"]);
        Clusters.AssertSameAsLocal(local, blocks, 3, null, "--block-size 7");
    }

    [TestCase(new[] { "--cluster", "localhost" }, "--cluster: expected HOST:PORT", "'localhost'")]
    [TestCase(new[] { "--cluster", "redis://" }, "--cluster: expected redis://HOST:PORT", "'redis://'")]
    [TestCase(new[] { "--cluster", "localhost:30000", "--backend", "managed" }, "--backend: not used with --cluster", "was Managed")]
    [TestCase(new[] { "--block-size", "4" }, "--block-size: only with --cluster", "(was 4)")]
    [TestCase(new[] { "--cluster", "localhost:30000", "--block-size", "0" }, "--block-size: must be at least 1", "(was 0)")]
    public void BadClusterOptionsAreNamed(string[] options, string message, string value)
    {
        var bad = IsingProcess.Run(["simulate", "--agents", "10", "--rounds", "1", .. options]);
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Stderr, Does.Contain(message).And.Contain(value));
    }

    /// <summary>
    /// Issue 23 item 2: <c>--cluster</c> runs the local run's memory check before it contacts
    /// anything. The client generates all K agents and keeps the coordinator's states, and the
    /// Init messages in flight copy them again: the budget of a local run on a native backend
    /// (<c>ClusterSwarmRun.CopiesSystems</c>). With a 1 GiB heap (about 790 MiB usable), 565
    /// agents of n = 200 need about 870 MiB that way, but only about 700 MiB by the options-only
    /// check (no second copy), which alone let such a run connect, generate and die of an
    /// OutOfMemoryException. Nothing listens at the endpoint: a refusal that tried to connect
    /// would say "no silo answered" (exit code 1) after seconds.
    /// </summary>
    [Test]
    public void ASwarmTooLargeForTheClientIsRefusedBeforeAnySiloIsContacted()
    {
        int port = _cluster!.Primary!.GatewayAddress!.Endpoint.Port + 1000;   // nothing listens there
        string[] common = ["simulate", "--agents", "565", "--n", "200", "--rounds", "1", "--graph", "ring", "--neighbours", "2", "--steps", "1"];
        var heap = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x40000000" };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cluster = IsingProcess.Run([.. common, "--cluster", $"127.0.0.1:{port}"], TimeSpan.FromSeconds(90), heap);
        clock.Stop();
        Assert.That(cluster.ExitCode, Is.EqualTo(2), cluster.StderrHead);
        Assert.That(cluster.Stderr, Does.StartWith("ising: --agents/--n/--rounds: a swarm of 565 agents with n = 200 and 1,130 edges")
            .And.Contain("of memory, but only"));
        Assert.That(cluster.Stderr, Does.Not.Contain("no silo answered"), "refused before a connection was tried");
        Assert.That(cluster.Stdout, Is.Empty);
        TestContext.Out.WriteLine($"refused in {clock.Elapsed.TotalSeconds:F1} s: {cluster.Stderr.Trim()}");

        // The same figure as the local run on a native backend, where this build has one.
        var local = IsingProcess.Run([.. common, "--backend", "native-cpu"], TimeSpan.FromSeconds(90), heap);
        if (local.ExitCode == 2 && local.Stderr.StartsWith("ising: --agents/--n/--rounds:", StringComparison.Ordinal))
            Assert.That(cluster.Stderr[..cluster.Stderr.IndexOf(" of memory", StringComparison.Ordinal)],
                Is.EqualTo(local.Stderr[..local.Stderr.IndexOf(" of memory", StringComparison.Ordinal)]), "the local native run's estimate");
    }

    [Test]
    public void NoSiloAtTheGatewayIsAFailureNamingIt()
    {
        // A port nothing listens on (the cluster's gateway + 1000 is outside the test port range).
        int port = _cluster!.Primary!.GatewayAddress!.Endpoint.Port + 1000;
        var none = IsingProcess.Run(["simulate", "--agents", "10", "--rounds", "1", "--cluster", $"127.0.0.1:{port}"], TimeSpan.FromSeconds(90));
        Assert.That(none.ExitCode, Is.EqualTo(1), none.StderrHead);
        Assert.That(none.Stderr, Does.Contain($"no silo answered at 127.0.0.1:{port} within 10 s"));
        Assert.That(none.Stderr, Does.StartWith($"ising: --cluster: no silo answered"), "the user's line, not an exception type name first");

        // No Redis server there either: the client cannot read the membership.
        var noRedis = IsingProcess.Run(["simulate", "--agents", "10", "--rounds", "1", "--cluster", $"redis://127.0.0.1:{port}"], TimeSpan.FromSeconds(90));
        Assert.That(noRedis.ExitCode, Is.EqualTo(1), noRedis.StderrHead);
        Assert.That(noRedis.Stderr, Does.StartWith($"ising: --cluster: no silo answered at redis://127.0.0.1:{port} within 10 s"));
    }
}
