namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// What <c>ising simulate</c> asks for, independent of where the swarm runs: the agents
/// (agent <c>a</c> is generated with <c>SelfSeed + a</c>), the graph, the rules and the rounds.
/// Every value has been validated by the command.
/// </summary>
/// <param name="Agents">K.</param>
/// <param name="N">Spins per agent.</param>
/// <param name="Pattern">The generator of the agents.</param>
/// <param name="SelfSeed">Agent a's generator seed is SelfSeed + a.</param>
/// <param name="GraphSpec">The <c>--graph</c> value as typed (ring, random, all or a path).</param>
/// <param name="Graph">Who attends to whom.</param>
/// <param name="Options">The run's seed and rules.</param>
/// <param name="Rounds">How many rounds, ≥ 1.</param>
internal sealed record SwarmRequest(int Agents, int N, GeneratorPattern Pattern, ulong SelfSeed, string GraphSpec,
    SwarmGraph Graph, SwarmOptions Options, int Rounds)
{
    /// <summary>Generates agent <paramref name="a"/> (as <c>ising swarm</c> does).</summary>
    public IsingSystem GenerateAgent(int a) => SystemSources.Generate(Pattern, N, unchecked(SelfSeed + (ulong)a));
}

/// <summary>
/// One way of running a <see cref="SwarmRequest"/>: on this machine (<see cref="LocalSwarmRun"/>)
/// or elsewhere (a cluster client). The command consumes <see cref="Rounds"/> as they finish,
/// so progress, tables, files and figures are the same whichever runs the swarm.
/// </summary>
internal interface ISwarmRun : IDisposable
{
    /// <summary>Where the rounds run, for the output (a backend name such as <c>native-cpu</c>).</summary>
    string Backend { get; }

    /// <summary>
    /// Runs the request's rounds, yielding each round's statistics when it completes.
    /// Cancelling stops inside a round; the rounds already yielded stay valid.
    /// </summary>
    IEnumerable<SwarmRoundStats> Rounds(CancellationToken cancellationToken, IProgress<SwarmProgress>? progress);

    /// <summary>The digest of every agent's state after the rounds run so far (<see cref="SwarmSimulation.Digest"/>).</summary>
    string Digest();
}

/// <summary>The swarm on this machine: one <see cref="SwarmSimulation"/> on the engine of <c>--backend</c>.</summary>
internal sealed class LocalSwarmRun : ISwarmRun
{
    private readonly SwarmRequest _request;
    private readonly SwarmSimulation _simulation;
    private readonly IsingEngine? _ownedEngine;

    /// <summary>Generates the agents and starts the swarm at round 0 on <paramref name="engine"/>.</summary>
    /// <param name="engine">The engine the rounds run on.</param>
    /// <param name="request">The swarm.</param>
    /// <param name="ownsEngine">Whether <see cref="Dispose"/> also disposes <paramref name="engine"/>.</param>
    public LocalSwarmRun(IsingEngine engine, SwarmRequest request, bool ownsEngine = false)
    {
        _request = request;
        _ownedEngine = ownsEngine ? engine : null;
        var agents = new IsingSystem[request.Agents];
        for (var a = 0; a < agents.Length; a++) agents[a] = request.GenerateAgent(a);
        _simulation = new SwarmSimulation(engine, agents, request.Graph, request.Options);
        Backend = engine.BackendName;
    }

    /// <inheritdoc/>
    public string Backend { get; }

    /// <inheritdoc/>
    public IEnumerable<SwarmRoundStats> Rounds(CancellationToken cancellationToken, IProgress<SwarmProgress>? progress)
    {
        int rounds = _request.Rounds;
        long edges = _request.Graph.EdgeCount;
        for (var r = 0; r < rounds; r++)
        {
            int done = r;
            IProgress<BatchProgress>? tiles = progress is null ? null
                : new Relay<BatchProgress>(p => progress.Report(new SwarmProgress(done, rounds, p.Done, edges)));
            var stats = _simulation.Step(cancellationToken, tiles);
            progress?.Report(new SwarmProgress(r + 1, rounds, 0, edges));
            yield return stats;
        }
    }

    /// <inheritdoc/>
    public string Digest() => _simulation.Digest();

    /// <inheritdoc/>
    public void Dispose()
    {
        _simulation.Dispose();
        _ownedEngine?.Dispose();
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls a delegate on the reporting thread (unlike <see cref="Progress{T}"/>, no synchronisation context).</summary>
internal sealed class Relay<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
