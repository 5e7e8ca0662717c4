using IsingNative.Core;

namespace IsingNative;

public sealed partial class IsingEngine
{
    /// <summary>
    /// The anneal of <see cref="Anneal"/> step by step (ALGORITHM.md §4): β, the energy after
    /// the step and the flips accepted in it, for plotting or diagnosing a schedule. It runs
    /// the managed anneal loop (the reference every backend matches bit for bit) with a step
    /// observer, so its final spins, energy and counts equal <see cref="Anneal"/>'s on any
    /// backend. Each step also computes the §3 energy (n² work), so a trace costs more than
    /// the anneal itself; the arrays take 32 bytes per step.
    /// </summary>
    /// <param name="system">The system (its spins are not read).</param>
    /// <param name="seed">The seed of the starting spins and of every trial.</param>
    /// <param name="options">The schedule; null for <see cref="AnnealOptions.Default"/>.</param>
    /// <returns>The anneal's result and one entry per step run (fewer than Steps after an early stop).</returns>
    public unsafe AnnealTrace AnnealTrace(IsingSystem system, ulong seed, AnnealOptions? options = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(system);
        options ??= AnnealOptions.Default;
        options.Validate();
        AnnealParams p = AnnealParams.From(options);
        SystemView view = system.View();
        int n = view.N;
        int steps = p.StepsFor(n);
        var spins = new sbyte[n];
        TrialCounts counts;
        TraceObserver observer;
        // The threads protocol of Anneal: a system mutated while it is read is an error, not
        // a trace of two states.
        long sequence = system.BeginRead();
        fixed (sbyte* s = spins)
        {
            observer = new TraceObserver(view, s, steps);
            // β computed per step (no cached table): the same values as the backends' table.
            try
            {
                if (p.Precision == (int)Precision.Single)
                {
                    var jf = new float[(long)n * n];
                    var hf = new float[n];
                    var phif = new float[n];
                    fixed (float* j = jf, h = hf, phi = phif)
                        counts = AnnealCore.RunSingle(view, seed, p, steps, null, s, j, h, phi, ref observer);
                }
                else
                {
                    var phid = new double[n];
                    fixed (double* phi = phid)
                        counts = AnnealCore.Run(view, seed, p, steps, null, s, phi, ref observer);
                }
            }
            catch (Exception e) when (Torn(e, system, sequence))
            {
                throw new SystemModifiedException(nameof(system), nameof(AnnealTrace), e);
            }
        }
        GC.KeepAlive(system);
        Verify(system, sequence, nameof(system), nameof(AnnealTrace));
        // Every anneal runs at least one trial, so at least one step ends; the last step's
        // energy is that of the final spins, computed as Anneal computes it.
        int count = observer.Count;
        double energy = observer.Energies[count - 1];
        return new AnnealTrace(new AnnealStats(steps, counts.Trials, counts.Accepted, energy), spins,
            Trim(observer.Betas, count), Trim(observer.Energies, count), Trim(observer.Accepted, count), Trim(observer.Trials, count));
    }

    private static T[] Trim<T>(T[] values, int count) => count == values.Length ? values : values[..count];
}
