using Orleans.Runtime;

namespace IsingNative.Cluster;

/// <summary>What an agent grain persists after every committed round.</summary>
[GenerateSerializer]
public sealed class SwarmAgentGrainState
{
    /// <summary>The agent's index.</summary>
    [Id(0)] public int Agent { get; set; }
    /// <summary>K.</summary>
    [Id(1)] public int AgentCount { get; set; }
    /// <summary>Its neighbours, in graph order.</summary>
    [Id(2)] public int[] Neighbours { get; set; } = [];
    /// <summary>The run's options.</summary>
    [Id(3)] public SwarmOptions Options { get; set; } = SwarmOptions.Default;
    /// <summary>Rounds committed: <see cref="Current"/> is the state at the start of this round.</summary>
    [Id(4)] public int Round { get; set; }
    /// <summary>The state at the start of round <see cref="Round"/>.</summary>
    [Id(5)] public SwarmAgentState? Current { get; set; }
    /// <summary>The state at the start of round <see cref="Round"/> − 1 (null at round 0): neighbours redoing that round read it.</summary>
    [Id(6)] public SwarmAgentState? Previous { get; set; }
    /// <summary>The record of round <see cref="Round"/> − 1, returned again when that round is redone.</summary>
    [Id(7)] public SwarmAgentRound LastRecord { get; set; }
}

/// <summary>
/// A swarm agent (docs/CLUSTER.md). Its rules are the library's <see cref="SwarmRules"/>, called
/// exactly as <see cref="SwarmSimulation"/> calls them, so the cluster ends in the same bits.
/// Not reentrant except <see cref="GetSnapshot"/>, which only reads.
/// </summary>
public sealed class SwarmAgentGrain(
    [PersistentState("agent", SwarmHosting.StorageName)] IPersistentState<SwarmAgentGrainState> state,
    SwarmEmpathyBatcher batcher, SwarmSnapshotCache snapshots) : Grain, ISwarmAgentGrain
{
    private (int Round, Observables Value)? _currentObservables;
    private (int Round, Observables Value)? _previousObservables;
    private (int Round, SwarmAgentRound Record, SwarmAgentState State)? _pending;

    /// <inheritdoc/>
    public async Task Init(SwarmAgentInit init)
    {
        ArgumentNullException.ThrowIfNull(init);
        var s = state.State;
        if (state.RecordExists && s.Current is not null)
        {
            if (s.Agent != init.Agent || s.AgentCount != init.AgentCount || !s.Neighbours.AsSpan().SequenceEqual(init.Neighbours)
                || !Equals(s.Options, init.Options))
                throw new ArgumentException($"init: grain {this.GetPrimaryKeyString()} already holds agent {s.Agent} of K={s.AgentCount} with other neighbours or options; use a new run id.", nameof(init));
            return;   // the same Init again (a retried start): nothing to do
        }
        if (init.Agent < 0 || init.Agent >= init.AgentCount)
            throw new ArgumentOutOfRangeException(nameof(init), init.Agent, $"init: Agent must be in [0, {init.AgentCount}), got {init.Agent}.");
        SwarmAgent.FromState(init.State);   // validates the arrays (throws naming what is wrong)
        state.State = new SwarmAgentGrainState
        {
            Agent = init.Agent, AgentCount = init.AgentCount, Neighbours = init.Neighbours, Options = init.Options,
            Round = 0, Current = init.State, Previous = null, LastRecord = default,
        };
        _pending = null;
        _currentObservables = _previousObservables = null;
        await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<SwarmAgentSnapshot> GetSnapshot(int round)
    {
        var s = Initialised();
        SwarmAgentState? at = round == s.Round ? s.Current : round == s.Round - 1 ? s.Previous : null;
        if (at is null)
            throw new ArgumentOutOfRangeException(nameof(round), round,
                $"round: agent {s.Agent} has committed {s.Round} rounds and keeps the state of round {s.Round}{(s.Round > 0 ? $" and {s.Round - 1}" : "")} only, not {round}.");
        Observables observables = ObservablesOf(round, at, round == s.Round);
        return Task.FromResult(new SwarmAgentSnapshot(round, at.Couplings, at.Fields, at.Spins, observables));
    }

    /// <inheritdoc/>
    public async Task<SwarmAgentRound> Step(int round)
    {
        var s = Initialised();
        if (round == s.Round - 1) return s.LastRecord;   // committed already: the same record again
        if (round != s.Round)
            throw new ArgumentOutOfRangeException(nameof(round), round, $"round: agent {s.Agent} is at round {s.Round}, cannot step round {round}.");
        if (_pending is { } p && p.Round == round) return p.Record;

        SwarmAgentState current = s.Current!;
        Observables selfAtStart = ObservablesOf(round, current, true);
        int[] neighbours = s.Neighbours;
        string runId = RunId();
        var fetched = await Task.WhenAll(Array.ConvertAll(neighbours,
            b => snapshots.GetAsync(GrainFactory, runId, SwarmAgentGrainKey.Of(runId, b), round)));

        var agent = SwarmAgent.FromState(current);
        var systems = new IsingSystem[neighbours.Length];
        var pairs = new EmpathyPair[neighbours.Length];
        var atStart = new Observables[neighbours.Length];
        for (int j = 0; j < neighbours.Length; j++)
        {
            if (fetched[j].Fields.Length != current.Fields.Length)
                throw new InvalidOperationException($"agent {s.Agent}: neighbour {neighbours[j]} has n={fetched[j].Fields.Length}, this agent n={current.Fields.Length}; a swarm needs one n.");
            systems[j] = fetched[j].ToSystem();
            atStart[j] = fetched[j].Observables;
            pairs[j] = new EmpathyPair(agent.System, systems[j], SwarmRules.EmpathySeed(s.Options.Seed, round, s.AgentCount, s.Agent, neighbours[j]));
        }
        int[] attended = neighbours;
        if (s.Options.PreFilter is { } filter)
        {
            // As the single process's filtered edges: estimate every neighbour, keep the filter's
            // top k (PreFilter.Keep, in neighbour order), run the full empathy on those only.
            var estimates = new QuickEstimate[pairs.Length];
            batcher.Engine.QuickBatch(pairs, estimates, filter.Method, s.Options.Empathy);
            int[] kept = filter.Keep(Array.ConvertAll(estimates, e => e.Score));
            attended = Array.ConvertAll(kept, j => neighbours[j]);
            pairs = Array.ConvertAll(kept, j => pairs[j]);
            systems = Array.ConvertAll(kept, j => systems[j]);
            atStart = Array.ConvertAll(kept, j => atStart[j]);
        }
        EmpathyResult[] results = await batcher.RunAsync(pairs, s.Options.Empathy);

        // Step and Commit do not interleave (the grain is not reentrant but for GetSnapshot), so
        // the state read above is still the committed one.
        int position(int b) => Array.IndexOf(attended, b);
        SwarmAgentRound record = SwarmRules.Respond(batcher.Engine, s.Options, round, s.AgentCount, s.Agent, agent, selfAtStart,
            attended, results, atStart, b => systems[position(b)], new double[attended.Length]);
        _pending = (round, record, agent.ToState());
        return record;
    }

    /// <inheritdoc/>
    public async Task Commit(int round)
    {
        var s = Initialised();
        if (round == s.Round - 1) return;   // committed already
        if (round != s.Round)
            throw new ArgumentOutOfRangeException(nameof(round), round, $"round: agent {s.Agent} is at round {s.Round}, cannot commit round {round}.");
        if (_pending is not { } p || p.Round != round)
            throw new SwarmStepLostException($"agent {s.Agent}: no pending step for round {round} (the agent was re-activated since its Step); redo the round.");
        SwarmAgentState? previous = s.Previous;
        SwarmAgentRound lastRecord = s.LastRecord;
        s.Previous = s.Current;
        s.Current = p.State;
        s.LastRecord = p.Record;
        s.Round = round + 1;
        _previousObservables = _currentObservables;
        _currentObservables = null;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Storage holds round `round` still: put memory back and let the caller redo.
            s.Round = round;
            s.Current = s.Previous;
            s.Previous = previous;
            s.LastRecord = lastRecord;
            _currentObservables = _previousObservables;
            _previousObservables = null;
            DeactivateOnIdle();
            throw;
        }
        _pending = null;
    }

    /// <inheritdoc/>
    public Task<SwarmAgentCommitted> GetState()
    {
        var s = Initialised();
        return Task.FromResult(new SwarmAgentCommitted(s.Round, s.Current!));
    }

    /// <inheritdoc/>
    public async Task Forget()
    {
        _pending = null;
        _currentObservables = _previousObservables = null;
        if (state.RecordExists) await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    private SwarmAgentGrainState Initialised()
    {
        if (!state.RecordExists || state.State.Current is null)
            throw new InvalidOperationException($"agent grain {this.GetPrimaryKeyString()} was never initialised (Init).");
        return state.State;
    }

    private string RunId()
    {
        string key = this.GetPrimaryKeyString();
        return key[..key.LastIndexOf('/')];
    }

    /// <summary>The observables of a state, computed once per round on this silo's engine.</summary>
    private Observables ObservablesOf(int round, SwarmAgentState at, bool current)
    {
        ref (int Round, Observables Value)? cache = ref current ? ref _currentObservables : ref _previousObservables;
        if (cache is { } c && c.Round == round) return c.Value;
        Observables value = batcher.Engine.Observe(IsingSystem.FromArrays(at.Fields.Length, at.Couplings, at.Fields, at.Spins));
        cache = (round, value);
        return value;
    }
}
