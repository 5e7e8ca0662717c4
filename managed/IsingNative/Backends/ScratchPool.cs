using System.Runtime.CompilerServices;
using IsingNative.Core;

namespace IsingNative.Backends;

/// <summary>
/// Per-thread working memory of one anneal: spins, local fields and the single-precision
/// copies, as pointers into pinned arrays. Buffers grow to the largest n seen and are then
/// reused, so steady-state calls allocate nothing.
/// </summary>
/// <remarks>
/// Every buffer starts on its own 64-byte cache line and is followed by at least one line
/// of padding. The workers of a batch each hold a <see cref="Scratch"/>, and φ and the spins
/// are written on every accepted flip: small arrays allocated one after the other on the
/// pinned heap would otherwise share cache lines between the two workers' scratch (false
/// sharing), and every flip on one core would evict the other's line (docs/PERFORMANCE.md,
/// "Managed scaling").
/// </remarks>
internal sealed unsafe class Scratch
{
    private const int Line = 64;

    private Buffer _phi, _spins, _jFloat, _hFloat, _phiFloat;

    /// <summary>n local fields (double path).</summary>
    public double* Phi => (double*)_phi.Ptr;

    /// <summary>n spins.</summary>
    public sbyte* Spins => (sbyte*)_spins.Ptr;

    /// <summary>n·n couplings rounded to float (single path).</summary>
    public float* JFloat => (float*)_jFloat.Ptr;

    /// <summary>n fields rounded to float (single path).</summary>
    public float* HFloat => (float*)_hFloat.Ptr;

    /// <summary>n local fields in float (single path).</summary>
    public float* PhiFloat => (float*)_phiFloat.Ptr;

    // The last "other" system scored with this scratch and the energy of its actual spins.
    // A batch usually holds many pairs with the same other (every row of a swarm), and its
    // energy cannot change during one backend call: the memo is forgotten whenever the
    // scratch is rented, so it never outlives the call it was computed in (a system mutated
    // between calls, at the same addresses, is recomputed).
    private SystemView _other;
    private double _otherEnergy;

    /// <summary>§3 energy of <paramref name="other"/>'s actual spins, reused while the same system repeats.</summary>
    public double ActualEnergy(SystemView other)
    {
        if (other.S != _other.S || other.J != _other.J || other.H != _other.H || other.N != _other.N)
        {
            _otherEnergy = ObservablesCore.Energy(other.N, other.J, other.H, other.S);
            _other = other;
        }
        return _otherEnergy;
    }

    /// <summary>Drops the per-call memo (see <see cref="ActualEnergy"/>).</summary>
    public void ForgetCall() => _other = default;

    public void EnsureDouble(int n)
    {
        _phi.Ensure((long)n * sizeof(double));
        _spins.Ensure(n);
    }

    public void EnsureSingle(int n)
    {
        EnsureDouble(n);
        _jFloat.Ensure((long)n * n * sizeof(float));
        _hFloat.Ensure((long)n * sizeof(float));
        _phiFloat.Ensure((long)n * sizeof(float));
    }

    /// <summary>A pinned byte array with a cache-line-aligned region of at least the requested size, padded on both sides.</summary>
    private struct Buffer
    {
        private byte[]? _array;   // keeps the pinned memory alive
        private long _capacity;
        public byte* Ptr;

        public void Ensure(long bytes)
        {
            if (_capacity >= bytes && _array is not null) return;
            // One line before (alignment slack and padding against whatever precedes) and one after.
            long rounded = (bytes + Line - 1) / Line * Line;
            var array = GC.AllocateUninitializedArray<byte>(checked((int)(rounded + 3 * Line)), pinned: true);
            byte* start = (byte*)Unsafe.AsPointer(ref array[0]);
            Ptr = (byte*)(((nuint)start + 2 * Line - 1) & ~(nuint)(Line - 1));
            _array = array;
            _capacity = rounded;
        }
    }
}

/// <summary>A small lock-protected pool of <see cref="Scratch"/> (one per concurrently running anneal).</summary>
internal sealed class ScratchPool
{
    private readonly Stack<Scratch> _free = new();
    private readonly Lock _lock = new();

    /// <summary>A scratch for one call (its per-call memo cleared).</summary>
    public Scratch Rent()
    {
        Scratch scratch;
        lock (_lock)
            scratch = _free.Count > 0 ? _free.Pop() : new Scratch();
        scratch.ForgetCall();
        return scratch;
    }

    public void Return(Scratch scratch)
    {
        lock (_lock) _free.Push(scratch);
    }

    /// <summary>Drops every pooled buffer (on dispose).</summary>
    public void Clear()
    {
        lock (_lock) _free.Clear();
    }
}
