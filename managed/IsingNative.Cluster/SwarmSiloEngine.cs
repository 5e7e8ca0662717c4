using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IsingNative.Cluster;

/// <summary>
/// The silo's engine, shared by the blocks it hosts (each block holds its agents and its boundary
/// copies in an <see cref="AgentSet"/> of this engine), and what they did with it. One per silo (a
/// DI singleton).
/// </summary>
public sealed class SwarmSiloEngine : IDisposable
{
    private long _steps, _agents, _empathies, _boundaryBytes, _full, _deltas;

    /// <summary>Creates the engine.</summary>
    /// <param name="options">The silo's swarm options (backend, threads).</param>
    /// <param name="log">Where the engine choice is logged, and the engine's own messages (the backend it
    /// runs on and why, a GPU fault that moved it to the CPU) go; may be null.</param>
    public SwarmSiloEngine(IOptions<SwarmSiloOptions> options, ILogger<SwarmSiloEngine>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        SwarmSiloOptions o = options.Value;
        Engine = IsingEngine.Create(o.Backend, o.Threads, log);
        log?.LogInformation("swarm engine: {Backend} ({Threads} threads)", Engine.BackendName, o.Threads ?? Environment.ProcessorCount);
    }

    /// <summary>The silo's engine.</summary>
    public IsingEngine Engine { get; }

    /// <summary>
    /// Runs one block's round at a time on the engine: each round's empathies already use every
    /// engine thread, and more blocks at once would only make their threads compete for the cores.
    /// </summary>
    internal async Task<T> RunAsync<T>(Func<T> compute)
    {
        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            // Off the Orleans scheduler: the engine call must not hold a grain turn.
            return await Task.Run(compute).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>What the silo's blocks have computed and fetched so far.</summary>
    public SwarmSiloStats Stats => new(Interlocked.Read(ref _steps), Interlocked.Read(ref _agents), Interlocked.Read(ref _empathies),
        new SwarmExchange(Interlocked.Read(ref _boundaryBytes), Interlocked.Read(ref _full), Interlocked.Read(ref _deltas)));

    /// <summary>Counts one block's round.</summary>
    internal void Count(int agents, int empathies, SwarmExchange fetched)
    {
        Interlocked.Increment(ref _steps);
        Interlocked.Add(ref _agents, agents);
        Interlocked.Add(ref _empathies, empathies);
        Interlocked.Add(ref _boundaryBytes, fetched.Bytes);
        Interlocked.Add(ref _full, fetched.Full);
        Interlocked.Add(ref _deltas, fetched.Deltas);
    }

    /// <summary>Disposes the engine.</summary>
    public void Dispose() => Engine.Dispose();
}

/// <summary>A silo's counters.</summary>
/// <param name="BlockSteps">Block rounds computed (a redone round counts again).</param>
/// <param name="AgentSteps">Agent rounds computed.</param>
/// <param name="Empathies">Full empathies run.</param>
/// <param name="Fetched">The boundary its blocks fetched.</param>
public readonly record struct SwarmSiloStats(long BlockSteps, long AgentSteps, long Empathies, SwarmExchange Fetched);
