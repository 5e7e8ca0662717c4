namespace IsingNative.Backends;

/// <summary>
/// Per-thread working memory of one anneal: spins, local fields and the single-precision
/// copies. Arrays grow to the largest n seen and are then reused, so steady-state calls
/// allocate nothing. Arrays are pinned (pointer use without fixed).
/// </summary>
internal sealed class Scratch
{
    public double[] Phi = [];
    public sbyte[] Spins = [];
    public float[] JFloat = [];
    public float[] HFloat = [];
    public float[] PhiFloat = [];

    public void EnsureDouble(int n)
    {
        if (Phi.Length < n) Phi = GC.AllocateArray<double>(n, pinned: true);
        if (Spins.Length < n) Spins = GC.AllocateArray<sbyte>(n, pinned: true);
    }

    public void EnsureSingle(int n)
    {
        EnsureDouble(n);
        long nn = (long)n * n;
        if (JFloat.Length < nn) JFloat = GC.AllocateArray<float>(checked((int)nn), pinned: true);
        if (HFloat.Length < n) HFloat = GC.AllocateArray<float>(n, pinned: true);
        if (PhiFloat.Length < n) PhiFloat = GC.AllocateArray<float>(n, pinned: true);
    }
}

/// <summary>A small lock-protected pool of <see cref="Scratch"/> (one per concurrently running anneal).</summary>
internal sealed class ScratchPool
{
    private readonly Stack<Scratch> _free = new();
    private readonly Lock _lock = new();

    public Scratch Rent()
    {
        lock (_lock)
            return _free.Count > 0 ? _free.Pop() : new Scratch();
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
