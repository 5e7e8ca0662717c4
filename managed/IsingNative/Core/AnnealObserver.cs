namespace IsingNative.Core;

/// <summary>
/// Told the end of every step of an anneal by the one anneal loop (<see cref="AnnealCore"/>).
/// A struct type parameter, so the loop is compiled once per observer: with
/// <see cref="NoObserver"/> (every ordinary anneal) the empty call disappears and the hot
/// path is the loop without an observer.
/// </summary>
internal interface IAnnealObserver
{
    /// <summary>
    /// Step <paramref name="step"/> ended: its K trials ran, or the early stop fired inside it
    /// (then it is the last call). <paramref name="beta"/> is the step's β_t;
    /// <paramref name="accepted"/> and <paramref name="trials"/> count from the start of the
    /// anneal. The spins the loop works on hold the state after the step.
    /// </summary>
    void StepDone(int step, double beta, long accepted, long trials);
}

/// <summary>The observer of every ordinary anneal: nothing.</summary>
internal struct NoObserver : IAnnealObserver
{
    public readonly void StepDone(int step, double beta, long accepted, long trials) { }
}

/// <summary>
/// Records each step of one anneal for <see cref="IsingEngine.AnnealTrace"/>: β, the §3
/// energy of the spins after the step (computed as the anneal's final energy is, from the
/// system's own double J and h, so the last entry equals <see cref="AnnealStats.Energy"/>),
/// and the accepted flips and trials of the step.
/// </summary>
internal unsafe struct TraceObserver(SystemView system, sbyte* spins, int steps) : IAnnealObserver
{
    public readonly double[] Betas = new double[steps], Energies = new double[steps];
    public readonly long[] Accepted = new long[steps], Trials = new long[steps];
    public int Count;
    private long _accepted, _trials;

    public void StepDone(int step, double beta, long accepted, long trials)
    {
        Betas[Count] = beta;
        Energies[Count] = ObservablesCore.Energy(system.N, system.J, system.H, spins);
        Accepted[Count] = accepted - _accepted;
        Trials[Count] = trials - _trials;
        _accepted = accepted;
        _trials = trials;
        Count++;
    }
}
