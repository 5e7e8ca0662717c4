using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;
using IsingNative.Cluster;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// Issue 23 item 6: one swarm round of K = 10 000 agents (ring m = 8, n = 20, the default
/// schedule) in one process (<see cref="SwarmSimulation"/>) and through the Orleans cluster
/// (<see cref="ClusterSwarm"/>, block grains of B agents) with 1 and 3 in-process silos on the
/// same cores, the blocks' checkpoints every round in the silos' memory or in a state directory.
/// One round per iteration (a round takes about a second). rounds/s = 10⁹ / Mean[ns]; the
/// cluster's cost is its Mean over the single-process Mean. The boundary each silo fetched in
/// the last round is printed at cleanup (<see cref="ClusterSwarm.LastExchange"/>).
/// tools/bench/cluster-rounds.sh measures the same with separate ising-silo processes.
/// </summary>
[MemoryDiagnoser]
public class ClusterRounds
{
    /// <summary>K.</summary>
    [ParamsSource(nameof(Sizes))]
    public int K { get; set; }

    /// <summary>K = 10 000; 1000 in the smoke mode, which only checks that the rounds run.</summary>
    public static IEnumerable<int> Sizes => SmokeMode.Active ? [1000] : [10_000];

    /// <summary>Where the round runs: "single-process", or "N silo(s)" with the block size, "memory" or "dir" storage and optionally ", c=C" (a checkpoint every C rounds; default every round).</summary>
    [ParamsSource(nameof(Setups))]
    public string Setup { get; set; } = "single-process";

    /// <summary>Every setup; in the smoke mode one process and three silos writing to a directory (both code paths, the storage's too).</summary>
    public static IEnumerable<string> Setups => SmokeMode.Active
        ? ["single-process", "3 silos, B=256, dir"]
        : ["single-process", "1 silo, B=1024, memory", "3 silos, B=1024, memory", "3 silos, B=256, memory", "3 silos, B=4096, memory", "1 silo, B=1024, dir"];

    /// <summary>Spins per agent.</summary>
    public const int Size = Agents.DefaultSize;

    /// <summary>Neighbours per agent.</summary>
    public const int Neighbours = 8;

    private static readonly SwarmOptions Options = new() { Seed = Agents.AnnealSeed };

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
        string[] parts = Setup.Split(", ");
        int blockSize = int.Parse(parts[1]["B=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var builder = new TestClusterBuilder((short)silos);
        if (Setup.Contains(", dir", StringComparison.Ordinal))
        {
            _stateDir = Path.Combine(Path.GetTempPath(), "isingswarm-bench-" + Guid.NewGuid().ToString("N"));
            builder.Properties["IsingSwarmStateDir"] = _stateDir;
        }
        builder.AddSiloBuilderConfigurator<Silo>();
        _cluster = builder.Build();
        _cluster.Deploy();
        int checkpointEvery = parts.Length > 3 ? int.Parse(parts[3]["c=".Length..], System.Globalization.CultureInfo.InvariantCulture) : 1;
        _swarm = new ClusterSwarm(_cluster.Client, systems, graph, Options, new ClusterSwarmOptions { BlockSize = blockSize, CheckpointEvery = checkpointEvery });
        _swarm.StepAsync().GetAwaiter().GetResult();
    }

    /// <summary>Prints the last round's boundary per silo, stops the cluster and removes the state directory.</summary>
    [GlobalCleanup]
    public void GlobalCleanup()
    {
        if (_swarm is not null)
        {
            Console.WriteLine($"// ClusterRounds {Setup}: {_swarm.Plan.BlockCount} blocks, boundary {_swarm.Plan.BoundaryAgents} agents ({_swarm.Plan.BoundaryCopies} copies per round, {_swarm.Plan.BoundaryCopies * FullBytes} bytes in full)");
            foreach (var (silo, exchange) in _swarm.LastExchange.OrderBy(e => e.Key, StringComparer.Ordinal))
                Console.WriteLine($"// ClusterRounds {Setup}: silo {silo} fetched {exchange.Bytes} bytes in the last round ({exchange.Full} in full, {exchange.Deltas} as spins only)");
        }
        _simulation?.Dispose();
        _engine?.Dispose();
        if (_cluster is not null)
        {
            _cluster.StopAllSilos();
            _cluster.Dispose();
        }
        if (_stateDir is not null && Directory.Exists(_stateDir)) Directory.Delete(_stateDir, recursive: true);
    }

    /// <summary>An agent's couplings, fields and spins in bytes.</summary>
    private const long FullBytes = 8L * (Size * Size + Size) + Size;

    /// <summary>One round of the swarm.</summary>
    /// <returns>The round's mean empathy, so the round cannot be eliminated.</returns>
    [Benchmark]
    public double Round() => _simulation is not null
        ? _simulation.Step().MeanEmpathy
        : _swarm!.StepAsync().GetAwaiter().GetResult().MeanEmpathy;
}
