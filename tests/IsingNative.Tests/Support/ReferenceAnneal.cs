using IsingNative.Core;

namespace IsingNative.Tests.Support;

/// <summary>
/// A deliberately plain transcription of ALGORITHM.md §4 (and §9 single precision, §10
/// sampling): one trial at a time, no blocking, no vectorisation, no bracket table, only the
/// library's tested primitives (Philox4x32, DetMath). The library's anneal must match it bit
/// for bit.
/// </summary>
internal static class ReferenceAnneal
{
    private const uint InitSpinsDomain = 1, AnnealTrialDomain = 2, SampleTrialDomain = 3;

    /// <param name="sys">The system annealed.</param>
    /// <param name="seed">The anneal's seed.</param>
    /// <param name="o">The schedule.</param>
    /// <param name="onStep">Called after each step (step, β, spins, trials and accepted so far), and at the early stop.</param>
    public static (sbyte[] Spins, long Trials, long Accepted) Run(IsingSystem sys, ulong seed, AnnealOptions o,
        Action<int, double, sbyte[], long, long>? onStep = null)
    {
        int n = sys.Size;
        bool single = o.Precision == Precision.Single;
        // §9: J and h rounded to float once; φ kept in float; ΔE in float, widened exactly.
        double[] j = sys.Couplings.ToArray(), h = sys.Fields.ToArray();
        float[] jf = j.Select(v => (float)v).ToArray(), hf = h.Select(v => (float)v).ToArray();
        sbyte[] s = InitSpins(n, seed);
        double[] phi = single ? [] : Fields(n, j, h, s);
        float[] phif = single ? FieldsSingle(n, jf, hf, s) : [];

        int steps = o.StepsFor(n), trialsPerStep = o.TrialsPerStep;
        double logRatio = DetMath.Log(o.BetaEnd / o.BetaStart);
        long trials = 0, accepted = 0, run = 0;
        for (int t = 0; t < steps; t++)
        {
            double beta = o.BetaStart * DetMath.Exp((logRatio * t) / steps);
            for (int k = 0; k < trialsPerStep; k++)
            {
                ulong g = (ulong)t * (ulong)trialsPerStep + (ulong)k;
                var (i, u) = Draw(g, AnnealTrialDomain, n, seed);
                if (o.SweepOrder == SweepOrder.Sequential) i = (int)(g % (ulong)n); // §4.1: site g mod n, u from the same draw
                double dE = single ? (2.0f * s[i]) * phif[i] : (2.0 * s[i]) * phi[i];
                bool accept = Accept(dE, beta, u, o.Acceptance);
                trials++;
                if (accept)
                {
                    s[i] = (sbyte)-s[i];
                    if (single) for (int b = 0; b < n; b++) phif[b] = phif[b] + (2.0f * s[i]) * jf[i * n + b];
                    else for (int b = 0; b < n; b++) phi[b] = phi[b] + (2.0 * s[i]) * j[i * n + b];
                    accepted++;
                }
                if (o.EarlyStop is { } es)
                {
                    run = accept || beta < es.BetaThreshold ? 0 : run + 1;
                    if (run >= es.Window)
                    {
                        onStep?.Invoke(t, beta, s, trials, accepted);
                        return (s, trials, accepted);
                    }
                }
            }
            onStep?.Invoke(t, beta, s, trials, accepted);
        }
        return (s, trials, accepted);
    }

    /// <summary>
    /// §10: start from the system's spins (or INIT_SPINS when it has none); constant β in the
    /// SAMPLE_TRIAL domain; burnIn sweeps, then per record thin sweeps and a snapshot.
    /// </summary>
    public static (sbyte[][] States, long Accepted) Sample(IsingSystem sys, double beta, int samples, int thin, int burnIn,
        ulong seed, AcceptanceRule rule)
    {
        int n = sys.Size;
        double[] j = sys.Couplings.ToArray(), h = sys.Fields.ToArray();
        sbyte[] s = sys.HasSpins ? sys.Spins.ToArray() : InitSpins(n, seed);
        double[] phi = Fields(n, j, h, s);
        ulong g = 0;
        long accepted = 0;
        void Sweep()
        {
            for (int k = 0; k < n; k++, g++)
            {
                var (i, u) = Draw(g, SampleTrialDomain, n, seed);
                if (!Accept((2.0 * s[i]) * phi[i], beta, u, rule)) continue;
                s[i] = (sbyte)-s[i];
                for (int b = 0; b < n; b++) phi[b] = phi[b] + (2.0 * s[i]) * j[i * n + b];
                accepted++;
            }
        }
        for (int sweep = 0; sweep < burnIn; sweep++) Sweep();
        var states = new sbyte[samples][];
        for (int r = 0; r < samples; r++)
        {
            for (int sweep = 0; sweep < thin; sweep++) Sweep();
            states[r] = (sbyte[])s.Clone();
        }
        return (states, accepted);
    }

    /// <summary>§1 INIT_SPINS: site i from bit 31 of word i&amp;3 of draw i&gt;&gt;2.</summary>
    private static sbyte[] InitSpins(int n, ulong seed)
    {
        var s = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            PhiloxWords w = Philox4x32.Generate((uint)(i >> 2), 0, InitSpinsDomain, 0, (uint)seed, (uint)(seed >> 32));
            uint word = (i & 3) switch { 0 => w.W0, 1 => w.W1, 2 => w.W2, _ => w.W3 };
            s[i] = (word >> 31) != 0 ? (sbyte)1 : (sbyte)-1;
        }
        return s;
    }

    /// <summary>§1 trial draw g of a domain: the site (multiply-shift) and u53(w1, w2).</summary>
    private static (int Site, double U) Draw(ulong g, uint domain, int n, ulong seed)
    {
        PhiloxWords w = Philox4x32.Generate((uint)g, (uint)(g >> 32), domain, 0, (uint)seed, (uint)(seed >> 32));
        int i = (int)(((ulong)w.W0 * (ulong)n) >> 32);
        double u = ((double)(w.W1 >> 5) * 67108864.0 + (double)(w.W2 >> 6)) * (1.0 / 9007199254740992.0);
        return (i, u);
    }

    /// <summary>§4 acceptance, literally: x = β·ΔE, the 37 cut, Metropolis or the SeedCompatible floor.</summary>
    private static bool Accept(double dE, double beta, double u, AcceptanceRule rule)
    {
        double x = beta * dE;
        if (rule == AcceptanceRule.Metropolis) return dE <= 0 || (x < 37.0 && u < DetMath.Exp(-x));
        double p = Math.Max(x < 37.0 ? DetMath.Exp(-x) : 0, 0.1 / (1.0 + beta));
        return dE <= 0 || u < p;
    }

    /// <summary>§4.2: φ_i = (Σ_j J_ij s_j, j ascending) + h_i.</summary>
    private static double[] Fields(int n, double[] j, double[] h, sbyte[] s)
    {
        var phi = new double[n];
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int b = 0; b < n; b++) acc += j[i * n + b] * s[b];
            phi[i] = acc + h[i];
        }
        return phi;
    }

    /// <summary>§9: the §4.2 order in float.</summary>
    private static float[] FieldsSingle(int n, float[] j, float[] h, sbyte[] s)
    {
        var phi = new float[n];
        for (int i = 0; i < n; i++)
        {
            float acc = 0;
            for (int b = 0; b < n; b++) acc += j[i * n + b] * s[b];
            phi[i] = acc + h[i];
        }
        return phi;
    }
}
