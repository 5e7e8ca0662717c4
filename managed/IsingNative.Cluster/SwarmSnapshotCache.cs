using System.Collections.Concurrent;

namespace IsingNative.Cluster;

/// <summary>
/// The neighbour snapshots this silo's agents fetched, shared between them: an agent's state at
/// the start of round r never changes (it is its current state until it commits r, its previous
/// one after), so the agents of one silo that attend to the same neighbour fetch it once per
/// round instead of once each (a ring with m neighbours: K calls per silo instead of K·m).
/// A failed fetch is dropped so that the redone round fetches again; rounds older than the
/// previous one of a run are evicted as soon as a newer round is asked for. One per silo.
/// </summary>
public sealed class SwarmSnapshotCache
{
    private readonly ConcurrentDictionary<(string Key, int Round), Lazy<Task<SwarmAgentSnapshot>>> _entries = new();
    private readonly ConcurrentDictionary<string, int> _newestRound = new();
    private long _fetches, _hits;

    /// <summary>Snapshot calls made and answers served from the cache.</summary>
    public (long Fetches, long Hits) Stats => (Interlocked.Read(ref _fetches), Interlocked.Read(ref _hits));

    /// <summary>The snapshot of grain <paramref name="key"/> at round <paramref name="round"/>, fetched at most once while it is cached.</summary>
    /// <param name="grains">Makes the call.</param>
    /// <param name="runId">The run (evictions are per run).</param>
    /// <param name="key">The agent grain's key.</param>
    /// <param name="round">The round.</param>
    public Task<SwarmAgentSnapshot> GetAsync(IGrainFactory grains, string runId, string key, int round)
    {
        Evict(runId, round);
        // Lazy: GetOrAdd may build two values for one key under a race; only the stored one is ever started.
        var candidate = new Lazy<Task<SwarmAgentSnapshot>>(() => grains.GetGrain<ISwarmAgentGrain>(key).GetSnapshot(round));
        var entry = _entries.GetOrAdd((key, round), candidate);
        if (!ReferenceEquals(entry, candidate))
        {
            Interlocked.Increment(ref _hits);
            return entry.Value;
        }
        Interlocked.Increment(ref _fetches);
        var task = entry.Value;
        _ = task.ContinueWith(_ => _entries.TryRemove(new KeyValuePair<(string, int), Lazy<Task<SwarmAgentSnapshot>>>((key, round), entry)),
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private void Evict(string runId, int round)
    {
        int newest = _newestRound.GetOrAdd(runId, round);
        if (round <= newest) return;
        if (!_newestRound.TryUpdate(runId, round, newest)) return;   // another agent is evicting for this round
        string prefix = runId + "/";
        foreach (var entry in _entries.Keys)
            if (entry.Round < round - 1 && entry.Key.StartsWith(prefix, StringComparison.Ordinal)) _entries.TryRemove(entry, out _);
    }
}
