using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using IsingNative.Cli.Imaging;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising simulate</c>: a swarm that evolves for R synchronous rounds on a neighbourhood
/// graph (docs/SWARM.md, docs/CLI.md): every round each agent attends to its neighbours,
/// applies its compassionate response and remembers; the per-round statistics are printed,
/// written (<c>--out</c> .csv/.json) and drawn (<c>--plot</c> .png/.svg). The command checks
/// every option, builds a <see cref="SwarmRequest"/> and consumes the rounds of an
/// <see cref="ISwarmRun"/>, so another way of running the swarm plugs in at one place
/// (<see cref="Start"/>).
/// </summary>
internal static class SimulateCommand
{
    /// <summary>Rows of the human-readable table before it shows only every k-th round.</summary>
    private const int MaxTableRows = 40;

    // Per edge: the graph's AgentEdge and target index. Per tile edge (SwarmSimulation.EdgeTile):
    // its EmpathyResult and a backend's copy. Per agent: its attention and round records. Per
    // round: its SwarmRoundStats (an object of about 140 bytes) and its reference in the list of
    // completed rounds, which may hold twice the references it needs while it grows.
    private const double BytesPerEdge = 16, BytesPerTileEdge = 256, BytesPerAgentRecord = 256, BytesPerRound = 192;

    // An edge-list file costs, until its graph is built, up to 64 bytes per edge (the edge and
    // its line while read, the sort that finds repeats, the lists the graph is built from); the
    // shortest line ("0 1\n") has 4 bytes.
    private const double EdgeListBytesPerByte = 16;

    // The work of a round besides its anneals, in single-spin trials of about the same time: a
    // round's fixed cost (its batch calls, statistics and progress) is microseconds, a few
    // thousand trials; every agent observes itself and responds, each a pass over its n²
    // couplings, and records its round. Without these a swarm of tiny systems, or one whose
    // edge list is empty, could ask for 2·10⁹ rounds of nearly no anneals.
    private const double TrialsPerRound = 4096, TrialsPerAgentRound = 256;

    private static readonly Option<int> Agents = CliOptions.Agents(100, "Number of agents K in the swarm (2 ≤ K ≤ 1,048,576)");

    private static readonly Option<int> Neighbours = new("--neighbours")
    {
        Description = "Neighbours m of every agent for --graph ring|random (1 ≤ m ≤ K − 1); not used by all or an edge-list file",
        DefaultValueFactory = _ => 8,
        HelpName = "m",
    };

    private static readonly Option<string> Graph = new("--graph")
    {
        Description = "Neighbourhood graph: ring (a+1…a+⌈m/2⌉, a−1…a−⌊m/2⌋), random (m distinct others per agent, drawn from --seed), " +
                      "all (every other agent), or an edge-list file ('self other' per line, # comments)",
        DefaultValueFactory = _ => "ring",
        HelpName = "ring|random|all|FILE",
    };

    private static readonly Option<int> Rounds = new("--rounds")
    {
        Description = "Synchronous rounds R to run (≥ 1)",
        DefaultValueFactory = _ => 10,
        HelpName = "R",
    };

    private static readonly Option<double> Strength = new("--strength")
    {
        Description = "Blend strength of the compassionate response, in [0, 1]",
        DefaultValueFactory = _ => SwarmOptions.Default.Strength,
    };

    private static readonly Option<double> Noise = new("--noise")
    {
        Description = "Noise level of the compassionate response, in [0, 1]",
        DefaultValueFactory = _ => SwarmOptions.Default.Noise,
    };

    private static readonly Option<int> Memory = new("--memory")
    {
        Description = "Capacity of every agent's emotional memory (≥ 1)",
        DefaultValueFactory = _ => SwarmOptions.Default.MemoryCapacity,
    };

    private static readonly Option<int?> PreFilterTopK = new("--pre-filter")
    {
        Description = "Run the full empathy only on each agent's K neighbours ranked best by the quench estimate (≥ 1; default: every neighbour)",
        HelpName = "K",
    };

    private static readonly Option<string?> OutPath = new("--out")
    {
        Description = "Write the per-round statistics, .csv (a header, one row per round) or .json (an array, one object per round)",
        HelpName = "stats.csv|stats.json",
    };

    private static readonly Option<string?> Cluster = new("--cluster")
    {
        Description = "Run the rounds on an Orleans cluster: the gateway of an ising-silo, or redis://HOST:PORT, the Redis server of the silos' membership (docs/CLUSTER.md); the statistics and digest are the local run's, bit for bit",
        HelpName = "HOST:PORT|redis://HOST:PORT",
    };

    private static readonly Option<int?> CheckpointEvery = new("--checkpoint-every")
    {
        Description = "With --cluster: the agents persist their state every C rounds (≥ 1; default 1); a lost silo redoes up to C rounds from the last checkpoint, the result stays the same bits",
        HelpName = "C",
    };

    private static readonly Option<int?> BlockSize = new("--block-size")
    {
        Description = "With --cluster: agents per block grain (≥ 1; default 1024); a block's round is one engine call and only its boundary travels between blocks; the result does not depend on B",
        HelpName = "B",
    };

    private static readonly Option<string?> PlotPath = new("--plot")
    {
        Description = "Draw the per-round statistics, 800×1000, .png or .svg (empathy, coupling drift, energy, collective emotion)",
        HelpName = "stats.png|stats.svg",
    };

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("simulate",
            "Evolve a swarm for R synchronous rounds on a neighbourhood graph; per-round statistics as a table, --out CSV/JSON, --plot PNG/SVG");
        command.WithCommon().With(CliOptions.N, CliOptions.SelfSeed, CliOptions.Pattern, Agents, Neighbours, Graph, Rounds,
                Strength, Noise, Memory, PreFilterTopK, OutPath, PlotPath, Cluster, CheckpointEvery, BlockSize)
            .WithAnneal().With(CliOptions.Weights);
        command.SetAction(Run);
        return command;
    }

    /// <summary>
    /// Where the swarm runs: the one place a second execution path (a cluster client) is
    /// chosen from the options. Here: this machine, on the engine of <c>--backend</c>, after
    /// checking that the swarm fits in the memory available.
    /// </summary>
    private static ISwarmRun Start(ParseResult pr, SwarmRequest request)
    {
        if (pr.GetValue(Cluster) is { } endpoint)
        {
#if ISING_CLUSTER
            // The local run's budget, checked before anything is contacted: this process still
            // generates all K agents and keeps the coordinator's states (ClusterSwarmRun).
            RequireMemory(request, ClusterSwarmRun.CopiesSystems);
            return ClusterSwarmRun.Connect(endpoint, request, pr.GetValue(CheckpointEvery) ?? 1,
                pr.GetValue(BlockSize) ?? IsingNative.Cluster.ClusterSwarmOptions.DefaultBlockSize);
#else
            throw new CliInputException($"--cluster: this build of ising has no cluster client (NativeAOT and trimmed builds leave Orleans out); use the ising tool or a JIT build (was '{endpoint}')");
#endif
        }
        var engine = Engines.Create(pr);
        try
        {
            RequireMemory(request, MemoryBudget.CopiesSystems(engine));
            return new LocalSwarmRun(engine, request, ownsEngine: true);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The check once the execution path is known, for a local run and a <c>--cluster</c> run
    /// alike: <paramref name="copies"/> is whether the path holds a second copy of every system
    /// (a native backend's set; the cluster client's Init messages, <see cref="ClusterSwarmRun"/>).
    /// </summary>
    private static void RequireMemory(SwarmRequest request, bool copies) =>
        RequireMemory(request.Agents, request.N, request.Graph.EdgeCount, request.Rounds, request.Options.MemoryCapacity, copies);

    /// <summary>
    /// The generated systems (and a native backend's copies when <paramref name="copies"/>), the
    /// swarm's own copies, their initial couplings and the round's snapshots of the blend targets
    /// (at most one per agent), the memories, the agents' records, the graph, one tile of empathy
    /// results (docs/SWARM.md §6) and the statistics of every round. Checked from the options
    /// before the graph is built (without a backend's copies, which depend on the engine: a lower
    /// bound), and again once the execution path is known (the engine, or the cluster client).
    /// </summary>
    private static void RequireMemory(int k, int n, long edges, int rounds, int memoryCapacity, bool copies)
    {
        double system = MemoryBudget.GeneratedSystems(1, n, backendCopy: false);
        double bytes = MemoryBudget.GeneratedSystems(k, n, copies)
                       + k * (2 * system + 8.0 * n * n + 40.0 * memoryCapacity + BytesPerAgentRecord)
                       + BytesPerEdge * edges + BytesPerTileEdge * Math.Min(edges, SwarmSimulation.EdgeTile)
                       + BytesPerRound * rounds;
        MemoryBudget.Require("--agents/--n/--rounds", bytes,
            $"a swarm of {k:N0} agents with n = {n} and {edges:N0} edges, and the statistics of {rounds:N0} rounds,");
    }

    private static int Run(ParseResult pr)
    {
        // ---- every option, before any work ----------------------------------------------
        var k = pr.GetValue(Agents);
        if (k < 2 || k > IsingEngine.MaxAgents)
            throw new CliInputException($"--agents: must be between 2 and {IsingEngine.MaxAgents:N0} (was {k})");
        var rounds = pr.GetValue(Rounds);
        if (rounds < 1)
            throw new CliInputException($"--rounds: must be at least 1 (was {rounds})");
        var n = pr.GetValue(CliOptions.N);
        if (n < 1 || n > IsingSystem.MaxSize)
            throw new CliInputException($"--n: the number of spins must be between 1 and {IsingSystem.MaxSize} (was {n})");
        var strength = pr.GetValue(Strength);
        if (!(strength is >= 0 and <= 1))
            throw new CliInputException($"--strength: must be in [0, 1] (was {Text(strength)})");
        var noise = pr.GetValue(Noise);
        if (!(noise is >= 0 and <= 1))
            throw new CliInputException($"--noise: must be in [0, 1] (was {Text(noise)})");
        var memory = pr.GetValue(Memory);
        if (memory < 1)
            throw new CliInputException($"--memory: the memory capacity must be at least 1 (was {memory})");

        var preFilter = pr.GetValue(PreFilterTopK);
        if (preFilter is < 1)
            throw new CliInputException($"--pre-filter: must be at least 1 (was {preFilter})");

        var graphSpec = pr.GetValue(Graph) ?? "ring";
        var kind = GraphKindOf(graphSpec);
        var m = pr.GetValue(Neighbours);
        if (kind is GraphKind.Ring or GraphKind.Random)
        {
            if (m < 1 || m > k - 1)
                throw new CliInputException($"--neighbours: must be between 1 and {k - 1} for {k} agents (was {m})");
        }
        else if (CliOptions.Given(pr, Neighbours))
        {
            throw new CliInputException(kind == GraphKind.All
                ? $"--neighbours: not used with --graph all (every agent attends to the other {k - 1}); was {m}"
                : $"--neighbours: not used with an edge-list file (--graph {graphSpec} lists the neighbours); was {m}");
        }

        if (pr.GetValue(Cluster) is { } cluster)
        {
#if ISING_CLUSTER
            ClusterSwarmRun.ParseEndpoint(cluster);
#endif
            if (CliOptions.Given(pr, CliOptions.Backend))
                throw new CliInputException($"--backend: not used with --cluster (each silo runs its own engine: ising-silo --backend); was {pr.GetValue(CliOptions.Backend)}");
        }
        if (pr.GetValue(CheckpointEvery) is { } checkpointEvery)
        {
            if (pr.GetValue(Cluster) is null)
                throw new CliInputException($"--checkpoint-every: only with --cluster, where the agents persist their state (was {checkpointEvery})");
            if (checkpointEvery < 1)
                throw new CliInputException($"--checkpoint-every: must be at least 1 (was {checkpointEvery})");
        }
        if (pr.GetValue(BlockSize) is { } blockSize)
        {
            if (pr.GetValue(Cluster) is null)
                throw new CliInputException($"--block-size: only with --cluster, whose grains hold blocks of agents (was {blockSize})");
            if (blockSize < 1)
                throw new CliInputException($"--block-size: must be at least 1 (was {blockSize})");
        }

        var outPath = pr.GetValue(OutPath);
        var plotPath = pr.GetValue(PlotPath);
        // An output onto the edge list would overwrite the graph it was read from.
        if (kind == GraphKind.File)
        {
            if (outPath is not null && SamePath(outPath, graphSpec))
                throw new CliInputException($"--out: '{outPath}' is the --graph edge-list file; writing the statistics would overwrite the input; give another file");
            if (plotPath is not null && SamePath(plotPath, graphSpec))
                throw new CliInputException($"--plot: '{plotPath}' is the --graph edge-list file; drawing the figure would overwrite the input; give another file");
        }
        if (outPath is not null && plotPath is not null && SamePath(outPath, plotPath))
            throw new CliInputException($"--plot: '{plotPath}' is also the --out file; give two files");
        // Both outputs are opened (or proven writable) now: a run must not end unable to write them.
        var outFormat = outPath is null ? default : SwarmStatsWriter.Check("--out", outPath);
        var plotFormat = plotPath is null ? default : FigureFile.Check("--plot", plotPath);

        var empathy = CliOptions.EmpathyOptionsOf(pr);
        var seed = pr.GetValue(CliOptions.Seed);
        var options = new SwarmOptions
        {
            Seed = seed, Empathy = empathy, Strength = strength, Noise = noise, MemoryCapacity = memory,
            PreFilter = preFilter is { } topK ? new PreFilter(topK, QuickMethod.Quench) : null,
        };

        // The work from the options alone (a file's edges once it is read): K·m anneals a round.
        long edges = kind switch
        {
            GraphKind.Ring or GraphKind.Random => (long)k * m,
            GraphKind.All => (long)k * (k - 1),
            _ => 0,
        };
        if (kind != GraphKind.File) RequireWork(edges, k, rounds, empathy, n);
        if (edges > SwarmGraph.MaxEdges)
            throw new CliInputException($"--agents: {k:N0} agents with {edges / k:N0} neighbours each make {edges:N0} edges, more than {SwarmGraph.MaxEdges:N0}");
        // Memory from the options before the graph is built (--graph all of 8192 agents is 67
        // million edges, about a gigabyte); an edge list's is checked from its length as it is read.
        RequireMemory(k, n, edges, rounds, memory, copies: false);
        var graph = kind switch
        {
            GraphKind.Ring => CliInputException.ForOption("--neighbours", () => SwarmGraph.Ring(k, m)),
            GraphKind.Random => CliInputException.ForOption("--neighbours", () => SwarmGraph.Random(k, m, seed)),
            GraphKind.All => CliInputException.ForOption("--agents", () => SwarmGraph.All(k)),
            _ => ReadEdgeList(graphSpec, k),
        };
        if (kind == GraphKind.File)
        {
            RequireWork(graph.EdgeCount, k, rounds, empathy, n);
            RequireMemory(k, n, graph.EdgeCount, rounds, memory, copies: false);
        }

        var pattern = pr.GetValue(CliOptions.Pattern);
        var request = new SwarmRequest(k, n, pattern, pr.GetValue(CliOptions.SelfSeed), graphSpec, graph, options, rounds);


        // ---- the rounds -----------------------------------------------------------------
        var done = new List<SwarmRoundStats>(Math.Min(rounds, 1 << 16));
        string digest, backend;
        TimeSpan elapsed;
        using (var run = Start(pr, request))
        {
            backend = run.Backend;
            using var progress = new Progress($"simulate on {backend}", "empathies");
            var clock = Stopwatch.StartNew();
            try
            {
                foreach (var stats in run.Rounds(progress.Cancellation, new Relay<SwarmProgress>(p => Show(progress, p, backend))))
                    done.Add(stats);
            }
            catch (OperationCanceledException) when (progress.Cancellation.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: the completed rounds are whole and deterministic, so --out keeps them
                // (and says so); no figure, no summary; exit code 1, "ising: cancelled".
                progress.Dispose();
                if (outPath is not null && done.Count > 0)
                {
                    SwarmStatsWriter.Write("--out", outPath, outFormat, done);
                    Console.Error.WriteLine($"ising: simulate: {done.Count} of {rounds} rounds completed, written to {outPath}");
                }
                throw;
            }
            elapsed = clock.Elapsed;
            digest = run.Digest();
        }

        // ---- the outputs ----------------------------------------------------------------
        if (outPath is not null) SwarmStatsWriter.Write("--out", outPath, outFormat, done);
        if (plotPath is not null)
            SwarmStatsFigure.Write("--plot", plotPath, plotFormat, done,
                new SwarmStatsFigure.Caption(k, n, graph.Description, graph.EdgeCount, seed, backend));

        var seconds = elapsed.TotalSeconds;
        // Full empathies run: every edge, or with --pre-filter each agent's kept neighbours.
        long perRound = graph.EdgeCount;
        if (options.PreFilter is { } filter)
        {
            perRound = 0;
            for (var a = 0; a < k; a++) perRound += Math.Min(filter.TopK, graph.Neighbours(a).Length);
        }
        double empathies = (double)perRound * rounds;
        double roundsPerSecond = seconds > 0 ? rounds / seconds : double.PositiveInfinity;
        double empathiesPerSecond = seconds > 0 ? empathies / seconds : double.PositiveInfinity;

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.WriteNumber("agents", k);
                w.WriteNumber("edges", graph.EdgeCount);
                w.WriteNumber("rounds", rounds);
                w.Number("seconds", seconds);
                w.Number("roundsPerSecond", roundsPerSecond);
                w.Number("empathiesPerSecond", empathiesPerSecond);
                w.WriteString("backend", backend);
                w.WriteString("digest", digest);
                w.WriteNumber("n", n);
                w.WriteString("graph", graph.Description);
                w.WriteNumber("seed", seed);
                if (options.PreFilter is { } kept)
                {
                    w.WriteNumber("preFilter", kept.TopK);
                    w.WriteNumber("empathiesPerRound", perRound);
                }
                if (outPath is not null) w.WriteString("out", Path.GetFullPath(outPath));
                if (plotPath is not null) w.WriteString("plot", Path.GetFullPath(plotPath));
                w.WritePropertyName("stats");
                SwarmStatsWriter.WriteArray(w, done);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"Swarm of {k} agents, n = {n}, {graph.Description}, {rounds} rounds ({backend})");
        PrintTable(done);
        HumanOutput.Field("edges", graph.EdgeCount);
        HumanOutput.Field("seconds", seconds, 3);
        HumanOutput.Field("rounds per second", roundsPerSecond, 2);
        HumanOutput.Field("empathies per second", empathiesPerSecond, 0);
        HumanOutput.Field("digest", digest);
        if (outPath is not null) HumanOutput.Field("statistics", outPath);
        if (plotPath is not null) HumanOutput.Field("plot", $"{plotPath} ({SwarmStatsFigure.Width}×{SwarmStatsFigure.Height})");
        return ExitCodes.Success;
    }

    private enum GraphKind { Ring, Random, All, File }

    private static GraphKind GraphKindOf(string spec)
    {
        if (spec.Equals("ring", StringComparison.OrdinalIgnoreCase)) return GraphKind.Ring;
        if (spec.Equals("random", StringComparison.OrdinalIgnoreCase)) return GraphKind.Random;
        if (spec.Equals("all", StringComparison.OrdinalIgnoreCase)) return GraphKind.All;
        if (string.IsNullOrWhiteSpace(spec))
            throw new CliInputException($"--graph: the value is empty (was '{spec}'); give ring, random, all or an edge-list file");
        return GraphKind.File;
    }

    /// <summary>
    /// Reads an edge-list file: refused from its metadata when it is missing, not a regular
    /// file (a FIFO would block, a device never end) or too large for the memory available; a
    /// malformed line is bad input naming the file and the line.
    /// </summary>
    private static SwarmGraph ReadEdgeList(string path, int agents)
    {
        var (kind, length) = FileProbe.Probe(path);
        if (kind == FileKind.Missing)
            throw new CliInputException($"--graph: '{path}' is not ring, random or all, and no such file exists");
        if (kind != FileKind.Regular)
            throw new CliInputException($"--graph: '{path}' is {FileProbe.Describe(kind)}, not an edge-list file");
        MemoryBudget.Require("--graph", EdgeListBytesPerByte * length, $"the edge list '{path}' ({length:N0} bytes)");
        try
        {
            using var reader = new StreamReader(path);
            return SwarmGraph.Parse(agents, reader, path);
        }
        catch (FormatException ex)
        {
            throw new CliInputException($"--graph: {ErrorReporter.OneLine(ex.Message)}", ex);
        }
        catch (IOException ex)
        {
            throw new CliInputException($"--graph: cannot read '{path}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
    }

    // In doubles: K(K − 1) edges times R rounds can pass long's range.
    private static void RequireWork(long edges, int agents, int rounds, EmpathyOptions empathy, int n)
    {
        double anneals = (double)edges * rounds;
        double perRound = edges * (double)empathy.Anneal.StepsFor(n) * empathy.Anneal.TrialsPerStep
                          + TrialsPerRound + agents * (2.0 * n * n + TrialsPerAgentRound);
        double trials = perRound * rounds;
        WorkBudget.RequireTrials("--agents/--neighbours/--rounds", trials,
            $"{edges:N0} edges × {rounds:N0} rounds, {anneals:0.##e+0} anneals of {empathy.Anneal.StepsFor(n):N0} steps × " +
            $"{empathy.Anneal.TrialsPerStep:N0} trials and every round's observations and responses of {agents:N0} agents,");
    }

    /// <summary>Moves the status line: the round and its share of empathies, with the whole run's count and ETA.</summary>
    private static void Show(Progress progress, SwarmProgress p, string backend)
    {
        if (p.Round >= p.Rounds) return;
        var share = p.Edges > 0 ? 100.0 * p.EdgesDone / p.Edges : 100.0;
        progress.Update(string.Create(CultureInfo.InvariantCulture, $"simulate on {backend}, round {p.Round + 1} of {p.Rounds} ({share:F0}%)"));
        progress.Report(new BatchProgress(p.Round * p.Edges + p.EdgesDone, (long)p.Rounds * p.Edges));
    }

    private static void PrintTable(IReadOnlyList<SwarmRoundStats> rounds)
    {
        int every = (rounds.Count + MaxTableRows - 1) / MaxTableRows;
        if (every > 1) Console.WriteLine($"  every {every}th round and the last (--out writes them all):");
        Console.WriteLine("  round  mean empathy  response score  coupling drift   mean energy  valence  arousal  tension  coherence  blends  noise");
        for (var i = 0; i < rounds.Count; i++)
        {
            if (i % every != 0 && i != rounds.Count - 1) continue;
            var s = rounds[i];
            var c = s.CollectiveEmotion;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Round,5}  {s.MeanEmpathy,12:F6}  {s.MeanResponseScore,14:F6}  {s.CouplingDrift,14:F6}  {s.MeanEnergy,12:F4}  " +
                $"{c.Valence,7:F4}  {c.Arousal,7:F4}  {c.Tension,7:F4}  {c.Coherence,9:F4}  {s.Blends,6}  {s.NoiseResponses,5}"));
        }
        Console.WriteLine();
    }

    /// <summary>Whether two paths name one file by their full paths (a name that has none is checked, and refused, where it is opened).</summary>
    private static bool SamePath(string a, string b)
    {
        try
        {
            return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b),
                OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
