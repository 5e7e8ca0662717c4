using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace IsingNative.Cluster;

/// <summary>What a block grain persists once, at Init: which agents it holds and whom they attend to.</summary>
[GenerateSerializer]
public sealed class SwarmBlockConfig
{
    /// <summary>The block's index.</summary>
    [Id(0)] public int Block { get; set; }
    /// <summary>Its first agent.</summary>
    [Id(1)] public int First { get; set; }
    /// <summary>How many agents it holds.</summary>
    [Id(2)] public int Count { get; set; }
    /// <summary>The run's K.</summary>
    [Id(3)] public int AgentCount { get; set; }
    /// <summary>Where each agent's neighbours start in <see cref="Neighbours"/> (Count + 1 entries).</summary>
    [Id(4)] public int[] NeighbourStarts { get; set; } = [0];
    /// <summary>Every agent's neighbours, in agent order and graph order.</summary>
    [Id(5)] public int[] Neighbours { get; set; } = [];
    /// <summary>Its agents that other blocks attend to, ascending.</summary>
    [Id(6)] public int[] Exports { get; set; } = [];
    /// <summary>The agents of other blocks it attends to, by block.</summary>
    [Id(7)] public SwarmBlockImport[] Imports { get; set; } = [];
    /// <summary>The run's options.</summary>
    [Id(8)] public SwarmOptions Options { get; set; } = SwarmOptions.Default;
    /// <summary>Every agent's initial couplings (Count·n² doubles as bytes): they never change, so checkpoints leave them out.</summary>
    [Id(9)] public byte[] InitialCouplings { get; set; } = [];

    /// <summary>Whether <paramref name="init"/> describes this block (a repeated Init).</summary>
    internal bool Describes(SwarmBlockInit init) =>
        Block == init.Block && First == init.First && Count == init.States.Length && AgentCount == init.AgentCount
        && NeighbourStarts.AsSpan().SequenceEqual(init.NeighbourStarts) && Neighbours.AsSpan().SequenceEqual(init.Neighbours)
        && Equals(Options, init.Options);
}

/// <summary>
/// A block of B swarm agents (docs/CLUSTER.md §2). A round is what the single process does for
/// these agents: one engine call for all their empathies on an <see cref="AgentSet"/> that holds
/// the block's agents and copies of the other blocks' agents they attend to (the boundary), then
/// <see cref="SwarmRules.Attend"/> and <see cref="SwarmRules.Apply"/> per agent with the same
/// seeds, so the cluster ends in the same bits. The agents advance in memory; a checkpoint goes
/// to one of two storage slots in turn (<c>checkpoint-a</c>, <c>checkpoint-b</c>), so the one
/// before the newest survives a write that fails half way. Not reentrant except
/// <see cref="GetBoundary"/>, which reads only the copies taken when the block entered its round.
/// </summary>
[SwarmBlockPlacement]
public sealed class SwarmBlockGrain(
    [PersistentState("block", SwarmHosting.StorageName)] IPersistentState<SwarmBlockConfig> config,
    [PersistentState("checkpoint-a", SwarmHosting.StorageName)] IPersistentState<SwarmBlockCheckpoint> slotA,
    [PersistentState("checkpoint-b", SwarmHosting.StorageName)] IPersistentState<SwarmBlockCheckpoint> slotB,
    SwarmSiloEngine silo, IClusterMembershipService membership, ILocalSiloDetails local) : Grain, ISwarmBlockGrain
{
    private Live? _live;

    /// <inheritdoc/>
    public async Task Init(SwarmBlockInit init)
    {
        ArgumentNullException.ThrowIfNull(init);
        if (config.RecordExists)
        {
            var c = config.State;
            if (!c.Describes(init))
                throw new ArgumentException(
                    $"init: grain {this.GetPrimaryKeyString()} already holds agents {c.First}..{c.First + c.Count - 1} of K={c.AgentCount} with other neighbours, block size or options; use a new run id.",
                    nameof(init));
            return;   // the same Init again (a retried start): nothing to do
        }
        SwarmAgent[] agents = Validate(init);
        slotA.State = SwarmBlockCheckpoint.Of(0, agents, null);
        await slotA.WriteStateAsync();   // the checkpoint before the config: a config always has a checkpoint to load
        config.State = new SwarmBlockConfig
        {
            Block = init.Block, First = init.First, Count = init.States.Length, AgentCount = init.AgentCount,
            NeighbourStarts = init.NeighbourStarts, Neighbours = init.Neighbours, Exports = init.Exports, Imports = init.Imports,
            Options = init.Options, InitialCouplings = SwarmBlockCheckpoint.InitialCouplingsOf(agents),
        };
        await config.WriteStateAsync();
        Replace(Load(slotA.State));
    }

    /// <inheritdoc/>
    public Task<SwarmBoundary> GetBoundary(SwarmBoundaryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var c = Config();
        var l = Loaded();
        if (request.Round != l.Round)
            throw new SwarmStepLostException(
                $"block {c.Block} is at round {l.Round}, not {request.Round} (re-activated from a checkpoint, or rolled back); redo from the last checkpoint.");
        var answer = new SwarmBoundaryAgent[request.Agents.Length];
        for (int q = 0; q < answer.Length; q++)
        {
            int agent = request.Agents[q];
            int j = Array.BinarySearch(c.Exports, agent);
            if (j < 0)
                throw new ArgumentException($"request: agent {agent} is not on block {c.Block}'s boundary (agents {c.First}..{c.First + c.Count - 1}).", nameof(request));
            Exported e = l.Exported[j];
            // The requester's copy is from round Have of this timeline; the couplings and fields
            // have not changed since round e.Since, so from Have ≥ Since on they are the copy's.
            bool delta = request.Have >= e.Since && request.Have <= request.Round;
            answer[q] = delta ? new SwarmBoundaryAgent(agent, null, null, e.Spins) : new SwarmBoundaryAgent(agent, e.Couplings, e.Fields, e.Spins);
        }
        return Task.FromResult(new SwarmBoundary(request.Round, answer));
    }

    /// <inheritdoc/>
    public async Task<SwarmBlockRound> Step(int round)
    {
        var c = Config();
        var l = Loaded();
        if (l.Stepped is { } s && s.Round == round) return s.Result;
        if (l.Committed is { } done && done.Round == round && l.Round == round + 1) return done.Result;
        if (round != l.Round)
            throw new SwarmStepLostException(
                $"block {c.Block} is at round {l.Round} (re-activated from a checkpoint, or rolled back), cannot step round {round}; redo from the last checkpoint.");

        var requests = new Task<SwarmBoundary>[c.Imports.Length];
        string runId = SwarmBlockGrainKey.Parse(this.GetPrimaryKeyString()).RunId;
        for (int g = 0; g < requests.Length; g++)
            requests[g] = GrainFactory.GetGrain<ISwarmBlockGrain>(SwarmBlockGrainKey.Of(runId, c.Imports[g].Block))
                .GetBoundary(new SwarmBoundaryRequest(round, c.Imports[g].Agents, l.Have[g]));
        SwarmBoundary[] answers = await Task.WhenAll(requests);
        var fetched = new SwarmExchange();
        for (int g = 0; g < answers.Length; g++) fetched += l.TakeBoundary(c, g, round, answers[g]);

        SwarmAgentRound[] records;
        int empathies;
        try
        {
            (records, empathies) = await silo.RunAsync(() => l.Compute(c, silo.Engine, round));
        }
        catch
        {
            Replace(null);   // the agents may be half updated: the next call loads the checkpoint
            throw;
        }
        var result = SwarmBlockRound.Of(records, fetched, RuntimeIdentity);
        l.Stepped = (round, result);
        silo.Count(records.Length, empathies, fetched);
        return result;
    }

    /// <inheritdoc/>
    public async Task Commit(int round, bool checkpoint)
    {
        var c = Config();
        var l = Loaded();
        if (round == l.Round - 1 && l.Stepped is null) return;   // committed already (or loaded from this round's checkpoint)
        if (round != l.Round || l.Stepped is not { } s || s.Round != round)
            throw new SwarmStepLostException(
                $"block {c.Block} is at round {l.Round} with {(l.Stepped is null ? "no pending step" : $"round {l.Stepped.Value.Round} pending")}, cannot commit round {round} (re-activated since its Step); redo from the last checkpoint.");
        l.Advance(c, s.Result);
        if (!checkpoint) return;

        // A redo writes its checkpoint over the same round's; otherwise the older slot goes.
        IPersistentState<SwarmBlockCheckpoint> slot =
            slotA.RecordExists && slotA.State.Round == l.Round ? slotA
            : slotB.RecordExists && slotB.State.Round == l.Round ? slotB
            : !slotB.RecordExists || slotB.State.Round < slotA.State.Round ? slotB : slotA;
        slot.State = l.Checkpoint(slot.RecordExists ? slot.State : null);
        try
        {
            await slot.WriteStateAsync();
        }
        catch
        {
            // What storage holds is not known now; the coordinator rolls every block back
            // (Rollback reads it again), and a fresh activation reads it too.
            Replace(null);
            DeactivateOnIdle();
            throw;
        }
        if (Elsewhere() is { } target)
        {
            // Balance after a silo joined or left: the block moves now that its state is persisted,
            // and the next round loads it there from this checkpoint.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            this.MigrateOnIdle();
        }
    }

    /// <inheritdoc/>
    public async Task Rollback(int round)
    {
        var c = Config();
        await slotA.ReadStateAsync();
        await slotB.ReadStateAsync();
        SwarmBlockCheckpoint at = slotA.RecordExists && slotA.State.Round == round ? slotA.State
            : slotB.RecordExists && slotB.State.Round == round ? slotB.State
            : throw new InvalidOperationException(
                $"block {c.Block} holds the checkpoints of rounds {string.Join(" and ", Slots().Select(s => s.Round))}, not {round}.");
        Replace(Load(at));
    }

    /// <inheritdoc/>
    public Task<SwarmBlockCommitted> GetState()
    {
        var c = Config();
        var l = Loaded();
        if (l.Stepped is { } s)
            throw new SwarmStepLostException($"block {c.Block} has round {s.Round} pending, not committed; redo from the last checkpoint.");
        return Task.FromResult(new SwarmBlockCommitted(l.Round, l.States()));
    }

    /// <inheritdoc/>
    public async Task Forget()
    {
        Replace(null);
        if (slotA.RecordExists) await slotA.ClearStateAsync();
        if (slotB.RecordExists) await slotB.ClearStateAsync();
        if (config.RecordExists) await config.ClearStateAsync();
        DeactivateOnIdle();
    }

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Replace(null);
        return Task.CompletedTask;
    }

    /// <summary>The block's agents from <paramref name="init"/>'s states, after checking everything it holds (a refusal names what is wrong).</summary>
    private static SwarmAgent[] Validate(SwarmBlockInit init)
    {
        int count = init.States?.Length ?? 0;
        if (count < 1) throw new ArgumentException("init: a block needs at least one agent.", nameof(init));
        if (init.First < 0 || init.First > init.AgentCount - count)
            throw new ArgumentOutOfRangeException(nameof(init), init.First, $"init: agents {init.First}..{init.First + count - 1} are not within K={init.AgentCount}.");
        if (init.NeighbourStarts is null || init.NeighbourStarts.Length != count + 1 || init.NeighbourStarts[0] != 0
            || init.Neighbours is null || init.NeighbourStarts[count] != init.Neighbours.Length)
            throw new ArgumentException($"init: NeighbourStarts must hold {count + 1} offsets into the {init.Neighbours?.Length ?? 0} neighbours.", nameof(init));
        foreach (int b in init.Neighbours)
            if (b < 0 || b >= init.AgentCount) throw new ArgumentOutOfRangeException(nameof(init), b, $"init: neighbour {b} is not within K={init.AgentCount}.");
        var agents = new SwarmAgent[count];
        for (int i = 0; i < count; i++)
        {
            agents[i] = SwarmAgent.FromState(init.States![i]);   // validates the arrays (throws naming what is wrong)
            if (agents[i].System.Size != agents[0].System.Size)
                throw new ArgumentException($"init: agent {init.First + i} has n={agents[i].System.Size} but agent {init.First} has n={agents[0].System.Size}; a swarm needs one n.", nameof(init));
        }
        return agents;
    }

    private SwarmBlockConfig Config() => config.RecordExists
        ? config.State
        : throw new InvalidOperationException($"block grain {this.GetPrimaryKeyString()} was never initialised (Init).");

    private IEnumerable<SwarmBlockCheckpoint> Slots()
    {
        if (slotA.RecordExists) yield return slotA.State;
        if (slotB.RecordExists) yield return slotB.State;
    }

    /// <summary>The live state; on first use in an activation, the newest checkpoint.</summary>
    private Live Loaded() => _live ??= Load(Slots().MaxBy(s => s.Round)
        ?? throw new InvalidOperationException($"block grain {this.GetPrimaryKeyString()} has a config but no checkpoint."));

    private Live Load(SwarmBlockCheckpoint checkpoint) => new(Config(), checkpoint, silo.Engine);

    private void Replace(Live? live)
    {
        var old = _live;
        _live = live;
        if (!ReferenceEquals(old, live)) old?.Dispose();
    }

    /// <summary>
    /// Where <see cref="SwarmBlockPlacementDirector"/> would place the block now, when that is
    /// another silo (one joined or left); null when it is this one.
    /// </summary>
    private SiloAddress? Elsewhere()
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
        if (active.Length == 0) return null;
        SiloAddress preferred = SwarmBlockPlacementDirector.Choose(active, this.GetPrimaryKeyString());
        return preferred.Equals(local.SiloAddress) ? null : preferred;
    }

    /// <summary>A boundary agent's round-start system as other blocks get it: its arrays never change once taken.</summary>
    /// <param name="Since">The round from whose start on its couplings and fields are these.</param>
    /// <param name="Couplings">Its couplings.</param>
    /// <param name="Fields">Its fields.</param>
    /// <param name="Spins">Its spins at the start of the round.</param>
    private sealed record Exported(int Since, double[] Couplings, double[] Fields, sbyte[] Spins);

    /// <summary>
    /// The block in memory: its agents at the start of <see cref="Round"/>, the copies of its
    /// boundary taken then, the other blocks' agents it attends to (in one <see cref="AgentSet"/>
    /// with its own), a pending step, and the scratch a round reuses.
    /// </summary>
    private sealed class Live : IDisposable
    {
        private readonly SwarmAgent[] _agents;
        private readonly int[] _since;             // per agent: the round from whose start on its couplings and fields are unchanged
        private readonly IsingSystem[] _ghosts;    // the other blocks' agents, in import order
        private readonly int[] _ghostStarts;       // where each import group's agents start in _ghosts
        private readonly int[] _localOther;        // per edge: the neighbour's member index in _set
        private readonly AgentSet _set;
        private readonly Observables[] _observables;
        private readonly AgentPair[] _pairs;
        private readonly EmpathyResult[] _results;
        private readonly SwarmAttention[] _attention;
        private readonly IsingSystem?[] _roundStart;
        private readonly Func<int, IsingSystem> _systemAtStart;
        private readonly int _first;

        public Live(SwarmBlockConfig c, SwarmBlockCheckpoint checkpoint, IsingEngine engine)
        {
            if (checkpoint.Count != c.Count)
                throw new InvalidOperationException($"block {c.Block}: the checkpoint of round {checkpoint.Round} holds {checkpoint.Count} agents, the block {c.Count}.");
            Round = checkpoint.Round;
            _first = c.First;
            _agents = checkpoint.Agents(c.InitialCouplings);
            _since = new int[c.Count];
            Array.Fill(_since, Round);
            int n = _agents[0].System.Size;
            _ghostStarts = new int[c.Imports.Length + 1];
            var ghostIndex = new Dictionary<int, int>();
            for (int g = 0; g < c.Imports.Length; g++)
            {
                _ghostStarts[g] = ghostIndex.Count;
                foreach (int b in c.Imports[g].Agents) ghostIndex.Add(b, ghostIndex.Count);
            }
            _ghostStarts[c.Imports.Length] = ghostIndex.Count;
            _ghosts = new IsingSystem[ghostIndex.Count];
            for (int x = 0; x < _ghosts.Length; x++) _ghosts[x] = IsingSystem.FromArrays(n, new double[n * n], new double[n], Ones(n));
            Have = new int[c.Imports.Length];
            Array.Fill(Have, -1);
            _localOther = new int[c.Neighbours.Length];
            for (int e = 0; e < _localOther.Length; e++)
            {
                int b = c.Neighbours[e];
                _localOther[e] = b >= c.First && b < c.First + c.Count ? b - c.First
                    : ghostIndex.TryGetValue(b, out int x) ? c.Count + x
                    : throw new InvalidOperationException($"block {c.Block}: neighbour {b} is neither in the block nor in its imports.");
            }
            var members = new IsingSystem[c.Count + _ghosts.Length];
            for (int i = 0; i < c.Count; i++) members[i] = _agents[i].System;
            _ghosts.CopyTo(members, c.Count);
            _set = engine.CreateAgentSet(members);
            _observables = new Observables[members.Length];
            _pairs = new AgentPair[c.Neighbours.Length];
            _results = new EmpathyResult[c.Neighbours.Length];
            _attention = new SwarmAttention[c.Count];
            _roundStart = new IsingSystem?[c.Count];
            _systemAtStart = b => b >= _first && b < _first + _agents.Length
                ? _roundStart[b - _first] ?? throw new InvalidOperationException($"agent {b} was not copied at the start of the round.")
                : _ghosts[ghostIndex[b]];
            Exported = new Exported[c.Exports.Length];
            Capture(c);
        }

        /// <summary>Rounds committed: the agents are at the start of this round (until a step applies in place).</summary>
        public int Round { get; private set; }

        /// <summary>Per import group, the round its copies are from (−1: none yet).</summary>
        public int[] Have { get; }

        /// <summary>The boundary's copies at the start of <see cref="Round"/>, in <see cref="SwarmBlockConfig.Exports"/> order.</summary>
        public Exported[] Exported { get; }

        /// <summary>The round stepped in place and not yet committed.</summary>
        public (int Round, SwarmBlockRound Result)? Stepped { get; set; }

        /// <summary>The last round committed in this activation.</summary>
        public (int Round, SwarmBlockRound Result)? Committed { get; private set; }

        private static sbyte[] Ones(int n)
        {
            var s = new sbyte[n];
            Array.Fill(s, (sbyte)1);
            return s;
        }

        /// <summary>Takes the round-start copies of the boundary; couplings and fields unchanged since the last copy are shared with it.</summary>
        private void Capture(SwarmBlockConfig c)
        {
            for (int j = 0; j < c.Exports.Length; j++)
            {
                int i = c.Exports[j] - c.First;
                IsingSystem s = _agents[i].System;
                Exported? before = Exported[j];
                Exported[j] = before is not null && before.Since == _since[i]
                    ? before with { Spins = s.Spins.ToArray() }
                    : new Exported(_since[i], s.Couplings.ToArray(), s.Fields.ToArray(), s.Spins.ToArray());
            }
        }

        /// <summary>Writes import group <paramref name="g"/>'s answer into the copies; what it carried.</summary>
        public SwarmExchange TakeBoundary(SwarmBlockConfig c, int g, int round, SwarmBoundary answer)
        {
            SwarmBlockImport import = c.Imports[g];
            if (answer.Round != round || answer.Agents.Length != import.Agents.Length)
                throw new InvalidOperationException($"block {c.Block}: block {import.Block} answered {answer.Agents.Length} agents of round {answer.Round}, asked {import.Agents.Length} of round {round}.");
            int have = Have[g];
            Have[g] = -1;   // until every copy of the group is written: a failure half way leaves no delta base
            var exchange = new SwarmExchange();
            int n = _agents[0].System.Size;
            for (int q = 0; q < answer.Agents.Length; q++)
            {
                SwarmBoundaryAgent a = answer.Agents[q];
                IsingSystem ghost = _ghosts[_ghostStarts[g] + q];
                if (a.Agent != import.Agents[q] || a.Spins.Length != n)
                    throw new InvalidOperationException($"block {c.Block}: block {import.Block} answered agent {a.Agent} with {a.Spins.Length} spins for agent {import.Agents[q]} with n={n}.");
                if (a.IsDelta)
                {
                    if (have < 0) throw new InvalidOperationException($"block {c.Block}: block {import.Block} sent agent {a.Agent} as a delta, but there is no copy to apply it to.");
                    exchange += new SwarmExchange(a.Bytes, 0, 1);
                }
                else
                {
                    ghost.SetCouplings(a.Couplings);
                    ghost.SetFields(a.Fields);
                    exchange += new SwarmExchange(a.Bytes, 1, 0);
                }
                ghost.SetSpins(a.Spins);
            }
            Have[g] = round;
            return exchange;
        }

        /// <summary>
        /// The round for every agent of the block, applied in place: the block's empathies as one
        /// engine call (the pre-filter's estimates first, then its kept edges), then attention and
        /// response per agent; the records and the empathies run.
        /// </summary>
        public (SwarmAgentRound[] Records, int Empathies) Compute(SwarmBlockConfig c, IsingEngine engine, int round)
        {
            SwarmOptions o = c.Options;
            int[] starts = c.NeighbourStarts;
            _set.ObserveAll(_observables);
            for (int i = 0; i < c.Count; i++)
                for (int e = starts[i]; e < starts[i + 1]; e++)
                    _pairs[e] = new AgentPair(i, _localOther[e], SwarmRules.EmpathySeed(o.Seed, round, c.AgentCount, c.First + i, c.Neighbours[e]));

            // Per agent, the edges attended to: all of them, or the pre-filter's kept ones in neighbour order.
            int[] kept = starts, edgeOf = [];
            EmpathyResult[] results = _results;
            int empathies = _pairs.Length;
            if (o.PreFilter is { } filter && _pairs.Length > 0)
            {
                var estimates = new QuickEstimate[_pairs.Length];
                _set.QuickBatch(_pairs, estimates, filter.Method, o.Empathy);
                kept = new int[c.Count + 1];
                var chosen = new List<int>(_pairs.Length);
                var scores = new double[_pairs.Length];
                for (int e = 0; e < scores.Length; e++) scores[e] = estimates[e].Score;
                for (int i = 0; i < c.Count; i++)
                {
                    kept[i] = chosen.Count;
                    foreach (int j in filter.Keep(scores.AsSpan(starts[i], starts[i + 1] - starts[i]))) chosen.Add(starts[i] + j);
                }
                kept[c.Count] = chosen.Count;
                edgeOf = [.. chosen];
                var keptPairs = Array.ConvertAll(edgeOf, e => _pairs[e]);
                results = new EmpathyResult[keptPairs.Length];
                _set.EmpathyBatch(keptPairs, results, o.Empathy);
                empathies = keptPairs.Length;
            }
            else if (_pairs.Length > 0)
            {
                _set.EmpathyBatch(_pairs, _results, o.Empathy);
            }

            int widest = 0;
            for (int i = 0; i < c.Count; i++) widest = Math.Max(widest, kept[i + 1] - kept[i]);
            var neighbours = new int[widest];
            var atStart = new Observables[widest];
            var weights = new double[widest];
            for (int i = 0; i < c.Count; i++)
            {
                int from = kept[i], count = kept[i + 1] - from;
                for (int q = 0; q < count; q++)
                {
                    int e = edgeOf.Length > 0 ? edgeOf[from + q] : from + q;
                    neighbours[q] = c.Neighbours[e];
                    atStart[q] = _observables[_localOther[e]];
                }
                _attention[i] = SwarmRules.Attend(neighbours.AsSpan(0, count), results.AsSpan(from, count), atStart.AsSpan(0, count), weights);
            }

            // As the single process: copy the block's systems someone blends towards, then apply every response.
            Array.Clear(_roundStart);
            for (int i = 0; i < c.Count; i++)
            {
                SwarmAttention a = _attention[i];
                if (a.Neighbours > 0 && a.Score > 0.5 && a.Chosen >= c.First && a.Chosen < c.First + c.Count)
                    _roundStart[a.Chosen - c.First] ??= _agents[a.Chosen - c.First].System.Clone();
            }
            var records = new SwarmAgentRound[c.Count];
            for (int i = 0; i < c.Count; i++)
                records[i] = SwarmRules.Apply(engine, o, round, c.AgentCount, c.First + i, _agents[i], _observables[i], _attention[i], _systemAtStart);
            Array.Clear(_roundStart);
            return (records, empathies);
        }

        /// <summary>The pending round becomes the committed one: the agents are at the start of the next round.</summary>
        public void Advance(SwarmBlockConfig c, SwarmBlockRound result)
        {
            for (int i = 0; i < c.Count; i++)
                if (result.Agents[i].Response == SwarmResponse.Blend) _since[i] = Round + 1;   // noise changes spins only
            Committed = (Round, result);
            Stepped = null;
            Round++;
            Capture(c);
        }

        /// <summary>Every agent's state, as fresh arrays.</summary>
        public SwarmAgentState[] States() => Array.ConvertAll(_agents, a => a.ToState());

        /// <summary>The checkpoint of the agents at the start of <see cref="Round"/>, reusing <paramref name="reuse"/>'s arrays where they fit.</summary>
        public SwarmBlockCheckpoint Checkpoint(SwarmBlockCheckpoint? reuse) => SwarmBlockCheckpoint.Of(Round, _agents, reuse);

        public void Dispose() => _set.Dispose();
    }
}
