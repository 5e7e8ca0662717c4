namespace IsingNative;

/// <summary>
/// A swarm that evolves on one machine (docs/SWARM.md): K agents on a <see cref="SwarmGraph"/>,
/// advanced round by round. A round is synchronous — every agent attends to its neighbours
/// as they were at the start of the round and all responses are applied together — so the
/// result does not depend on the order agents are processed; its empathies are one
/// <see cref="AgentSet.EmpathyEdges(ReadOnlySpan{AgentEdge}, ulong, Span{EmpathyResult}, EmpathyOptions?, CancellationToken, IProgress{BatchProgress}?)"/>
/// call. Not thread-safe: one caller advances it.
/// </summary>
public sealed class SwarmSimulation : IDisposable
{
    private readonly IsingEngine _engine;
    private readonly SwarmAgent[] _agents;
    private readonly AgentSet _set;
    private readonly Observables[] _atStart;
    private readonly EmpathyResult[] _results;
    private readonly SwarmAttention[] _attention;
    private readonly SwarmAgentRound[] _records;
    private readonly IsingSystem?[] _snapshots;
    private readonly Observables[] _neighbourScratch;
    private readonly double[] _weights;
    private readonly int[] _keptNeighbours;
    private readonly EmpathyResult[] _keptResults;
    private readonly Func<int, IsingSystem> _snapshotOf;
    private bool _stepped;
    private bool _disposed;

    /// <summary>Starts a swarm from copies of <paramref name="agents"/> (round 0, empty memories).</summary>
    /// <param name="engine">The engine every round runs on.</param>
    /// <param name="agents">One system per agent of the graph, all with the same n and with spins.</param>
    /// <param name="graph">Who attends to whom.</param>
    /// <param name="options">The run's seed and rules; null for the defaults.</param>
    public SwarmSimulation(IsingEngine engine, ReadOnlySpan<IsingSystem> agents, SwarmGraph graph, SwarmOptions? options = null)
        : this(engine, NewAgents(agents, graph, options ?? SwarmOptions.Default), graph, options, 0)
    {
    }

    /// <summary>Resumes a swarm from saved agent states after <paramref name="round"/> completed rounds.</summary>
    /// <param name="engine">The engine every round runs on.</param>
    /// <param name="states">One state per agent, in agent order.</param>
    /// <param name="graph">Who attends to whom.</param>
    /// <param name="options">The run's seed and rules (as when the states were saved).</param>
    /// <param name="round">The next round's index (rounds completed).</param>
    public SwarmSimulation(IsingEngine engine, IReadOnlyList<SwarmAgentState> states, SwarmGraph graph, SwarmOptions? options, int round)
        : this(engine, Restore(states), graph, options, round)
    {
    }

    private SwarmSimulation(IsingEngine engine, SwarmAgent[] agents, SwarmGraph graph, SwarmOptions? options, int round)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(graph);
        Options = options ?? SwarmOptions.Default;
        Options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        if (agents.Length != graph.AgentCount)
            throw new ArgumentException($"agents: the graph has {graph.AgentCount} agents, {agents.Length} were given.", nameof(agents));
        for (int a = 1; a < agents.Length; a++)
            if (agents[a].System.Size != agents[0].System.Size)
                throw new ArgumentException($"agents: agent {a} has n={agents[a].System.Size} but agent 0 has n={agents[0].System.Size}; a swarm needs one n.", nameof(agents));
        _engine = engine;
        _agents = agents;
        Graph = graph;
        Round = round;
        _set = engine.CreateAgentSet(Array.ConvertAll(agents, x => x.System));
        _atStart = new Observables[agents.Length];
        _attention = new SwarmAttention[agents.Length];
        _records = new SwarmAgentRound[agents.Length];
        _snapshots = new IsingSystem?[agents.Length];
        int widest = 0;
        for (int a = 0; a < agents.Length; a++) widest = Math.Max(widest, graph.Neighbours(a).Length);
        _neighbourScratch = new Observables[widest];
        _results = new EmpathyResult[Math.Max(widest, Math.Min(EdgeTile, graph.EdgeCount))];
        _weights = new double[widest];
        _keptNeighbours = new int[widest];
        _keptResults = new EmpathyResult[widest];
        _snapshotOf = b => _snapshots[b] ?? throw new InvalidOperationException($"agent {b} was not copied at the start of the round.");
    }

    /// <summary>Who attends to whom.</summary>
    public SwarmGraph Graph { get; }

    /// <summary>The run's seed and rules.</summary>
    public SwarmOptions Options { get; }

    /// <summary>Rounds completed (the next round's index).</summary>
    public int Round { get; private set; }

    /// <summary>The agents, in order (their systems are the swarm's own copies).</summary>
    public IReadOnlyList<SwarmAgent> Agents => _agents;

    /// <summary>Every agent's record of the last completed round (empty before the first).</summary>
    public ReadOnlySpan<SwarmAgentRound> LastRound => _stepped ? _records : default;

    /// <summary>A SHA-256 of every agent's state (<see cref="SwarmAgent.Digest"/>).</summary>
    public string Digest() => SwarmAgent.Digest(_agents);

    /// <summary>
    /// The most empathies a round computes in one call (whole agents at a time): the round's
    /// results are held per tile, so its memory is O(K) plus one tile, not O(edges).
    /// </summary>
    public const int EdgeTile = 1 << 16;

    /// <summary>The tile used (tests shrink it to cover the tiling).</summary>
    internal int TileEdges { get; init; } = EdgeTile;

    /// <summary>Advances one round and returns its statistics.</summary>
    /// <param name="cancellationToken">Checked between tiles of the round's empathies; a cancelled round changes nothing.</param>
    /// <param name="progress">Told the round's empathies finished after each tile.</param>
    /// <exception cref="InvalidOperationException"><see cref="Round"/> is <see cref="int.MaxValue"/>: the counter cannot count another round.</exception>
    public SwarmRoundStats Step(CancellationToken cancellationToken = default, IProgress<BatchProgress>? progress = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // The counter would wrap to a negative round (and its seeds to another round's).
        if (Round == int.MaxValue)
            throw new InvalidOperationException($"the swarm has completed {int.MaxValue} rounds, the most its round counter holds; no further round can run.");
        int k = _agents.Length;
        _set.ObserveAll(_atStart);
        ulong seedBase = SwarmRules.RoundSeedBase(Options.Seed, Round, k);
        long total = Graph.EdgeCount;

        // Phase 1, nothing changes: every agent's attention, a tile of whole agents at a time.
        for (int first = 0; first < k;)
        {
            int last = first, edges = 0;
            while (last < k && (edges == 0 || edges + Graph.Neighbours(last).Length <= TileEdges)) edges += Graph.Neighbours(last++).Length;
            int offset = Graph.FirstEdge(first);
            if (edges > 0)
            {
                IProgress<BatchProgress>? tile = progress is null ? null
                    : new Relay(p => progress.Report(new BatchProgress(offset + p.Done, total)));
                ReadOnlySpan<AgentEdge> slice = Graph.Edges.Slice(offset, edges);
                if (Options.PreFilter is { } filter)
                    _set.EmpathyEdges(slice, seedBase, _results.AsSpan(0, edges), Options.Empathy, filter, cancellationToken, tile);
                else
                    _set.EmpathyEdges(slice, seedBase, _results.AsSpan(0, edges), Options.Empathy, cancellationToken, tile);
            }
            for (int a = first; a < last; a++)
            {
                ReadOnlySpan<int> neighbours = Graph.Neighbours(a);
                ReadOnlySpan<EmpathyResult> results = _results.AsSpan(Graph.FirstEdge(a) - offset, neighbours.Length);
                // Attention over the neighbours whose empathy was computed: all of them, or the
                // pre-filter's kept ones (a skipped entry is default, Steps 0; a computed one never is).
                int count = 0;
                for (int j = 0; j < neighbours.Length; j++)
                {
                    if (Options.PreFilter is not null && results[j].Steps == 0) continue;
                    _keptNeighbours[count] = neighbours[j];
                    _keptResults[count] = results[j];
                    _neighbourScratch[count++] = _atStart[neighbours[j]];
                }
                _attention[a] = SwarmRules.Attend(_keptNeighbours.AsSpan(0, count), _keptResults.AsSpan(0, count),
                    _neighbourScratch.AsSpan(0, count), _weights);
            }
            first = last;
        }

        // Phase 2: copy the systems someone blends towards, then apply every response.
        for (int a = 0; a < k; a++)
            if (_attention[a].Neighbours > 0 && _attention[a].Score > 0.5)
                _snapshots[_attention[a].Chosen] ??= _agents[_attention[a].Chosen].System.Clone();
        for (int a = 0; a < k; a++)
            _records[a] = SwarmRules.Apply(_engine, Options, Round, k, a, _agents[a], _atStart[a], _attention[a], _snapshotOf);
        Array.Clear(_snapshots);
        _stepped = true;
        return SwarmRules.Summarize(Round++, _records);
    }

    /// <summary>Advances <paramref name="rounds"/> rounds, returning each round's statistics.</summary>
    /// <param name="rounds">How many rounds, ≥ 0.</param>
    /// <param name="cancellationToken">Checked inside every round; rounds already completed stay applied.</param>
    /// <param name="progress">Told after every tile of empathies and every round.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rounds"/> is negative, or <see cref="Round"/> + <paramref name="rounds"/> would pass <see cref="int.MaxValue"/>.</exception>
    public IReadOnlyList<SwarmRoundStats> Run(int rounds, CancellationToken cancellationToken = default, IProgress<SwarmProgress>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        if (rounds > int.MaxValue - Round)
            throw new ArgumentOutOfRangeException(nameof(rounds), rounds,
                $"rounds: {rounds} more rounds after {Round} would pass the round counter's {int.MaxValue}; run at most {int.MaxValue - Round}.");
        var stats = new List<SwarmRoundStats>(rounds);
        long edges = Graph.EdgeCount;
        for (int r = 0; r < rounds; r++)
        {
            int done = r;
            IProgress<BatchProgress>? tiles = progress is null ? null
                : new Relay(p => progress.Report(new SwarmProgress(done, rounds, p.Done, edges)));
            stats.Add(Step(cancellationToken, tiles));
            progress?.Report(new SwarmProgress(r + 1, rounds, 0, edges));
        }
        return stats;
    }

    /// <summary>Every agent's state, for a checkpoint (resume with the states constructor).</summary>
    public SwarmAgentState[] SaveStates() => Array.ConvertAll(_agents, a => a.ToState());

    /// <summary>Releases the agent set; the agents stay readable.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _set.Dispose();
    }

    private static SwarmAgent[] NewAgents(ReadOnlySpan<IsingSystem> systems, SwarmGraph graph, SwarmOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (systems.Length != graph.AgentCount)
            throw new ArgumentException($"agents: the graph has {graph.AgentCount} agents, {systems.Length} were given.", "agents");
        var agents = new SwarmAgent[systems.Length];
        for (int a = 0; a < agents.Length; a++)
        {
            if (systems[a] is null) throw new ArgumentNullException("agents", $"agents: agent {a} is null.");
            agents[a] = SwarmAgent.Create(systems[a], options.MemoryCapacity);
        }
        return agents;
    }

    private static SwarmAgent[] Restore(IReadOnlyList<SwarmAgentState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var agents = new SwarmAgent[states.Count];
        for (int a = 0; a < agents.Length; a++) agents[a] = SwarmAgent.FromState(states[a]);
        return agents;
    }

    private sealed class Relay(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
