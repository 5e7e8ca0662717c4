using System.Diagnostics;
using System.Runtime.CompilerServices;
using Orleans.Runtime;

namespace IsingNative.Cluster;

/// <summary>Where in a round <see cref="ClusterSwarmOptions.FaultHook"/> is called.</summary>
public enum ClusterSwarmPhase
{
    /// <summary>Every block's Step call of the round was sent; none awaited yet.</summary>
    StepsSent,

    /// <summary>Every block stepped; no Commit was sent yet.</summary>
    Stepped,
}

/// <summary>How a <see cref="ClusterSwarm"/> runs.</summary>
public sealed class ClusterSwarmOptions
{
    /// <summary>The run's id, the prefix of its grains' keys (no '/'); null for a new GUID.</summary>
    public string? RunId { get; init; }

    /// <summary>Tries of one round (the first one included) before the run fails; ≥ 1, default 8.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Wait before redoing a round, times the attempt (membership needs a moment to see a silo go); default 250 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often an attempt asks the cluster's membership whether a silo it began with was
    /// declared dead (default 1 s; <see cref="TimeSpan.Zero"/>: never). A call in flight to a
    /// silo that was killed is never answered: without this the attempt would wait for Orleans'
    /// response timeout (30 s) before the round is redone; with it the round is redone as soon
    /// as the membership declares the silo dead (<see cref="SwarmHosting.ConfigureFailureDetection(Orleans.Configuration.ClusterMembershipOptions)"/>).
    /// </summary>
    public TimeSpan SiloWatchPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Every how many rounds the blocks persist their agents' state (c ≥ 1; default 1: every round).
    /// The state writes are a large part of a round's cost (docs/SCALE.md); with c &gt; 1
    /// the blocks persist the state at the start of rounds c, 2c, … only, and a fault rolls every
    /// block back to the last checkpoint and redoes up to c rounds: the rounds are deterministic
    /// given the state and the seed, so the result is the same bits, and rounds already yielded
    /// are not yielded again.
    /// </summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>How many blocks' calls are in flight at once (0: all of them); default 0.</summary>
    public int MaxParallelCalls { get; init; }

    /// <summary>
    /// B, the agents per block grain (≥ 1; default <see cref="DefaultBlockSize"/>): agents
    /// [b·B, (b + 1)·B) are one grain, whose round is one engine call (docs/CLUSTER.md §2). Larger
    /// blocks mean fewer messages and a smaller boundary per agent; there should still be a few
    /// blocks per silo, or some silos sit idle. The result does not depend on B.
    /// </summary>
    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>The default B (docs/SCALE.md §1 has the measurement behind it).</summary>
    public const int DefaultBlockSize = 1024;

    /// <summary>
    /// Called in every attempt of every round at <see cref="ClusterSwarmPhase"/> points with the
    /// round and the attempt (from 1): fault drills and tests stop a silo there.
    /// </summary>
    public Func<ClusterSwarmPhase, int, int, Task>? FaultHook { get; init; }
}

/// <summary>A round could not be completed within <see cref="ClusterSwarmOptions.MaxAttempts"/>.</summary>
public sealed class ClusterSwarmException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterSwarmException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public ClusterSwarmException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="inner">The last failure.</param>
    public ClusterSwarmException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A round recomputed from a checkpoint after a fault gave other statistics than the first time (not retried).</summary>
public sealed class ClusterSwarmReplayException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterSwarmReplayException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which round, and both statistics.</param>
    public ClusterSwarmReplayException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which round, and both statistics.</param>
    /// <param name="inner">The cause.</param>
    public ClusterSwarmReplayException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The coordinator of a swarm whose agents live in block grains of B agents each
/// (docs/CLUSTER.md, <see cref="SwarmBlockPlan"/>): it initialises the blocks, then advances
/// rounds in lockstep — Step every block, Commit every block, summarise the records in agent
/// order with <see cref="SwarmRules.Summarize"/> — and streams each round's statistics. Every
/// <see cref="ClusterSwarmOptions.CheckpointEvery"/> rounds the blocks persist their agents'
/// state (a checkpoint). A round that fails anywhere (a silo gone, a lost pending step, a
/// timeout) is redone from the last checkpoint: every block reloads it, the rounds since are
/// recomputed (the same bits: their statistics are checked against those already yielded, not
/// yielded again), then the round itself, so the result is the single-process
/// <see cref="SwarmSimulation"/>'s, bit for bit. One caller advances it.
/// </summary>
public sealed class ClusterSwarm
{
    private readonly IGrainFactory _grains;
    private readonly SwarmAgentState[] _states;
    private readonly ISwarmBlockGrain[] _blocks;
    private readonly ClusterSwarmOptions _cluster;
    private bool _initialised;
    private bool _forgotten;

    // The coordinator's view of the blocks. An attempt changes it only under _sync and only while
    // it is not abandoned (an abandoned attempt may still be running when the next one starts).
    private readonly object _sync = new();
    private int _checkpoint;     // every block has persisted the state at the start of this round
    private int _live;           // every block holds the state at the start of this round in memory (≥ _checkpoint)
    private bool _rollBack;      // an attempt failed: every block reloads checkpoint _checkpoint first
    private readonly Dictionary<int, SwarmRoundStats> _yielded = [];   // statistics yielded for rounds ≥ _checkpoint

    /// <summary>A swarm starting from copies of <paramref name="agents"/> (round 0, empty memories).</summary>
    /// <param name="grains">The cluster client (or a grain's factory).</param>
    /// <param name="agents">One system per agent of the graph, all with one n and with spins.</param>
    /// <param name="graph">Who attends to whom.</param>
    /// <param name="options">The run's seed and rules; null for the defaults.</param>
    /// <param name="cluster">Run id, block size, retries and hooks; null for the defaults.</param>
    public ClusterSwarm(IGrainFactory grains, ReadOnlySpan<IsingSystem> agents, SwarmGraph graph, SwarmOptions? options = null,
        ClusterSwarmOptions? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(graph);
        Options = options ?? SwarmOptions.Default;
        Options.Validate();
        _cluster = cluster ?? new ClusterSwarmOptions();
        if (_cluster.MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(cluster), _cluster.MaxAttempts, $"cluster: MaxAttempts must be >= 1, got {_cluster.MaxAttempts}.");
        if (_cluster.CheckpointEvery < 1)
            throw new ArgumentOutOfRangeException(nameof(cluster), _cluster.CheckpointEvery, $"cluster: CheckpointEvery must be >= 1, got {_cluster.CheckpointEvery}.");
        if (_cluster.BlockSize < 1)
            throw new ArgumentOutOfRangeException(nameof(cluster), _cluster.BlockSize, $"cluster: BlockSize must be >= 1, got {_cluster.BlockSize}.");
        if (_cluster.MaxParallelCalls < 0)
            throw new ArgumentOutOfRangeException(nameof(cluster), _cluster.MaxParallelCalls, $"cluster: MaxParallelCalls must be >= 0, got {_cluster.MaxParallelCalls}.");
        RunId = _cluster.RunId ?? Guid.NewGuid().ToString("N");
        if (RunId.Length == 0 || RunId.Contains('/'))
            throw new ArgumentException($"cluster: RunId must be non-empty and hold no '/', got \"{RunId}\".", nameof(cluster));
        if (agents.Length != graph.AgentCount)
            throw new ArgumentException($"agents: the graph has {graph.AgentCount} agents, {agents.Length} were given.", nameof(agents));
        _grains = grains;
        Graph = graph;
        int k = agents.Length;
        _states = new SwarmAgentState[k];
        for (int a = 0; a < k; a++)
        {
            if (agents[a] is null) throw new ArgumentNullException(nameof(agents), $"agents: agent {a} is null.");
            if (agents[a].Size != agents[0].Size)
                throw new ArgumentException($"agents: agent {a} has n={agents[a].Size} but agent 0 has n={agents[0].Size}; a swarm needs one n.", nameof(agents));
            _states[a] = SwarmAgent.Create(agents[a], Options.MemoryCapacity).ToState();
        }
        Plan = SwarmBlockPlan.Create(graph, _cluster.BlockSize);
        _blocks = new ISwarmBlockGrain[Plan.BlockCount];
        for (int b = 0; b < _blocks.Length; b++) _blocks[b] = grains.GetGrain<ISwarmBlockGrain>(SwarmBlockGrainKey.Of(RunId, b));
    }

    /// <summary>The run's id (its grains are <c>"{RunId}/{block}"</c>).</summary>
    public string RunId { get; }

    /// <summary>How the agents are cut into blocks, and the boundary between them.</summary>
    public SwarmBlockPlan Plan { get; }

    /// <summary>The boundary the blocks fetched in the last completed round, per silo that computed them.</summary>
    public IReadOnlyDictionary<string, SwarmExchange> LastExchange { get; private set; } = new Dictionary<string, SwarmExchange>();

    /// <summary>Who attends to whom.</summary>
    public SwarmGraph Graph { get; }

    /// <summary>The run's seed and rules.</summary>
    public SwarmOptions Options { get; }

    /// <summary>Rounds completed (the next round's index).</summary>
    public int Round { get; private set; }

    /// <summary>How many round attempts failed and were redone so far.</summary>
    public int RedoneRounds { get; private set; }

    /// <summary>Every how many rounds the blocks persist their state (<see cref="ClusterSwarmOptions.CheckpointEvery"/>).</summary>
    public int CheckpointEvery => _cluster.CheckpointEvery;

    /// <summary>The round whose start state every block has persisted last (0 after <see cref="InitializeAsync"/>).</summary>
    public int LastCheckpoint { get { lock (_sync) return _checkpoint; } }

    /// <summary>How many rounds that had completed were recomputed after a rollback to a checkpoint so far.</summary>
    public int ReplayedRounds { get; private set; }

    /// <summary>Every agent's record of the last completed round (empty before the first).</summary>
    public IReadOnlyList<SwarmAgentRound> LastRound { get; private set; } = [];

    /// <summary>Creates (or, for a repeated call, confirms) every block grain at round 0; retried like a round.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_forgotten) throw new InvalidOperationException($"swarm {RunId}: ForgetAsync deleted its blocks.");
        if (_initialised) return;
        await WithRetries(-1, async (attempt, token) =>
        {
            await ForAll(b => _blocks[b].Init(Plan.Init(b, Options, _states)), token);
            return 0;
        }, cancellationToken);
        _initialised = true;
    }

    /// <summary>Advances one round and returns its statistics.</summary>
    /// <param name="cancellationToken">Stops waiting (a round left half done is redone by the next call).</param>
    public async Task<SwarmRoundStats> StepAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken);
        int round = Round;
        var blocks = await WithRetries(round, async (attempt, token) =>
        {
            await CatchUp(round, attempt, token);
            return await Advance(round, attempt, token);
        }, cancellationToken);
        var records = Records(blocks);
        var stats = SwarmRules.Summarize(round, records);
        LastRound = records;
        var exchange = new Dictionary<string, SwarmExchange>();
        foreach (var b in blocks) exchange[b.Silo] = exchange.GetValueOrDefault(b.Silo) + b.Exchange;
        LastExchange = exchange;
        Round = round + 1;
        lock (_sync)
        {
            if (round >= _checkpoint) _yielded[round] = stats;
        }
        return stats;
    }

    /// <summary>
    /// Brings every block to round <paramref name="round"/> in memory: after a failed attempt,
    /// every block reloads the last checkpoint and the rounds since are recomputed (their
    /// statistics must be the ones yielded, bit for bit).
    /// </summary>
    private async Task CatchUp(int round, int attempt, CancellationToken token)
    {
        bool rollBack;
        int restart;
        lock (_sync)
        {
            rollBack = _rollBack;
            restart = _checkpoint;
        }
        if (rollBack)
        {
            await ForAll(b => _blocks[b].Rollback(restart), token);
            Mutate(token, () => { _live = restart; _rollBack = false; });
        }
        while (true)
        {
            int live;
            lock (_sync) live = _live;
            if (live >= round) break;
            var again = SwarmRules.Summarize(live, Records(await Advance(live, attempt, token)));
            SwarmRoundStats? first;
            lock (_sync) first = _yielded.TryGetValue(live, out var y) ? y : null;
            if (first is { } f && !Equals(f, again))
                throw new ClusterSwarmReplayException(
                    $"cluster swarm {RunId}: round {live} redone from the checkpoint of round {restart} gave other statistics ({again}) than the first time ({f}); the rounds are not deterministic.");
            Mutate(token, () => ReplayedRounds++);
        }
    }

    /// <summary>Step(round) and Commit(round) on every block (a checkpoint when round + 1 is a multiple of c); the blocks' rounds.</summary>
    private async Task<SwarmBlockRound[]> Advance(int round, int attempt, CancellationToken token)
    {
        var steps = new Task<SwarmBlockRound>[_blocks.Length];
        var gate = _cluster.MaxParallelCalls > 0 ? new SemaphoreSlim(_cluster.MaxParallelCalls) : null;
        for (int b = 0; b < steps.Length; b++) steps[b] = Throttled(gate, _blocks[b], g => g.Step(round), token);
        if (_cluster.FaultHook is { } hook) await hook(ClusterSwarmPhase.StepsSent, round, attempt);
        SwarmBlockRound[] done = await Task.WhenAll(steps).WaitAsync(token);
        for (int b = 0; b < done.Length; b++)
        {
            var (first, count) = Plan.Range(b);
            if (done[b].Agents.Length != count || (count > 0 && done[b].Agents[0].Agent != first))
                throw new InvalidOperationException($"block grain {b} answered for {done[b].Agents.Length} agents from {(done[b].Agents.Length > 0 ? done[b].Agents[0].Agent : -1)}, not {count} from {first}.");
        }
        if (_cluster.FaultHook is { } hook2) await hook2(ClusterSwarmPhase.Stepped, round, attempt);
        bool checkpoint = (round + 1) % _cluster.CheckpointEvery == 0;
        await ForAll(b => _blocks[b].Commit(round, checkpoint), token);
        Mutate(token, () =>
        {
            _live = round + 1;
            if (!checkpoint) return;
            _checkpoint = round + 1;
            foreach (int old in _yielded.Keys.Where(r => r < _checkpoint).ToArray()) _yielded.Remove(old);
        });
        return done;
    }

    /// <summary>Every block's records, in agent order.</summary>
    private static SwarmAgentRound[] Records(SwarmBlockRound[] blocks)
    {
        int count = 0;
        foreach (var b in blocks) count += b.Agents.Length;
        var records = new SwarmAgentRound[count];
        int at = 0;
        foreach (var b in blocks)
        {
            b.Agents.CopyTo(records.AsSpan(at));
            at += b.Agents.Length;
        }
        return records;
    }

    /// <summary>Changes the coordinator's view unless the attempt was abandoned.</summary>
    private void Mutate(CancellationToken token, Action change)
    {
        lock (_sync)
        {
            token.ThrowIfCancellationRequested();
            change();
        }
    }

    /// <summary>Advances <paramref name="rounds"/> rounds, yielding each round's statistics as it completes.</summary>
    /// <param name="rounds">How many rounds, ≥ 0.</param>
    /// <param name="cancellationToken">Stops after the round in progress is abandoned (it is redone by a later call).</param>
    public async IAsyncEnumerable<SwarmRoundStats> RunAsync(int rounds, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        for (int r = 0; r < rounds; r++) yield return await StepAsync(cancellationToken);
    }

    /// <summary>Every agent's state after the completed rounds, in agent order (recomputed from the last checkpoint after a fault).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task<SwarmAgentState[]> GetStatesAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken);
        int round = Round;
        return await WithRetries(round, async (attempt, token) =>
        {
            await CatchUp(round, attempt, token);
            var blocks = await Task.WhenAll(_blocks.Select(g => g.GetState())).WaitAsync(token);
            for (int b = 0; b < blocks.Length; b++)
                if (blocks[b].Round != round)
                    throw new SwarmStepLostException($"block {b} has committed {blocks[b].Round} rounds, the run {round} (re-activated from a checkpoint).");
            return blocks.SelectMany(b => b.States).ToArray();
        }, cancellationToken);
    }

    /// <summary>A SHA-256 of every agent's committed state (<see cref="SwarmAgent.Digest"/>): equal to the single-process run's.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task<string> DigestAsync(CancellationToken cancellationToken = default) =>
        SwarmAgent.Digest((await GetStatesAsync(cancellationToken)).Select(SwarmAgent.FromState));

    /// <summary>
    /// Deletes every block's persisted state (the run is over; its grains deactivate). The
    /// swarm cannot step afterwards. Retried like a round.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task ForgetAsync(CancellationToken cancellationToken = default)
    {
        await WithRetries(-1, async (attempt, token) =>
        {
            await ForAll(b => _blocks[b].Forget(), token);
            return 0;
        }, cancellationToken);
        _forgotten = true;
    }

    private async Task ForAll(Func<int, Task> call, CancellationToken cancellationToken)
    {
        var gate = _cluster.MaxParallelCalls > 0 ? new SemaphoreSlim(_cluster.MaxParallelCalls) : null;
        var tasks = new Task[_blocks.Length];
        for (int a = 0; a < tasks.Length; a++) tasks[a] = Throttled(gate, a, async x => { await call(x); return 0; }, cancellationToken);
        await Task.WhenAll(tasks).WaitAsync(cancellationToken);
    }

    private static async Task<TResult> Throttled<T, TResult>(SemaphoreSlim? gate, T target, Func<T, Task<TResult>> call, CancellationToken cancellationToken)
    {
        if (gate is null) return await call(target);
        await gate.WaitAsync(cancellationToken);
        try { return await call(target); }
        finally { gate.Release(); }
    }

    /// <summary>
    /// Runs one attempt after another until one succeeds, a failure is the caller's (bad input),
    /// or the attempts run out. Each attempt gets its own token, cancelled when it fails or is
    /// abandoned, so that what is left of it changes nothing; a failed round makes the next
    /// attempt roll every block back to the last checkpoint.
    /// </summary>
    private async Task<T> WithRetries<T>(int round, Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        string what = round < 0 ? "the blocks' set-up or clean-up" : $"round {round}";
        for (int n = 1; ; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                return await WatchingSilos(attempt(n, abandon.Token), cancellationToken);
            }
            catch (Exception e) when (Transient(e, cancellationToken))
            {
                lock (_sync)
                {
                    abandon.Cancel();
                    if (round >= 0) _rollBack = true;
                }
                if (n >= _cluster.MaxAttempts)
                    throw new ClusterSwarmException($"{what} failed {n} times; the last failure: {e.GetType().Name}: {e.Message}", e);
                if (round >= 0) RedoneRounds++;
                Trace.TraceWarning("cluster swarm {0}: {1} failed ({2}: {3}); redoing it from the checkpoint of round {4}", RunId, what, e.GetType().Name, e.Message, LastCheckpoint);
                await Task.Delay(_cluster.RetryDelay * n, cancellationToken);
            }
            catch
            {
                lock (_sync)
                {
                    abandon.Cancel();
                    if (round >= 0) _rollBack = true;
                }
                throw;
            }
            finally
            {
                abandon.Dispose();
            }
        }
    }

    /// <summary>
    /// The attempt's result, or a <see cref="SiloLostException"/> as soon as a silo that was
    /// active when the attempt began is declared dead: the calls it hosted will not be answered.
    /// The abandoned attempt changes nothing once its token is cancelled (<see cref="WithRetries"/>),
    /// and the calls it left in flight are harmless: Step and Commit are idempotent per round and
    /// the next attempt rolls every block back to the last checkpoint first.
    /// </summary>
    private async Task<T> WatchingSilos<T>(Task<T> attempt, CancellationToken cancellationToken)
    {
        if (_cluster.SiloWatchPeriod <= TimeSpan.Zero) return await attempt;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lost = WatchSilos(_cluster.SiloWatchPeriod, stop.Token);
        try
        {
            if (await Task.WhenAny(attempt, lost) == attempt) return await attempt;
            _ = attempt.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            await lost;   // throws SiloLostException (or the caller's cancellation)
            throw new InvalidOperationException("unreachable: the silo watch ended without a loss");
        }
        finally
        {
            stop.Cancel();
        }
    }

    /// <summary>Completes (throwing) only when a silo active at the start is declared dead; a membership that cannot be read is asked again.</summary>
    private async Task WatchSilos(TimeSpan period, CancellationToken cancellationToken)
    {
        var management = _grains.GetGrain<IManagementGrain>(0);
        HashSet<SiloAddress>? active = null;
        while (true)
        {
            try
            {
                var hosts = await management.GetHosts(onlyActive: false).WaitAsync(period * 5, cancellationToken);
                if (active is null)
                {
                    active = [.. hosts.Where(h => h.Value == SiloStatus.Active).Select(h => h.Key)];
                }
                else
                {
                    var dead = active.Where(a => hosts.TryGetValue(a, out var status) && status == SiloStatus.Dead).ToArray();
                    if (dead.Length > 0)
                        throw new SiloLostException($"silo {string.Join(", ", dead.Select(d => d.ToString()))} was declared dead during the attempt");
                }
            }
            catch (Exception e) when (e is not SiloLostException && !cancellationToken.IsCancellationRequested)
            {
                // The membership could not be read now (the gateway's silo going, a timeout): the attempt's own calls decide.
            }
            await Task.Delay(period, cancellationToken);
        }
    }

    /// <summary>
    /// Whether a failure is the cluster's (a silo gone, a message rejected, a timeout, a lost
    /// pending step, a silo's engine disposed as it stopped) rather than the caller's: bad input
    /// (an <see cref="ArgumentException"/>) and the caller's cancellation are not retried.
    /// </summary>
    private static bool Transient(Exception e, CancellationToken cancellationToken) => e switch
    {
        ArgumentException => false,
        ClusterSwarmReplayException => false,
        OperationCanceledException when cancellationToken.IsCancellationRequested => false,
        _ => true,
    };
}

/// <summary>A silo the attempt was using was declared dead by the cluster's membership; the round is redone.</summary>
public sealed class SiloLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SiloLostException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which silo.</param>
    public SiloLostException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which silo.</param>
    /// <param name="inner">The cause.</param>
    public SiloLostException(string message, Exception inner) : base(message, inner) { }
}
