using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;
using IsingNative.Cluster;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// Issue 14 item 6: one swarm round (ring m = 4, n = 12, a 20-step schedule: 200 trials per
/// empathy) against K, in one process (<see cref="SwarmSimulation"/>) and through the Orleans
/// cluster (<see cref="ClusterSwarm"/>) with 1 and 3 in-process silos, agent states kept in the
/// silos' memory or written to a state directory (one fsynced file per agent and round).
/// rounds/s = 10⁹ / Mean[ns]; the cluster's overhead per round = its Mean − the single-process
/// Mean at the same K. The engines are <see cref="BackendKind.Auto"/> (the silo default).
/// </summary>
[MemoryDiagnoser]
public class ClusterRounds
{
    /// <summary>K.</summary>
    [Params(64, 256, 1024)]
    public int K { get; set; }

    /// <summary>Where the round runs: "single-process", or "N silo(s)" with "memory" or "dir" storage.</summary>
    [Params("single-process", "1 silo, memory", "3 silos, memory", "1 silo, dir", "3 silos, dir")]
    public string Setup { get; set; } = "single-process";

    /// <summary>Spins per agent.</summary>
    public const int Size = 12;

    /// <summary>Neighbours per agent.</summary>
    public const int Neighbours = 4;

    private static readonly SwarmOptions Options = new()
    {
        Seed = Agents.AnnealSeed,
        Empathy = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 20 } },
    };

    private IsingEngine? _engine;
    private SwarmSimulation? _simulation;
    private TestCluster? _cluster;
    private ClusterSwarm? _swarm;
    private string? _stateDir;

    /// <summary>The silo configuration of a benchmark cluster (the state directory travels in the cluster's properties).</summary>
    public sealed class Silo : ISiloConfigurator
    {
        /// <inheritdoc/>
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.AddIsingSwarm(o => o.StateDirectory = siloBuilder.Configuration["IsingSwarmStateDir"] is { Length: > 0 } d ? d : null);
    }

    /// <summary>Starts the swarm (and the cluster) and runs its first round, outside the measurement.</summary>
    [GlobalSetup]
    public void GlobalSetup()
    {
        var systems = Agents.SeedPatterns(K, Size, Agents.OtherSeed);
        var graph = SwarmGraph.Ring(K, Neighbours);
        if (Setup == "single-process")
        {
            _engine = IsingEngine.Create(BackendKind.Auto);
            _simulation = new SwarmSimulation(_engine, systems, graph, Options);
            _simulation.Step();
            return;
        }
        int silos = Setup.StartsWith('3') ? 3 : 1;
        var builder = new TestClusterBuilder((short)silos);
        if (Setup.EndsWith("dir", StringComparison.Ordinal))
        {
            _stateDir = Path.Combine(Path.GetTempPath(), "isingswarm-bench-" + Guid.NewGuid().ToString("N"));
            builder.Properties["IsingSwarmStateDir"] = _stateDir;
        }
        builder.AddSiloBuilderConfigurator<Silo>();
        _cluster = builder.Build();
        _cluster.Deploy();
        _swarm = new ClusterSwarm(_cluster.Client, systems, graph, Options);
        _swarm.StepAsync().GetAwaiter().GetResult();
    }

    /// <summary>Stops the cluster and removes the state directory.</summary>
    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _simulation?.Dispose();
        _engine?.Dispose();
        if (_cluster is not null)
        {
            _cluster.StopAllSilos();
            _cluster.Dispose();
        }
        if (_stateDir is not null && Directory.Exists(_stateDir)) Directory.Delete(_stateDir, recursive: true);
    }

    /// <summary>One round of the swarm.</summary>
    /// <returns>The round's mean empathy, so the round cannot be eliminated.</returns>
    [Benchmark]
    public double Round() => _simulation is not null
        ? _simulation.Step().MeanEmpathy
        : _swarm!.StepAsync().GetAwaiter().GetResult().MeanEmpathy;
}
