using System.Runtime.CompilerServices;
using IsingNative.Backends;

namespace IsingNative;

/// <summary>
/// The Tier-1b cache of §6 coupling similarities: an LRU of fixed capacity keyed by the
/// identity AND version of both systems, so a mutated matrix is never served a stale
/// value (its new version is simply a different key; the old entry ages out). The
/// per-system norms are cached on the systems themselves, also keyed by version.
/// Versions are the read sequences the caller took (<see cref="IsingSystem.BeginRead"/>),
/// and a value is stored only when neither system changed while it was computed: a value
/// read from a half-written matrix is never cached (the caller's own check discards it).
/// Thread-safe; a hit allocates nothing.
/// </summary>
internal sealed class CouplingSimilarityCache
{
    /// <summary>The default capacity (MODEL.md §5).</summary>
    public const int DefaultCapacity = 128;

    /// <summary>The similarity is symmetric bit for bit, so keys are stored with the smaller id first.</summary>
    private readonly record struct Key(long IdA, long VersionA, long IdB, long VersionB);

    private readonly Dictionary<Key, int> _index;
    private readonly Key[] _keys;
    private readonly double[] _values;
    private readonly int[] _prev, _next;   // doubly linked recency list over slots
    private int _head = -1, _tail = -1;    // most / least recently used
    private int _count;
    private readonly Lock _lock = new();

    public CouplingSimilarityCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _index = new Dictionary<Key, int>(capacity);
        _keys = new Key[capacity];
        _values = new double[capacity];
        _prev = new int[capacity];
        _next = new int[capacity];
    }

    public int Capacity { get; }

    /// <summary>Entries now held.</summary>
    public int Count { get { lock (_lock) return _count; } }

    /// <summary>Lookups served from the cache (for tests and benchmarks).</summary>
    public long Hits { get; private set; }

    /// <summary>Lookups that computed the value.</summary>
    public long Misses { get; private set; }

    /// <summary>The §6 similarity of a and b at their current states (tests; the engine passes its read sequences).</summary>
    public double Get(IsingSystem a, IsingSystem b, IComputeBackend backend) => Get(a, a.BeginRead(), b, b.BeginRead(), backend);

    /// <summary>
    /// The §6 similarity of a and b (equal n), from the cache or computed by <paramref name="backend"/>;
    /// <paramref name="sa"/> and <paramref name="sb"/> are their read sequences.
    /// </summary>
    public double Get(IsingSystem a, long sa, IsingSystem b, long sb, IComputeBackend backend)
    {
        Key key = a.Id <= b.Id
            ? new Key(a.Id, sa, b.Id, sb)
            : new Key(b.Id, sb, a.Id, sa);
        lock (_lock)
        {
            if (_index.TryGetValue(key, out int slot))
            {
                Hits++;
                MoveToFront(slot);
                return _values[slot];
            }
            Misses++;
        }
        double value = backend.CouplingSimilarity(a.View(), b.View(), Norm(a, sa, backend), Norm(b, sb, backend));
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        if (!a.Unchanged(sa) || !b.Unchanged(sb)) return value;   // torn: the caller throws, nothing is cached
        lock (_lock)
        {
            if (!_index.ContainsKey(key)) Insert(key, value);
        }
        return value;
    }

    /// <summary>
    /// The per-system cached §6 norm (Σ upper-triangle squares) at read sequence
    /// <paramref name="sequence"/>, recomputed after a mutation.
    /// </summary>
    /// <remarks>The hit is inlined into the batch loops that call this for every pair; the miss is not.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Norm(IsingSystem s, long sequence, IComputeBackend backend)
    {
        NormEntry? e = s.CachedNorm;
        return e is not null && e.Sequence == sequence ? e.Norm : ComputeNorm(s, sequence, backend);
    }

    /// <summary>The system's cached norm at read sequence <paramref name="sequence"/>, else NaN (nothing is computed).</summary>
    public static double CachedNormOrNaN(IsingSystem s, long sequence)
    {
        NormEntry? e = s.CachedNorm;
        return e is not null && e.Sequence == sequence ? e.Norm : double.NaN;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double ComputeNorm(IsingSystem s, long sequence, IComputeBackend backend)
    {
        double norm = backend.CouplingNormSquared(s.View());
        GC.KeepAlive(s);
        if (s.Unchanged(sequence)) s.CachedNorm = new NormEntry(sequence, norm);
        return norm;
    }

    /// <summary>Drops every entry.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _index.Clear();
            _head = _tail = -1;
            _count = 0;
        }
    }

    private void Insert(Key key, double value)
    {
        int slot;
        if (_count < Capacity)
        {
            slot = _count++;
        }
        else
        {
            slot = _tail;           // evict the least recently used
            Unlink(slot);
            _index.Remove(_keys[slot]);
        }
        _keys[slot] = key;
        _values[slot] = value;
        _index[key] = slot;
        LinkFront(slot);
    }

    private void MoveToFront(int slot)
    {
        if (slot == _head) return;
        Unlink(slot);
        LinkFront(slot);
    }

    private void Unlink(int slot)
    {
        int p = _prev[slot], n = _next[slot];
        if (p >= 0) _next[p] = n; else _head = n;
        if (n >= 0) _prev[n] = p; else _tail = p;
    }

    private void LinkFront(int slot)
    {
        _prev[slot] = -1;
        _next[slot] = _head;
        if (_head >= 0) _prev[_head] = slot;
        _head = slot;
        if (_tail < 0) _tail = slot;
    }
}
