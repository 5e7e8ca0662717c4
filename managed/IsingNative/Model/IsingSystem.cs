using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IsingNative.Core;

namespace IsingNative;

/// <summary>
/// An Ising system (MODEL.md §1): <c>n</c> spins ±1, a symmetric coupling matrix with a
/// zero diagonal and a field vector. Mutable; every mutation increments
/// <see cref="Version"/>, which (with <see cref="Id"/>) keys every cache, so a mutated
/// system is never served a stale value.
/// </summary>
/// <remarks>
/// Threads (docs/MANAGED-API.md, "Threads"): mutations of one system are serialised by a
/// per-system writer lock; reads never wait for a mutation to finish writing but detect it.
/// The system is a sequence lock: a counter that is odd while a mutation is being written
/// and even otherwise. A call that reads the system takes the counter before reading
/// (waiting out a mutation being written) and compares it afterwards; if it moved, what the
/// call read may be a mix of two states, and the call throws <see cref="SystemModifiedException"/>
/// instead of returning it. <see cref="Energy"/>, <see cref="Observe"/>, <see cref="Clone"/>
/// and the other reads on the system itself retry under the lock instead. The
/// <see cref="Couplings"/>, <see cref="Fields"/> and <see cref="Spins"/> spans are the live
/// arrays: read concurrently with a mutation they can show a mix (<see cref="Clone"/> is a
/// consistent copy).
/// </remarks>
public sealed class IsingSystem
{
    /// <summary>Largest supported n (ALGORITHM.md §12).</summary>
    internal const int MaxSize = Interop.IsingNativeApi.ISN_MAX_SPINS;

    private static long s_nextId;

    // The arrays live on the pinned object heap so that a native backend can read them
    // through raw pointers for the whole life of the system, without pinning per call.
    // They are never replaced, only overwritten (n never changes).
    private readonly double[] _couplings;
    private readonly double[] _fields;
    private readonly sbyte[] _spins;
    private readonly Lock _writeLock = new();
    // The sequence: 2·Version while the arrays are stable, odd while a mutation writes them.
    private long _sequence;
    private long _structureVersion;
    private bool _hasSpins;

    /// <summary>Per-system cache of the §6 norm of the upper triangle, keyed by the read sequence.</summary>
    internal NormEntry? CachedNorm;

    private IsingSystem(int n, bool hasSpins)
    {
        Size = n;
        Id = Interlocked.Increment(ref s_nextId);
        _couplings = GC.AllocateArray<double>(checked(n * n), pinned: true);
        _fields = GC.AllocateArray<double>(n, pinned: true);
        _spins = GC.AllocateArray<sbyte>(n, pinned: true);
        _hasSpins = hasSpins;
    }

    /// <summary>The number of spins n.</summary>
    public int Size { get; }

    /// <summary>A process-unique identity (a clone gets a new one).</summary>
    public long Id { get; }

    /// <summary>Incremented by every mutation (once the mutation is completely written).</summary>
    public long Version => Volatile.Read(ref _sequence) >> 1;

    /// <summary>
    /// Incremented by every mutation of J or h (not of the spins alone), so an
    /// <see cref="AgentSet"/> can push a spin-only change without re-copying the matrix.
    /// Bumped inside the mutation's odd sequence window: a reader whose
    /// <see cref="BeginRead"/>/<see cref="Unchanged"/> bracket holds read it consistently.
    /// </summary>
    internal long StructureVersion => Volatile.Read(ref _structureVersion);

    // ---- the sequence lock -----------------------------------------------------------------

    /// <summary>
    /// Starts a read: returns the (even) sequence to hand to <see cref="Unchanged"/> after
    /// reading. A mutation being written is waited out (it holds the writer lock while the
    /// sequence is odd, and writes are short copies).
    /// </summary>
    internal long BeginRead()
    {
        long sequence = Volatile.Read(ref _sequence);
        return (sequence & 1) == 0 ? sequence : WaitForWriter();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long WaitForWriter()
    {
        // The writer keeps the lock for its whole odd window: once we hold it, the sequence is even.
        lock (_writeLock) return Volatile.Read(ref _sequence);
    }

    /// <summary>
    /// Whether no mutation started since <see cref="BeginRead"/> returned <paramref name="sequence"/>:
    /// then everything read in between is one consistent state.
    /// </summary>
    internal bool Unchanged(long sequence)
    {
        // The reads of the arrays must complete before the sequence is read again.
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref _sequence) == sequence;
    }

    /// <summary>The sequence now (after one barrier, a loop over many systems compares it with what <see cref="BeginRead"/> returned).</summary>
    internal long CurrentSequence => Volatile.Read(ref _sequence);

    /// <summary>
    /// Runs a write: the writer lock is held and the sequence odd while the arrays change;
    /// <paramref name="structure"/> also bumps <see cref="StructureVersion"/>. The lock must be held.
    /// </summary>
    private void BeginWrite(bool structure)
    {
        Interlocked.Increment(ref _sequence);   // odd: readers that overlap will see it change
        if (structure) Interlocked.Increment(ref _structureVersion);
    }

    private void EndWrite() => Interlocked.Increment(ref _sequence);   // even again, Version + 1

    /// <summary>The coupling matrix, n*n row-major, symmetric, zero diagonal.</summary>
    public ReadOnlySpan<double> Couplings => _couplings;

    /// <summary>The fields h, length n.</summary>
    public ReadOnlySpan<double> Fields => _fields;

    /// <summary>The spins, length n, each ±1.</summary>
    public ReadOnlySpan<sbyte> Spins => _spins;

    /// <summary>False when the system was made without spins (its spins are then all +1).</summary>
    public bool HasSpins => _hasSpins;

    internal double[] CouplingArray => _couplings;
    internal double[] FieldArray => _fields;
    internal sbyte[] SpinArray => _spins;

    /// <summary>
    /// Creates a system from explicit arrays, validated per ALGORITHM.md §12: the matrix
    /// must be symmetric within <c>1e-12·max(1,|J_ij|,|J_ji|)</c> (the upper triangle is
    /// stored and mirrored), its diagonal within 1e-12 of 0 (stored as 0), every number
    /// finite with magnitude at most 1e30 (ISN_MAX_MAGNITUDE), spins ±1.
    /// </summary>
    /// <param name="n">Number of spins, 1 ≤ n ≤ 16384.</param>
    /// <param name="couplings">The full n*n matrix, row-major.</param>
    /// <param name="fields">The n fields.</param>
    /// <param name="spins">The n spins, or empty for "no spins" (all +1, <see cref="HasSpins"/> false).</param>
    /// <exception cref="ArgumentException">A value is invalid; the message names it.</exception>
    public static IsingSystem FromArrays(int n, ReadOnlySpan<double> couplings,
        ReadOnlySpan<double> fields, ReadOnlySpan<sbyte> spins = default)
    {
        Validation.CheckSize(n, nameof(n));
        Validation.CheckCouplings(n, couplings, nameof(couplings));
        Validation.CheckFields(n, fields, nameof(fields));
        if (!spins.IsEmpty) Validation.CheckSpins(n, spins, nameof(spins));
        var system = new IsingSystem(n, hasSpins: !spins.IsEmpty);
        Validation.StoreCouplings(n, couplings, system._couplings);
        fields.CopyTo(system._fields);
        if (spins.IsEmpty) system._spins.AsSpan().Fill(1);
        else spins.CopyTo(system._spins);
        return system;
    }

    /// <summary>
    /// The original research code's agents (ALGORITHM.md §8): <c>J_ij = base·v</c> with
    /// base 1.0 when (i+j) mod 3 == 0 else 0.5, v uniform in [0.7, 1.3); small random
    /// fields; random spins. All drawn from Philox with <paramref name="seed"/>.
    /// </summary>
    /// <param name="n">Number of spins, 1 ≤ n ≤ 16384.</param>
    /// <param name="seed">The generator's seed.</param>
    public static IsingSystem SeedPattern(int n, ulong seed)
    {
        Validation.CheckSize(n, nameof(n));
        var system = new IsingSystem(n, hasSpins: true);
        Generators.SeedPattern(n, seed, system._couplings, system._fields, system._spins);
        return system;
    }

    /// <summary>
    /// A Sherrington–Kirkpatrick spin glass (ALGORITHM.md §8): <c>J_ij ~ Normal(0, 1/√n)</c>,
    /// h = 0, random spins.
    /// </summary>
    /// <param name="n">Number of spins, 1 ≤ n ≤ 16384.</param>
    /// <param name="seed">The generator's seed.</param>
    public static IsingSystem SpinGlass(int n, ulong seed)
    {
        Validation.CheckSize(n, nameof(n));
        var system = new IsingSystem(n, hasSpins: true);
        Generators.SpinGlass(n, seed, system._couplings, system._fields, system._spins);
        return system;
    }

    /// <summary>Replaces the spins (each must be ±1); the system then has spins.</summary>
    /// <param name="spins">n spins.</param>
    public void SetSpins(ReadOnlySpan<sbyte> spins)
    {
        Validation.CheckSpins(Size, spins, nameof(spins));
        lock (_writeLock)
        {
            BeginWrite(structure: false);
            try
            {
                spins.CopyTo(_spins);
                _hasSpins = true;
            }
            finally { EndWrite(); }
        }
    }

    /// <summary>Replaces the coupling matrix (validated like <see cref="FromArrays"/>).</summary>
    /// <param name="couplings">The full n*n matrix, row-major.</param>
    public void SetCouplings(ReadOnlySpan<double> couplings)
    {
        Validation.CheckCouplings(Size, couplings, nameof(couplings));
        lock (_writeLock)
        {
            BeginWrite(structure: true);
            try { Validation.StoreCouplings(Size, couplings, _couplings); }
            finally { EndWrite(); }
        }
    }

    /// <summary>Replaces the fields (each finite, magnitude at most 1e30).</summary>
    /// <param name="fields">n fields.</param>
    public void SetFields(ReadOnlySpan<double> fields)
    {
        Validation.CheckFields(Size, fields, nameof(fields));
        lock (_writeLock)
        {
            BeginWrite(structure: true);
            try { fields.CopyTo(_fields); }
            finally { EndWrite(); }
        }
    }

    /// <summary>A deep copy with a new <see cref="Id"/> (of one state, even while another thread mutates the system).</summary>
    public IsingSystem Clone()
    {
        lock (_writeLock)
        {
            var copy = new IsingSystem(Size, _hasSpins);
            _couplings.AsSpan().CopyTo(copy._couplings);
            _fields.AsSpan().CopyTo(copy._fields);
            _spins.AsSpan().CopyTo(copy._spins);
            return copy;
        }
    }

    // The reads below are optimistic: computed without the lock and, if a mutation overlapped,
    // computed again under it (so they never return a mix and never starve behind writers).

    /// <summary>
    /// Runs <paramref name="read"/> of the arrays so that it sees one state: optimistically, and
    /// again under the writer lock when a mutation overlapped (file output; the reads below do
    /// the same inline, without a delegate).
    /// </summary>
    internal T ReadConsistently<T>(Func<IsingSystem, T> read)
    {
        long sequence = BeginRead();
        T value = read(this);
        if (Unchanged(sequence)) return value;
        lock (_writeLock) return read(this);
    }

    /// <summary>The energy of the current spins (ALGORITHM.md §3).</summary>
    public double Energy()
    {
        long sequence = BeginRead();
        double e = EnergyOf(View());
        if (Unchanged(sequence)) return e;
        lock (_writeLock) return EnergyOf(View());
    }

    private static unsafe double EnergyOf(SystemView v) => ObservablesCore.Energy(v.N, v.J, v.H, v.S);

    /// <summary>The magnetization <c>(1/n) Σ s_i</c> of the current spins.</summary>
    public unsafe double Magnetization()
    {
        long sequence = BeginRead();
        double m = ObservablesCore.Magnetization(Size, View().S);
        if (Unchanged(sequence)) return m;
        lock (_writeLock) return ObservablesCore.Magnetization(Size, View().S);
    }

    /// <summary>The fraction of non-zero bonds that the current spins leave unsatisfied.</summary>
    public unsafe double Frustration()
    {
        long sequence = BeginRead();
        double f = ObservablesCore.Frustration(Size, View().J, View().S);
        if (Unchanged(sequence)) return f;
        lock (_writeLock) return ObservablesCore.Frustration(Size, View().J, View().S);
    }

    /// <summary>Energy, magnetization, frustration and emotion of the current spins.</summary>
    public Observables Observe()
    {
        long sequence = BeginRead();
        Observables o = ObservablesCore.Observe(View());
        if (Unchanged(sequence)) return o;
        lock (_writeLock) return ObservablesCore.Observe(View());
    }

    /// <summary>A raw view of the (pinned) arrays for the compute backends.</summary>
    internal unsafe SystemView View() => new(Size,
        (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_couplings)),
        (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_fields)),
        (sbyte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_spins)));

    /// <summary>
    /// §11 blend of this system's couplings towards <paramref name="other"/>'s, as one mutation.
    /// Both writer locks are held (taken in <see cref="Id"/> order, so two opposite blends
    /// cannot deadlock): other cannot change while it is read.
    /// </summary>
    internal void BlendCouplingsTowards(IsingSystem other, double b)
    {
        IsingSystem first = Id <= other.Id ? this : other, second = ReferenceEquals(first, this) ? other : this;
        lock (first._writeLock)
        lock (second._writeLock)   // the same lock twice when other is this: Lock is reentrant
        {
            BeginWrite(structure: true);
            try { Compassion.Blend(Size, _couplings, other._couplings, b); }
            finally { EndWrite(); }
        }
    }

    /// <summary>§11 spin-flip noise as one mutation (the spins are then explicitly set).</summary>
    internal void FlipNoise(ulong seed, double tau)
    {
        lock (_writeLock)
        {
            BeginWrite(structure: false);
            try
            {
                Compassion.FlipNoise(_spins, seed, tau);
                _hasSpins = true;
            }
            finally { EndWrite(); }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"IsingSystem(n={Size}, id={Id}, version={Version})";
}

/// <summary>A cached norm, valid only for the read sequence (<see cref="IsingSystem.BeginRead"/>) it was computed at.</summary>
internal sealed record NormEntry(long Sequence, double Norm);
