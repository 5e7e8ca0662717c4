using Orleans.Runtime;

namespace IsingNative.Cluster;

/// <summary>
/// What an agent grain persists at a checkpoint (every <see cref="ClusterSwarmOptions.CheckpointEvery"/>
/// rounds): its newest checkpoint and the one before, so that every agent can roll back to the
/// coordinator's last complete checkpoint even when its own newer one was written and another
/// agent's was not.
/// </summary>
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
    /// <summary>The newest checkpoint's round: <see cref="Current"/> is the state at the start of this round.</summary>
    [Id(4)] public int Round { get; set; }
    /// <summary>The state at the start of round <see cref="Round"/>.</summary>
    [Id(5)] public SwarmAgentState? Current { get; set; }
    /// <summary>The checkpoint before the newest one: the state at the start of round <see cref="PreviousRound"/> (null: none).</summary>
    [Id(6)] public SwarmAgentState? Previous { get; set; }
    /// <summary>The round of <see cref="Previous"/>.</summary>
    [Id(8)] public int PreviousRound { get; set; }
}

/// <summary>
/// A swarm agent (docs/CLUSTER.md). Its rules are the library's <see cref="SwarmRules"/>, called
/// exactly as <see cref="SwarmSimulation"/> calls them, so the cluster ends in the same bits.
/// It advances round by round in memory and persists a checkpoint when the coordinator says so
/// (<see cref="Commit"/>); <see cref="Rollback"/> reloads one. Not reentrant except
/// <see cref="GetSnapshot"/>, which only reads.
/// </summary>
public sealed class SwarmAgentGrain(
    [PersistentState("agent", SwarmHosting.StorageName)] IPersistentState<SwarmAgentGrainState> state,
    SwarmEmpathyBatcher batcher, SwarmSnapshotCache snapshots) : Grain, ISwarmAgentGrain
{
    private (int Round, Observables Value)? _currentObservables;
    private (int Round, Observables Value)? _previousObservables;
    private (int Round, SwarmAgentRound Record, SwarmAgentState State)? _pending;

    // The live state, in memory: rounds committed, the state at the start of that round, and
    // (once a round was committed in this activation) the state and record of the round before.
    private bool _live;
    private int _round;
    private SwarmAgentState? _current;
    private SwarmAgentState? _previous;
    private SwarmAgentRound _lastRecord;

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
            Round = 0, Current = init.State, Previous = null, PreviousRound = 0,
        };
        SetLive(0, init.State);
        await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<SwarmAgentSnapshot> GetSnapshot(int round)
    {
        var s = Initialised();
        SwarmAgentState? at = round == _round ? _current : round == _round - 1 ? _previous : null;
        if (at is null)
            throw new SwarmStepLostException(
                $"agent {s.Agent} is at round {_round} and keeps the state of round {_round}{(_previous is not null ? $" and {_round - 1}" : "")} only, not {round} (re-activated from a checkpoint, or rolled back); redo from the last checkpoint.");
        Observables observables = ObservablesOf(round, at, round == _round);
        return Task.FromResult(new SwarmAgentSnapshot(round, at.Couplings, at.Fields, at.Spins, observables));
    }

    /// <inheritdoc/>
    public async Task<SwarmAgentRound> Step(int round)
    {
        var s = Initialised();
        if (round == _round - 1 && _previous is not null) return _lastRecord;   // committed already: the same record again
        if (round != _round)
            throw new SwarmStepLostException(
                $"agent {s.Agent} is at round {_round} (re-activated from a checkpoint, or rolled back), cannot step round {round}; redo from the last checkpoint.");
        if (_pending is { } p && p.Round == round) return p.Record;

        SwarmAgentState current = _current!;
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

        // Step, Commit and Rollback do not interleave (the grain is not reentrant but for
        // GetSnapshot), so the state read above is still the live one.
        int position(int b) => Array.IndexOf(attended, b);
        SwarmAgentRound record = SwarmRules.Respond(batcher.Engine, s.Options, round, s.AgentCount, s.Agent, agent, selfAtStart,
            attended, results, atStart, b => systems[position(b)], new double[attended.Length]);
        _pending = (round, record, agent.ToState());
        return record;
    }

    /// <inheritdoc/>
    public async Task Commit(int round, bool checkpoint)
    {
        var s = Initialised();
        if (round == _round - 1 && _previous is not null) return;   // committed already
        if (round != _round)
            throw new SwarmStepLostException($"agent {s.Agent} is at round {_round}, cannot commit round {round}; redo from the last checkpoint.");
        if (_pending is not { } p || p.Round != round)
            throw new SwarmStepLostException($"agent {s.Agent}: no pending step for round {round} (the agent was re-activated since its Step); redo the round.");
        _previous = _current;
        _current = p.State;
        _lastRecord = p.Record;
        _round = round + 1;
        _previousObservables = _currentObservables;
        _currentObservables = null;
        _pending = null;
        if (!checkpoint) return;

        // The newest checkpoint becomes the previous one, unless this round's checkpoint is
        // written again (a redo after a fault): the one before it must stay.
        if (s.Round != _round)
        {
            s.Previous = s.Current;
            s.PreviousRound = s.Round;
        }
        s.Round = _round;
        s.Current = _current;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // What storage holds is not known now; the coordinator rolls every agent back
            // (Rollback reads it again), and a fresh activation reads it too.
            _live = false;
            DeactivateOnIdle();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task Rollback(int round)
    {
        Initialised();
        _pending = null;
        _live = false;
        await state.ReadStateAsync();
        var s = Initialised();
        SwarmAgentState at = round == s.Round ? s.Current!
            : round == s.PreviousRound && s.Previous is not null ? s.Previous
            : throw new InvalidOperationException(
                $"agent {s.Agent} holds the checkpoints of round {s.Round}{(s.Previous is not null ? $" and {s.PreviousRound}" : "")}, not {round}.");
        SetLive(round, at);
    }

    /// <inheritdoc/>
    public Task<SwarmAgentCommitted> GetState()
    {
        Initialised();
        return Task.FromResult(new SwarmAgentCommitted(_round, _current!));
    }

    /// <inheritdoc/>
    public async Task Forget()
    {
        _pending = null;
        _live = false;
        _currentObservables = _previousObservables = null;
        if (state.RecordExists) await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    /// <summary>The persisted state; on first use in an activation the live state starts from its newest checkpoint.</summary>
    private SwarmAgentGrainState Initialised()
    {
        if (!state.RecordExists || state.State.Current is null)
            throw new InvalidOperationException($"agent grain {this.GetPrimaryKeyString()} was never initialised (Init).");
        var s = state.State;
        if (!_live) SetLive(s.Round, s.Current!);
        return s;
    }

    /// <summary>The live state becomes <paramref name="at"/> at the start of <paramref name="round"/>, with no round before it in memory.</summary>
    private void SetLive(int round, SwarmAgentState at)
    {
        _live = true;
        _round = round;
        _current = at;
        _previous = null;
        _lastRecord = default;
        _pending = null;
        _currentObservables = _previousObservables = null;
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
