namespace IsingNative.Cli.Validation;

/// <summary>
/// Exact enumeration of a small system (n ≤ 12): the energy of every one of the 2^n states,
/// the Boltzmann distribution, and the full single-site transition kernel of an acceptance
/// rule, so sampled chains can be compared with the distributions they must converge to.
/// Written independently of the library's engine (plain loops, <see cref="Math.Exp"/>) so
/// the comparison is not the library checking itself. State index x has bit i set iff s_i = +1.
/// </summary>
internal sealed class ExactModel
{
    /// <summary>The largest n enumerated (4096 states).</summary>
    public const int MaxN = 12;

    private readonly double[] _j;
    private readonly double[] _h;

    /// <summary>Number of spins.</summary>
    public int N { get; }

    /// <summary>Number of states, 2^n.</summary>
    public int States => 1 << N;

    /// <summary>Energy of every state, by MODEL.md §1's definition.</summary>
    public double[] Energies { get; }

    /// <summary>Enumerates <paramref name="system"/>'s states.</summary>
    public ExactModel(IsingSystem system)
    {
        if (system.Size > MaxN) throw new ArgumentOutOfRangeException(nameof(system), system.Size, $"exact enumeration needs n <= {MaxN}");
        N = system.Size;
        _j = system.Couplings.ToArray();
        _h = system.Fields.ToArray();
        Energies = new double[States];
        var s = new sbyte[N];
        for (var x = 0; x < States; x++)
        {
            SpinsOf(x, s);
            Energies[x] = Energy(s);
        }
    }

    /// <summary>Writes the spins of state <paramref name="x"/>.</summary>
    public void SpinsOf(int x, Span<sbyte> s)
    {
        for (var i = 0; i < N; i++) s[i] = (sbyte)(((x >> i) & 1) == 1 ? 1 : -1);
    }

    /// <summary>The index of a spin configuration.</summary>
    public static int IndexOf(ReadOnlySpan<sbyte> s)
    {
        var x = 0;
        for (var i = 0; i < s.Length; i++) if (s[i] > 0) x |= 1 << i;
        return x;
    }

    /// <summary><c>E(s) = -Σ_{i&lt;j} J_ij s_i s_j - Σ_i h_i s_i</c>.</summary>
    public double Energy(ReadOnlySpan<sbyte> s)
    {
        double e = 0;
        for (var i = 0; i < N; i++)
        {
            for (var j = i + 1; j < N; j++) e -= _j[i * N + j] * s[i] * s[j];
            e -= _h[i] * s[i];
        }
        return e;
    }

    /// <summary>ΔE of flipping spin <paramref name="i"/> in state <paramref name="x"/>: <c>2 s_i φ_i</c>.</summary>
    public double DeltaE(int x, int i)
    {
        var si = ((x >> i) & 1) == 1 ? 1.0 : -1.0;
        var phi = _h[i];
        for (var j = 0; j < N; j++)
            if (j != i) phi += _j[i * N + j] * (((x >> j) & 1) == 1 ? 1.0 : -1.0);
        return 2 * si * phi;
    }

    /// <summary>The Boltzmann distribution <c>P(s) ∝ exp(-β E(s))</c>.</summary>
    public double[] Boltzmann(double beta)
    {
        var min = Energies.Min();
        var p = Energies.Select(e => Math.Exp(-beta * (e - min))).ToArray();
        var z = p.Sum();
        for (var x = 0; x < p.Length; x++) p[x] /= z;
        return p;
    }

    /// <summary>Acceptance probability of a proposed flip with energy change <paramref name="dE"/> (MODEL.md §3).</summary>
    public static double Acceptance(AcceptanceRule rule, double beta, double dE)
    {
        if (dE <= 0) return 1;
        var metropolis = Math.Exp(-beta * dE);
        return rule == AcceptanceRule.Metropolis ? metropolis : Math.Min(1, Math.Max(metropolis, 0.1 / (1 + beta)));
    }

    /// <summary>
    /// The one-trial transition kernel (row-major States×States): pick a site uniformly,
    /// accept the flip with the rule's probability, else stay.
    /// </summary>
    public double[] Kernel(AcceptanceRule rule, double beta)
    {
        var m = States;
        var k = new double[m * m];
        for (var x = 0; x < m; x++)
        {
            double leave = 0;
            for (var i = 0; i < N; i++)
            {
                var p = Acceptance(rule, beta, DeltaE(x, i)) / N;
                k[x * m + (x ^ (1 << i))] += p;
                leave += p;
            }
            k[x * m + x] += 1 - leave;
        }
        return k;
    }

    /// <summary>
    /// The stationary distribution of <paramref name="kernel"/> by power iteration of the lazy
    /// kernel (P + I)/2, which has the same fixed point and cannot oscillate.
    /// </summary>
    public double[] Stationary(double[] kernel, int iterations = 200_000, double tolerance = 1e-15)
    {
        var m = States;
        var pi = Enumerable.Repeat(1.0 / m, m).ToArray();
        var next = new double[m];
        for (var it = 0; it < iterations; it++)
        {
            Array.Clear(next);
            for (var x = 0; x < m; x++)
            {
                var px = pi[x];
                if (px == 0) continue;
                var row = x * m;
                for (var y = 0; y < m; y++) next[y] += px * kernel[row + y];
            }
            double change = 0;
            for (var y = 0; y < m; y++)
            {
                var v = 0.5 * (next[y] + pi[y]);
                change += Math.Abs(v - pi[y]);
                pi[y] = v;
            }
            if (change < tolerance) break;
        }
        return pi;
    }

    /// <summary>
    /// The largest eigenvalue modulus of <paramref name="kernel"/> other than the stationary 1:
    /// power iteration on row vectors with Σ v = 0 (an invariant subspace that excludes the
    /// stationary direction). The growth rate is averaged over the last iterations so that a
    /// complex pair (possible for the non-reversible seed-compatible kernel) is measured too.
    /// It sets how fast correlations between successive samples decay.
    /// </summary>
    public double SecondEigenvalueModulus(double[] kernel, int iterations = 4000, int averaged = 500)
    {
        var m = States;
        var v = new double[m];
        var rng = new Random(12345);
        for (var x = 0; x < m; x++) v[x] = rng.NextDouble() - 0.5;
        var next = new double[m];
        double logGrowth = 0;
        for (var it = 0; it < iterations; it++)
        {
            // Re-project each step to remove rounding drift towards the stationary direction.
            var mean = v.Sum() / m;
            for (var x = 0; x < m; x++) v[x] -= mean;
            var normV = Math.Sqrt(v.Sum(a => a * a));
            if (normV == 0) return 0;
            Array.Clear(next);
            for (var x = 0; x < m; x++)
            {
                var vx = v[x] / normV;
                if (vx == 0) continue;
                var row = x * m;
                for (var y = 0; y < m; y++) next[y] += vx * kernel[row + y];
            }
            var normNext = Math.Sqrt(next.Sum(a => a * a));
            if (normNext == 0) return 0;
            if (it >= iterations - averaged) logGrowth += Math.Log(normNext);
            (v, next) = (next, v);
        }
        return Math.Min(1, Math.Exp(logGrowth / averaged));
    }

    /// <summary>Total-variation distance <c>½ Σ |p - q|</c>.</summary>
    public static double TotalVariation(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double d = 0;
        for (var x = 0; x < p.Length; x++) d += Math.Abs(p[x] - q[x]);
        return 0.5 * d;
    }

    /// <summary>The empirical distribution of sampled states.</summary>
    public double[] Histogram(sbyte[][] states)
    {
        var p = new double[States];
        foreach (var s in states) p[IndexOf(s)] += 1;
        for (var x = 0; x < p.Length; x++) p[x] /= states.Length;
        return p;
    }
}
