namespace IsingNative.Core;

/// <summary>
/// A raw, C-compatible view of one system: the shape a native C API receives. The
/// arrays behind the pointers are pinned for the life of the owning
/// <see cref="IsingSystem"/>; the caller keeps that system alive during a call.
/// </summary>
internal readonly unsafe struct SystemView
{
    /// <summary>Number of spins.</summary>
    public readonly int N;
    /// <summary>Couplings, n*n row-major.</summary>
    public readonly double* J;
    /// <summary>Fields, n.</summary>
    public readonly double* H;
    /// <summary>Spins, n, each ±1.</summary>
    public readonly sbyte* S;

    public SystemView(int n, double* j, double* h, sbyte* s)
    {
        N = n; J = j; H = h; S = s;
    }
}
