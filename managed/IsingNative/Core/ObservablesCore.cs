using System.Numerics;
using System.Runtime.Intrinsics;

namespace IsingNative.Core;

/// <summary>
/// The observables of ALGORITHM.md §3 with their fixed summation orders. Integer counts
/// where the contract says integers, so the only rounding is in the energy.
/// </summary>
internal static unsafe class ObservablesCore
{
    /// <summary>Rows up to this size get their row sums on the stack; larger ones use the scalar loop.</summary>
    private const int StackRows = 1024;

    /// <summary>§3 energy: rows of the strict upper triangle in order, E accumulated row by row, then negated.</summary>
    public static double Energy(int n, double* j, double* h, sbyte* s)
    {
        if (n > StackRows) return EnergyScalar(n, j, h, s);
        double* rows = stackalloc double[n];
        RowSums.Upper(n, j, s, rows);
        double e = 0.0;
        for (int i = 0; i < n; i++)
        {
            double si = s[i];
            e = e + ((si * rows[i]) + (h[i] * si));
        }
        return -e;
    }

    /// <summary>The literal §3 loop (the reference the vectorised row sums reproduce bit for bit).</summary>
    public static double EnergyScalar(int n, double* j, double* h, sbyte* s)
    {
        double e = 0.0;
        for (int i = 0; i < n; i++)
        {
            double* row = j + (long)i * n;
            double sum = 0.0;
            for (int k = i + 1; k < n; k++) sum += row[k] * s[k];
            double si = s[i];
            e = e + ((si * sum) + (h[i] * si));
        }
        return -e;
    }

    /// <summary>Σ s_i as an integer.</summary>
    public static int SpinSum(int n, sbyte* s)
    {
        int m = 0;
        for (int i = 0; i < n; i++) m += s[i];
        return m;
    }

    /// <summary>§3 magnetization <c>(double)M / (double)n</c>.</summary>
    public static double Magnetization(int n, sbyte* s) => (double)SpinSum(n, s) / (double)n;

    /// <summary>
    /// §3 frustration: unsatisfied non-zero bonds over non-zero bonds (at least 1). Both
    /// are integer counts, so their order is free: the loop is branch-free (a data-dependent
    /// branch here mispredicts half the time on random spins).
    /// </summary>
    public static double Frustration(int n, double* j, sbyte* s)
    {
        long nz = 0, fr = 0;
        bool vectorised = Vector256.IsHardwareAccelerated && n <= StackRows;
        double* sd = stackalloc double[vectorised ? n : 0];
        if (vectorised) for (int k = 0; k < n; k++) sd[k] = s[k];
        for (int i = 0; i < n; i++)
        {
            double* row = j + (long)i * n;
            int si = s[i];
            int k = i + 1;
            if (vectorised)
            {
                Vector256<double> vsi = Vector256.Create((double)si);
                for (; k + 4 <= n; k += 4)
                {
                    Vector256<double> v = Vector256.Load(row + k);
                    // J·s_i·s_j < 0 ⇔ the bond is unsatisfied; multiplying by ±1 is exact.
                    Vector256<double> prod = v * vsi * Vector256.Load(sd + k);
                    nz += BitOperations.PopCount(Vector256.ExtractMostSignificantBits(~Vector256.Equals(v, Vector256<double>.Zero)));
                    fr += BitOperations.PopCount(Vector256.ExtractMostSignificantBits(Vector256.LessThan(prod, Vector256<double>.Zero)));
                }
            }
            for (; k < n; k++)
            {
                double v = row[k];
                nz += v != 0.0 ? 1 : 0;
                fr += v * (si * s[k]) < 0.0 ? 1 : 0;
            }
        }
        return (double)fr / (double)Math.Max(1L, nz);
    }

    /// <summary>§3 emotion from the three observables.</summary>
    public static EmotionVector Emotion(int n, double energy, double magnetization, double frustration)
    {
        double am = Math.Abs(magnetization);
        return new EmotionVector(DetMath.Tanh((-energy) / (double)n), 1.0 - am, frustration, am);
    }

    /// <summary>All observables of one system.</summary>
    public static Observables Observe(SystemView v)
    {
        Observables o = ObserveWithoutEmotion(v);
        return o with { Emotion = Emotion(v.N, o.Energy, o.Magnetization, o.Frustration) };
    }

    /// <summary>
    /// The observables of many systems, <c>results[i]</c> for <c>systems[i]</c>. The emotions
    /// are filled in a second pass: each det_tanh is a long serial chain of dependent
    /// operations, and side by side the processor overlaps them instead of stalling on each.
    /// </summary>
    public static void ObserveMany(ReadOnlySpan<SystemView> systems, Span<Observables> results)
    {
        for (int i = 0; i < systems.Length; i++) results[i] = ObserveWithoutEmotion(systems[i]);
        for (int i = 0; i < systems.Length; i++)
        {
            Observables o = results[i];
            results[i] = o with { Emotion = Emotion(systems[i].N, o.Energy, o.Magnetization, o.Frustration) };
        }
    }

    /// <summary>Energy, magnetization and frustration of one system (the emotion left default).</summary>
    private static Observables ObserveWithoutEmotion(SystemView v)
    {
        int n = v.N;
        if (n <= ObserveFused.MaxN)
        {
            // One pass for all three (the separate functions above read J twice and convert the spins twice).
            ObserveFused.Sums sums = ObserveFused.Compute(n, v.J, v.H, v.S);
            double mag = (double)sums.SpinSum / (double)n;
            double fru = (double)sums.Frustrated / (double)Math.Max(1L, sums.NonZero);
            return new Observables(sums.Energy, mag, fru, default);
        }
        return new Observables(Energy(n, v.J, v.H, v.S), Magnetization(n, v.S), Frustration(n, v.J, v.S), default);
    }
}
