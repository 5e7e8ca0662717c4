using System.Globalization;

namespace IsingNative;

/// <summary>
/// Who attends to whom in a swarm: for every agent, the sorted list of its neighbours (the
/// others it runs social attention over). Directed: agent a attending to b says nothing of b.
/// No agent is its own neighbour and no neighbour is listed twice. Immutable.
/// </summary>
public sealed class SwarmGraph
{
    private readonly int[] _offsets;   // K + 1 entries: agent a's neighbours are _targets[_offsets[a].._offsets[a+1]]
    private readonly int[] _targets;
    private readonly AgentEdge[] _edges;

    private SwarmGraph(int agents, int[] offsets, int[] targets, string description)
    {
        AgentCount = agents;
        _offsets = offsets;
        _targets = targets;
        Description = description;
        _edges = new AgentEdge[targets.Length];
        for (int a = 0; a < agents; a++)
            for (int e = offsets[a]; e < offsets[a + 1]; e++) _edges[e] = new AgentEdge(a, targets[e]);
    }

    /// <summary>The number of agents K.</summary>
    public int AgentCount { get; }

    /// <summary>The number of (self, neighbour) edges.</summary>
    public int EdgeCount => _targets.Length;

    /// <summary>How the graph was made, e.g. <c>ring(m=4)</c>.</summary>
    public string Description { get; }

    /// <summary>Every edge, grouped by self in agent order, each group's neighbours ascending.</summary>
    public ReadOnlySpan<AgentEdge> Edges => _edges;

    /// <summary>The neighbours of <paramref name="agent"/>, ascending.</summary>
    /// <param name="agent">An agent index in [0, K).</param>
    public ReadOnlySpan<int> Neighbours(int agent)
    {
        CheckAgent(agent, nameof(agent));
        return _targets.AsSpan(_offsets[agent], _offsets[agent + 1] - _offsets[agent]);
    }

    /// <summary>The position of <paramref name="agent"/>'s first edge in <see cref="Edges"/>.</summary>
    /// <param name="agent">An agent index in [0, K).</param>
    public int FirstEdge(int agent)
    {
        CheckAgent(agent, nameof(agent));
        return _offsets[agent];
    }

    /// <summary>Every agent attends to every other (K − 1 neighbours each).</summary>
    /// <param name="agents">K ≥ 2.</param>
    public static SwarmGraph All(int agents)
    {
        CheckAgents(agents);
        CheckEdgeCount(agents, agents - 1L);
        return Build(agents, agents - 1, "all", (a, list) =>
        {
            for (int b = 0; b < agents; b++) if (b != a) list.Add(b);
        });
    }

    /// <summary>
    /// A ring lattice: agent a attends to a+1 … a+⌈m/2⌉ and a−1 … a−⌊m/2⌋ (mod K).
    /// </summary>
    /// <param name="agents">K ≥ 2.</param>
    /// <param name="neighbours">m in [1, K − 1].</param>
    public static SwarmGraph Ring(int agents, int neighbours)
    {
        CheckAgents(agents);
        CheckNeighbours(agents, neighbours);
        CheckEdgeCount(agents, neighbours);
        int ahead = (neighbours + 1) / 2, behind = neighbours / 2;
        return Build(agents, neighbours, $"ring(m={neighbours})", (a, list) =>
        {
            for (int d = 1; d <= ahead; d++) list.Add((a + d) % agents);
            for (int d = 1; d <= behind; d++) list.Add(((a - d) % agents + agents) % agents);
        });
    }

    /// <summary>
    /// A random m-out-regular graph: every agent attends to exactly m distinct others drawn
    /// from <paramref name="seed"/> (SplitMix64 per agent, docs/SWARM.md), so the same seed
    /// always gives the same graph.
    /// </summary>
    /// <param name="agents">K ≥ 2.</param>
    /// <param name="neighbours">m in [1, K − 1].</param>
    /// <param name="seed">The graph's seed.</param>
    public static SwarmGraph Random(int agents, int neighbours, ulong seed)
    {
        CheckAgents(agents);
        CheckNeighbours(agents, neighbours);
        CheckEdgeCount(agents, neighbours);
        var chosen = new HashSet<int>();
        var pool = neighbours * 2L > agents ? new int[agents] : null;
        return Build(agents, neighbours, $"random(m={neighbours}, seed={seed})", (a, list) =>
        {
            ulong state = unchecked(seed ^ ((ulong)a * 0x9E3779B97F4A7C15UL));
            if (pool is not null)
            {
                // Dense: a partial Fisher–Yates over the K − 1 others.
                int count = 0;
                for (int b = 0; b < agents; b++) if (b != a) pool[count++] = b;
                for (int j = 0; j < neighbours; j++)
                {
                    int pick = j + (int)(SplitMix(ref state) % (ulong)(count - j));
                    (pool[j], pool[pick]) = (pool[pick], pool[j]);
                    list.Add(pool[j]);
                }
                return;
            }
            // Sparse: draw until m distinct others are found (m ≤ K/2, so on average < 2 draws each).
            chosen.Clear();
            while (chosen.Count < neighbours)
            {
                int b = (int)(SplitMix(ref state) % (ulong)agents);
                if (b != a && chosen.Add(b)) list.Add(b);
            }
        });
    }

    /// <summary>A graph from explicit (self, neighbour) edges, in any order.</summary>
    /// <param name="agents">K ≥ 1.</param>
    /// <param name="edges">Edges with both ends in [0, K), no self-loop, no repeat.</param>
    public static SwarmGraph FromEdges(int agents, IEnumerable<AgentEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (agents < 1 || agents > IsingEngine.MaxAgents)
            throw new ArgumentOutOfRangeException(nameof(agents), agents, $"agents must be in [1, {IsingEngine.MaxAgents}], got {agents}.");
        var lists = new List<int>[agents];
        long total = 0;
        int index = 0;
        foreach (var edge in edges)
        {
            if ((uint)edge.Self >= (uint)agents || (uint)edge.Other >= (uint)agents)
                throw new ArgumentException($"edges: edge {index} = ({edge.Self}, {edge.Other}) has an agent outside [0, {agents}).", nameof(edges));
            if (edge.Self == edge.Other)
                throw new ArgumentException($"edges: edge {index} = ({edge.Self}, {edge.Other}) is a self-loop; an agent does not attend to itself.", nameof(edges));
            (lists[edge.Self] ??= []).Add(edge.Other);
            total++;
            index++;
        }
        CheckEdgeCount(agents, total / (double)agents);
        var offsets = new int[agents + 1];
        var targets = new int[total];
        int at = 0;
        for (int a = 0; a < agents; a++)
        {
            offsets[a] = at;
            var list = lists[a];
            if (list is null) continue;
            list.Sort();
            for (int k = 0; k < list.Count; k++)
            {
                if (k > 0 && list[k] == list[k - 1])
                    throw new ArgumentException($"edges: the edge ({a}, {list[k]}) is listed more than once.", nameof(edges));
                targets[at++] = list[k];
            }
        }
        offsets[agents] = at;
        return new SwarmGraph(agents, offsets, targets, $"edges({total})");
    }

    /// <summary>
    /// Reads an edge list: one <c>self other</c> pair per line (separated by spaces, tabs or a
    /// comma), <c>#</c> starts a comment, blank lines are ignored. Every refusal names the
    /// source and the line (a repeated edge also the line it repeats), and shows the line's
    /// control characters escaped (<c>\u001b</c>), never raw.
    /// </summary>
    /// <param name="agents">K, in [1, <see cref="IsingEngine.MaxAgents"/>].</param>
    /// <param name="reader">The text.</param>
    /// <param name="source">The name used in error messages (e.g. the file's path).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="agents"/> is out of range (a bad argument, not a bad file).</exception>
    /// <exception cref="FormatException">A line is not two agent indices, names an agent outside [0, K), is a self-loop or repeats an edge; the message names the source and line.</exception>
    public static SwarmGraph Parse(int agents, TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        if (agents < 1 || agents > IsingEngine.MaxAgents)
            throw new ArgumentOutOfRangeException(nameof(agents), agents, $"agents must be in [1, {IsingEngine.MaxAgents}], got {agents}.");
        var edges = new List<AgentEdge>();
        var lines = new List<int>();
        int lineNumber = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            int hash = line.IndexOf('#');
            var text = (hash >= 0 ? line[..hash] : line).Trim();
            if (text.Length == 0) continue;
            var parts = text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            // Digits only: int.Parse would also take trailing NULs ("1\0") and other oddities.
            if (parts.Length != 2 || !TryIndex(parts[0], out int self) || !TryIndex(parts[1], out int other))
                throw new FormatException($"{source}:{lineNumber}: expected two agent indices 'self other', got '{Shorten(text)}'.");
            if (self >= agents || other >= agents)
                throw new FormatException($"{source}:{lineNumber}: edge ({self}, {other}) names an agent outside [0, {agents}).");
            if (self == other)
                throw new FormatException($"{source}:{lineNumber}: edge ({self}, {other}) is a self-loop; an agent does not attend to itself.");
            if (edges.Count >= MaxEdges)
                throw new FormatException($"{source}:{lineNumber}: more than {MaxEdges} edges, the most a graph may have.");
            edges.Add(new AgentEdge(self, other));
            lines.Add(lineNumber);
        }
        RequireNoRepeats(edges, lines, source);
        try { return FromEdges(agents, edges); }
        catch (ArgumentException e)
        {
            // Unreachable after the checks above; kept so that a refusal of FromEdges still reads
            // as the file's, without the runtime's " (Parameter 'edges')".
            throw new FormatException($"{source}: {WithoutParameter(e).Replace("edges: ", "", StringComparison.Ordinal)}", e);
        }
    }

    /// <summary>
    /// Refuses the first line (in file order) that repeats an earlier edge, naming both lines:
    /// the edges are sorted once with their line numbers, so each repeat sits beside its first.
    /// </summary>
    private static void RequireNoRepeats(List<AgentEdge> edges, List<int> lines, string source)
    {
        var keys = new long[edges.Count];
        var at = lines.ToArray();
        for (int e = 0; e < keys.Length; e++) keys[e] = ((long)edges[e].Self << 32) | (uint)edges[e].Other;
        Array.Sort(keys, at);
        int repeatLine = int.MaxValue, firstLine = 0;
        long repeated = 0;
        for (int e = 0; e < keys.Length;)
        {
            int run = e + 1, low = at[e], second = int.MaxValue;
            for (; run < keys.Length && keys[run] == keys[e]; run++)
            {
                if (at[run] < low) (low, second) = (at[run], low);
                else if (at[run] < second) second = at[run];
            }
            if (second < repeatLine) (repeatLine, firstLine, repeated) = (second, low, keys[e]);
            e = run;
        }
        if (repeatLine != int.MaxValue)
            throw new FormatException(
                $"{source}:{repeatLine}: edge ({repeated >> 32}, {(int)repeated}) repeats line {firstLine}; list each edge once.");
    }

    private static bool TryIndex(string text, out int value)
    {
        value = 0;
        foreach (char c in text) if (!char.IsAsciiDigit(c)) return false;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string WithoutParameter(ArgumentException e) =>
        e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    /// <summary>The number of the largest graphs' edges: one int per edge (plus one edge record).</summary>
    public const long MaxEdges = int.MaxValue / 2;

    /// <summary>
    /// A line as it may be shown on a terminal: at most 40 characters, control and format
    /// characters (ESC, BEL, NUL, bidirectional overrides) as <c>\uXXXX</c>, so a hostile file
    /// cannot drive the terminal that shows the error.
    /// </summary>
    private static string Shorten(string text)
    {
        var shown = new System.Text.StringBuilder();
        foreach (char c in text.Length <= 40 ? text : text[..40])
        {
            if (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Surrogate
                                                                   or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else
                shown.Append(c);
        }
        if (text.Length > 40) shown.Append('…');
        return shown.ToString();
    }

    private static ulong SplitMix(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private static SwarmGraph Build(int agents, int degree, string description, Action<int, List<int>> neighboursOf)
    {
        var offsets = new int[agents + 1];
        var targets = new int[(long)agents * degree];
        var list = new List<int>(degree);
        for (int a = 0; a < agents; a++)
        {
            list.Clear();
            neighboursOf(a, list);
            list.Sort();
            offsets[a] = a * degree;
            list.CopyTo(targets, a * degree);
        }
        offsets[agents] = agents * degree;
        return new SwarmGraph(agents, offsets, targets, description);
    }

    private void CheckAgent(int agent, string name)
    {
        if ((uint)agent >= (uint)AgentCount)
            throw new ArgumentOutOfRangeException(name, agent, $"{name} must be in [0, {AgentCount}), got {agent}.");
    }

    private static void CheckAgents(int agents)
    {
        if (agents < 2 || agents > IsingEngine.MaxAgents)
            throw new ArgumentOutOfRangeException(nameof(agents), agents, $"agents must be in [2, {IsingEngine.MaxAgents}], got {agents}.");
    }

    private static void CheckNeighbours(int agents, int neighbours)
    {
        if (neighbours < 1 || neighbours > agents - 1)
            throw new ArgumentOutOfRangeException(nameof(neighbours), neighbours, $"neighbours must be in [1, {agents - 1}] for {agents} agents, got {neighbours}.");
    }

    private static void CheckEdgeCount(int agents, double perAgent)
    {
        if (agents * perAgent > MaxEdges)
            throw new ArgumentOutOfRangeException(nameof(agents), agents, $"{agents} agents with {perAgent} neighbours each exceed {MaxEdges} edges.");
    }
}
