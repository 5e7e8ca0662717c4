using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IsingNative.Core;

namespace IsingNative;

/// <summary>
/// An Ising system (MODEL.md §1): <c>n</c> spins ±1, a symmetric coupling matrix with a
/// zero diagonal and a field vector. Mutable; every mutation increments
/// <see cref="Version"/>, which (with <see cref="Id"/>) keys every cache, so a mutated
/// system is never served a stale value. Not thread-safe for concurrent mutation;
/// concurrent reads (for example by <see cref="IsingEngine.EmpathyBatch"/>) are fine.
/// </summary>
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
    private long _version;
    private long _structureVersion;
    private bool _hasSpins;

    /// <summary>Per-system cache of the §6 norm of the upper triangle, keyed by version.</summary>
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

    /// <summary>Incremented by every mutation.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>
    /// Incremented by every mutation of J or h (not of the spins alone), so an
    /// <see cref="AgentSet"/> can push a spin-only change without re-copying the matrix.
    /// Bumped before <see cref="Version"/>: a reader that sees a new Version also sees it.
    /// </summary>
    internal long StructureVersion => Volatile.Read(ref _structureVersion);

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
        spins.CopyTo(_spins);
        _hasSpins = true;
        BumpVersion();
    }

    /// <summary>Replaces the coupling matrix (validated like <see cref="FromArrays"/>).</summary>
    /// <param name="couplings">The full n*n matrix, row-major.</param>
    public void SetCouplings(ReadOnlySpan<double> couplings)
    {
        Validation.CheckCouplings(Size, couplings, nameof(couplings));
        Validation.StoreCouplings(Size, couplings, _couplings);
        MarkStructureChanged();
    }

    /// <summary>Replaces the fields (each finite, magnitude at most 1e30).</summary>
    /// <param name="fields">n fields.</param>
    public void SetFields(ReadOnlySpan<double> fields)
    {
        Validation.CheckFields(Size, fields, nameof(fields));
        fields.CopyTo(_fields);
        MarkStructureChanged();
    }

    /// <summary>A deep copy with a new <see cref="Id"/>.</summary>
    public IsingSystem Clone()
    {
        var copy = new IsingSystem(Size, _hasSpins);
        _couplings.AsSpan().CopyTo(copy._couplings);
        _fields.AsSpan().CopyTo(copy._fields);
        _spins.AsSpan().CopyTo(copy._spins);
        return copy;
    }

    /// <summary>The energy of the current spins (ALGORITHM.md §3).</summary>
    public unsafe double Energy()
    {
        fixed (double* j = _couplings) fixed (double* h = _fields) fixed (sbyte* s = _spins)
            return ObservablesCore.Energy(Size, j, h, s);
    }

    /// <summary>The magnetization <c>(1/n) Σ s_i</c> of the current spins.</summary>
    public unsafe double Magnetization()
    {
        fixed (sbyte* s = _spins) return ObservablesCore.Magnetization(Size, s);
    }

    /// <summary>The fraction of non-zero bonds that the current spins leave unsatisfied.</summary>
    public unsafe double Frustration()
    {
        fixed (double* j = _couplings) fixed (sbyte* s = _spins)
            return ObservablesCore.Frustration(Size, j, s);
    }

    /// <summary>Energy, magnetization, frustration and emotion of the current spins.</summary>
    public Observables Observe() => ObservablesCore.Observe(View());

    /// <summary>A raw view of the (pinned) arrays for the compute backends.</summary>
    internal unsafe SystemView View() => new(Size,
        (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_couplings)),
        (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_fields)),
        (sbyte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_spins)));

    /// <summary>Marks the spins as explicitly set (after an internal mutation) and bumps the version.</summary>
    internal void MarkSpinsChanged()
    {
        _hasSpins = true;
        BumpVersion();
    }

    /// <summary>Bumps the version after an internal mutation of the arrays.</summary>
    internal void BumpVersion() => Interlocked.Increment(ref _version);

    /// <summary>Bumps both versions after a mutation of J or h.</summary>
    internal void MarkStructureChanged()
    {
        Interlocked.Increment(ref _structureVersion);
        BumpVersion();
    }

    /// <inheritdoc/>
    public override string ToString() => $"IsingSystem(n={Size}, id={Id}, version={Version})";
}

/// <summary>A cached norm, valid only for the version it was computed at.</summary>
internal sealed record NormEntry(long Version, double Norm);
