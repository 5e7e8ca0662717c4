namespace IsingNative.Cluster;

/// <summary>
/// How a swarm's agents are cut into blocks of contiguous agent ids (docs/CLUSTER.md §2): block
/// b holds agents [b·B, min((b + 1)·B, K)). A graph with locality (a ring, a lattice numbered
/// row by row, an edge list whose ids follow the neighbourhoods) keeps most neighbours in one
/// block, so the boundary — the agents another block attends to — is small; for a random graph it
/// is whatever the edges make it, and <see cref="BoundaryAgents"/> says how large.
/// </summary>
public sealed class SwarmBlockPlan
{
    private readonly int[] _exports;
    private readonly int[] _exportStarts;
    private readonly SwarmBlockImport[][] _imports;

    private SwarmBlockPlan(SwarmGraph graph, int blockSize)
    {
        Graph = graph;
        BlockSize = blockSize;
        int k = graph.AgentCount;
        BlockCount = (k + blockSize - 1) / blockSize;
        var exported = new bool[k];
        _imports = new SwarmBlockImport[BlockCount][];
        var outside = new SortedSet<int>();
        for (int b = 0; b < BlockCount; b++)
        {
            var (first, count) = Range(b);
            outside.Clear();
            for (int a = first; a < first + count; a++)
                foreach (int x in graph.Neighbours(a))
                    if (x < first || x >= first + count) outside.Add(x);
            var groups = new List<SwarmBlockImport>();
            var agents = new List<int>();
            int owner = -1;
            foreach (int x in outside)
            {
                exported[x] = true;
                if (x / blockSize != owner && agents.Count > 0)
                {
                    groups.Add(new SwarmBlockImport(owner, [.. agents]));
                    agents.Clear();
                }
                owner = x / blockSize;
                agents.Add(x);
            }
            if (agents.Count > 0) groups.Add(new SwarmBlockImport(owner, [.. agents]));
            _imports[b] = [.. groups];
        }
        _exportStarts = new int[BlockCount + 1];
        var exports = new List<int>();
        for (int b = 0; b < BlockCount; b++)
        {
            _exportStarts[b] = exports.Count;
            var (first, count) = Range(b);
            for (int a = first; a < first + count; a++)
                if (exported[a]) exports.Add(a);
        }
        _exportStarts[BlockCount] = exports.Count;
        _exports = [.. exports];
    }

    /// <summary>Cuts <paramref name="graph"/> into blocks of <paramref name="blockSize"/> agents (the last one may be smaller).</summary>
    /// <param name="graph">Who attends to whom.</param>
    /// <param name="blockSize">B ≥ 1.</param>
    public static SwarmBlockPlan Create(SwarmGraph graph, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (blockSize < 1)
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, $"blockSize: must be >= 1, got {blockSize}.");
        return new SwarmBlockPlan(graph, Math.Min(blockSize, Math.Max(graph.AgentCount, 1)));
    }

    /// <summary>The graph.</summary>
    public SwarmGraph Graph { get; }

    /// <summary>B: agents per block (the last block may hold fewer).</summary>
    public int BlockSize { get; }

    /// <summary>How many blocks.</summary>
    public int BlockCount { get; }

    /// <summary>The first agent of block <paramref name="block"/> and how many it holds.</summary>
    /// <param name="block">The block.</param>
    public (int First, int Count) Range(int block)
    {
        int first = block * BlockSize;
        return (first, Math.Min(BlockSize, Graph.AgentCount - first));
    }

    /// <summary>Block <paramref name="block"/>'s agents that agents of other blocks attend to, ascending.</summary>
    /// <param name="block">The block.</param>
    public ReadOnlySpan<int> Exports(int block) => _exports.AsSpan(_exportStarts[block], _exportStarts[block + 1] - _exportStarts[block]);

    /// <summary>The agents of other blocks that block <paramref name="block"/>'s agents attend to, grouped by block.</summary>
    /// <param name="block">The block.</param>
    public IReadOnlyList<SwarmBlockImport> Imports(int block) => _imports[block];

    /// <summary>Agents that some agent of another block attends to: the boundary, whose round-start systems travel between blocks each round.</summary>
    public int BoundaryAgents => _exports.Length;

    /// <summary>Agent copies that travel each round: one per (block, agent of another block it attends to).</summary>
    public long BoundaryCopies
    {
        get
        {
            long copies = 0;
            foreach (var groups in _imports)
                foreach (var g in groups) copies += g.Agents.Length;
            return copies;
        }
    }

    /// <summary>Block <paramref name="block"/>'s <see cref="ISwarmBlockGrain.Init"/>.</summary>
    /// <param name="block">The block.</param>
    /// <param name="options">The run's options.</param>
    /// <param name="states">Every agent's initial state, in agent order (the block's slice is taken).</param>
    public SwarmBlockInit Init(int block, SwarmOptions options, IReadOnlyList<SwarmAgentState> states)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(states);
        var (first, count) = Range(block);
        int start = Graph.FirstEdge(first);
        int end = first + count < Graph.AgentCount ? Graph.FirstEdge(first + count) : Graph.EdgeCount;
        var starts = new int[count + 1];
        for (int i = 0; i <= count; i++) starts[i] = (first + i < Graph.AgentCount ? Graph.FirstEdge(first + i) : Graph.EdgeCount) - start;
        var neighbours = new int[end - start];
        for (int e = start; e < end; e++) neighbours[e - start] = Graph.Edges[e].Other;
        var slice = new SwarmAgentState[count];
        for (int i = 0; i < count; i++) slice[i] = states[first + i];
        return new SwarmBlockInit(block, first, Graph.AgentCount, starts, neighbours, Exports(block).ToArray(), [.. _imports[block]], options, slice);
    }
}
