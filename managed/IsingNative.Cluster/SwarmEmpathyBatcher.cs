using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IsingNative.Cluster;

/// <summary>
/// The silo's engine and its empathy queue (docs/CLUSTER.md §3): the agents this silo hosts
/// enqueue their (self, neighbour, seed) pairs and await; a flush loop runs everything queued
/// as one <see cref="IsingEngine.EmpathyBatch(ReadOnlySpan{EmpathyPair}, Span{EmpathyResult}, EmpathyOptions?)"/>
/// off the Orleans scheduler. Every pair carries its own seed and an empathy's result does not
/// depend on its batch or backend, so batching changes speed, never bits. One per silo (a DI singleton).
/// </summary>
public sealed class SwarmEmpathyBatcher : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Request> _queue = [];
    private readonly TimeSpan _window;
    private readonly ILogger<SwarmEmpathyBatcher>? _log;
    private bool _flushing;
    private long _batches, _pairs, _requests, _maxPairs, _maxRequests;

    /// <summary>Creates the batcher and its engine.</summary>
    /// <param name="options">The silo's swarm options (backend, batch window).</param>
    /// <param name="log">Where the engine choice is logged, and the engine's own messages (the backend it
    /// runs on and why, a GPU fault that moved it to the CPU) go; may be null.</param>
    public SwarmEmpathyBatcher(IOptions<SwarmSiloOptions> options, ILogger<SwarmEmpathyBatcher>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        SwarmSiloOptions o = options.Value;
        if (o.BatchWindow < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), o.BatchWindow, $"BatchWindow must be >= 0, got {o.BatchWindow}.");
        Engine = IsingEngine.Create(o.Backend, o.Threads, log);
        _window = o.BatchWindow;
        _log = log;
        _log?.LogInformation("swarm engine: {Backend} ({Threads} threads), batch window {Window} ms", Engine.BackendName,
            o.Threads ?? Environment.ProcessorCount, _window.TotalMilliseconds);
    }

    /// <summary>The silo's engine (observables and responses run on it directly; they are cheap).</summary>
    public IsingEngine Engine { get; }

    /// <summary>What the batcher has done so far.</summary>
    public SwarmBatcherStats Stats
    {
        get { lock (_gate) return new SwarmBatcherStats(_batches, _pairs, _requests, _maxPairs, _maxRequests); }
    }

    /// <summary>Queues <paramref name="pairs"/> and completes with their results once a batch ran them.</summary>
    /// <param name="pairs">The pairs (the caller does not touch their systems until this completes).</param>
    /// <param name="options">Their schedule and weights (a batch holds requests with equal options).</param>
    public Task<EmpathyResult[]> RunAsync(EmpathyPair[] pairs, EmpathyOptions options)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(options);
        var request = new Request(pairs, options, new TaskCompletionSource<EmpathyResult[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _queue.Add(request);
            start = !_flushing;
            _flushing = true;
        }
        // Off the Orleans scheduler: the batch uses every engine thread and must not hold a grain turn.
        if (start) _ = Task.Run(FlushLoop);
        return request.Done.Task;
    }

    private async Task FlushLoop()
    {
        while (true)
        {
            // Let the other agents of the round join the batch before it runs.
            if (_window > TimeSpan.Zero) await Task.Delay(_window).ConfigureAwait(false);
            List<Request> batch;
            lock (_gate)
            {
                if (_queue.Count == 0) { _flushing = false; return; }
                batch = [.. _queue];
                _queue.Clear();
            }
            foreach (var group in batch.GroupBy(r => r.Options)) Run(group.Key, group.ToList());
        }
    }

    private void Run(EmpathyOptions options, List<Request> requests)
    {
        int total = 0;
        foreach (var r in requests) total += r.Pairs.Length;
        try
        {
            var pairs = new EmpathyPair[total];
            var results = new EmpathyResult[total];
            int at = 0;
            foreach (var r in requests) { r.Pairs.CopyTo(pairs, at); at += r.Pairs.Length; }
            Engine.EmpathyBatch(pairs, results, options);
            lock (_gate)
            {
                _batches++;
                _pairs += total;
                _requests += requests.Count;
                _maxPairs = Math.Max(_maxPairs, total);
                _maxRequests = Math.Max(_maxRequests, requests.Count);
            }
            at = 0;
            foreach (var r in requests)
            {
                r.Done.TrySetResult(results.AsSpan(at, r.Pairs.Length).ToArray());
                at += r.Pairs.Length;
            }
        }
        catch (Exception e)
        {
            _log?.LogWarning(e, "empathy batch of {Pairs} pairs failed", total);
            foreach (var r in requests) r.Done.TrySetException(e);
        }
    }

    /// <summary>Disposes the engine.</summary>
    public void Dispose() => Engine.Dispose();

    private sealed record Request(EmpathyPair[] Pairs, EmpathyOptions Options, TaskCompletionSource<EmpathyResult[]> Done);
}

/// <summary>A batcher's counters.</summary>
/// <param name="Batches">Engine calls made.</param>
/// <param name="Pairs">Pairs run in them.</param>
/// <param name="Requests">Agent requests served.</param>
/// <param name="MaxPairs">The most pairs in one engine call.</param>
/// <param name="MaxRequests">The most agent requests merged into one engine call.</param>
public readonly record struct SwarmBatcherStats(long Batches, long Pairs, long Requests, long MaxPairs, long MaxRequests);
