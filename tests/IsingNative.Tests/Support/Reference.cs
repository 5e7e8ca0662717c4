namespace IsingNative.Tests.Support;

/// <summary>
/// Naive, by-definition versions of the observables (MODEL.md §1), written from the
/// formulas rather than from ALGORITHM.md's loop order, so that they check the library
/// instead of repeating it. Agreement is therefore asserted to a tolerance, not bitwise.
/// </summary>
internal static class Reference
{
    /// <summary><c>E(s) = -Σ_{i&lt;j} J_ij s_i s_j - Σ_i h_i s_i</c>, summed pair by pair.</summary>
    public static double Energy(int n, ReadOnlySpan<double> j, ReadOnlySpan<double> h, ReadOnlySpan<sbyte> s)
    {
        double pairs = 0, field = 0;
        for (int a = 0; a < n; a++)
        {
            field += h[a] * s[a];
            for (int b = a + 1; b < n; b++) pairs += j[a * n + b] * s[a] * s[b];
        }
        return -pairs - field;
    }

    /// <summary>Energy of a system's own couplings and fields for the given spins.</summary>
    public static double Energy(IsingSystem sys, ReadOnlySpan<sbyte> s) => Energy(sys.Size, sys.Couplings, sys.Fields, s);

    /// <summary><c>m = (1/n) Σ s_i</c>.</summary>
    public static double Magnetization(ReadOnlySpan<sbyte> s)
    {
        int sum = 0;
        foreach (sbyte x in s) sum += x;
        return (double)sum / s.Length;
    }

    /// <summary>Fraction of non-zero bonds with <c>J_ij s_i s_j &lt; 0</c> (0 when there are no bonds).</summary>
    public static double Frustration(int n, ReadOnlySpan<double> j, ReadOnlySpan<sbyte> s)
    {
        int bonds = 0, frustrated = 0;
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                double jab = j[a * n + b];
                if (jab == 0) continue;
                bonds++;
                if (jab * s[a] * s[b] < 0) frustrated++;
            }
        return (double)frustrated / Math.Max(1, bonds);
    }

    /// <summary>Local field <c>φ_i = Σ_j J_ij s_j + h_i</c>.</summary>
    public static double LocalField(int n, ReadOnlySpan<double> j, ReadOnlySpan<double> h, ReadOnlySpan<sbyte> s, int i)
    {
        double phi = h[i];
        for (int b = 0; b < n; b++) phi += j[i * n + b] * s[b];
        return phi;
    }

    /// <summary>Cosine similarity of the strict upper triangles mapped to [0,1] (MODEL.md §5).</summary>
    public static double CouplingSimilarity(int n, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < n; i++)
            for (int k = i + 1; k < n; k++)
            {
                dot += a[i * n + k] * b[i * n + k];
                na += a[i * n + k] * a[i * n + k];
                nb += b[i * n + k] * b[i * n + k];
            }
        if (na == 0 || nb == 0) return 0.5;
        double cos = Math.Clamp(dot / (Math.Sqrt(na) * Math.Sqrt(nb)), -1, 1);
        return (cos + 1) / 2;
    }

    /// <summary>Spins of state <paramref name="index"/>: bit i set ⇔ s_i = +1.</summary>
    public static sbyte[] StateOf(int n, int index)
    {
        var s = new sbyte[n];
        for (int i = 0; i < n; i++) s[i] = (sbyte)(((index >> i) & 1) != 0 ? 1 : -1);
        return s;
    }

    /// <summary>The inverse of <see cref="StateOf"/>.</summary>
    public static int IndexOf(ReadOnlySpan<sbyte> s)
    {
        int index = 0;
        for (int i = 0; i < s.Length; i++)
            if (s[i] == 1) index |= 1 << i;
        return index;
    }

    /// <summary>The energies of all 2^n states (n ≤ 20), indexed as in <see cref="StateOf"/>.</summary>
    public static double[] EnumerateEnergies(IsingSystem sys)
    {
        int n = sys.Size;
        var energies = new double[1 << n];
        for (int index = 0; index < energies.Length; index++)
            energies[index] = Energy(sys, StateOf(n, index));
        return energies;
    }

    /// <summary>The exact Boltzmann distribution <c>P(s) ∝ exp(-β E(s))</c> over enumerated energies.</summary>
    public static double[] Boltzmann(double[] energies, double beta)
    {
        double min = energies.Min();   // shift for numerical safety; cancels in the normalisation
        var p = new double[energies.Length];
        double z = 0;
        for (int k = 0; k < p.Length; k++) z += p[k] = Math.Exp(-beta * (energies[k] - min));
        for (int k = 0; k < p.Length; k++) p[k] /= z;
        return p;
    }

    /// <summary>Total-variation distance <c>½ Σ |p - q|</c>.</summary>
    public static double TotalVariation(double[] p, double[] q)
    {
        double sum = 0;
        for (int k = 0; k < p.Length; k++) sum += Math.Abs(p[k] - q[k]);
        return sum / 2;
    }
}
