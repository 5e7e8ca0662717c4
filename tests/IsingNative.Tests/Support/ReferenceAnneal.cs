using IsingNative.Core;

namespace IsingNative.Tests.Support;

/// <summary>
/// A deliberately plain transcription of ALGORITHM.md §4 (and §9 single precision): no blocking, no
/// vectorisation, local fields recomputed from scratch, only the library's tested primitives
/// (Philox4x32, DetMath). The library's anneal must match it bit for bit.
/// </summary>
internal static class ReferenceAnneal
{
    public static (sbyte[] Spins, long Trials, long Accepted) Run(IsingSystem sys, ulong seed, AnnealOptions o)
    {
        if (o.Precision == Precision.Single) return RunSingle(sys, seed, o);
        int n = sys.Size;
        double[] j = sys.Couplings.ToArray(), h = sys.Fields.ToArray();
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        var s = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            PhiloxWords w = Philox4x32.Generate((uint)(i >> 2), 0, 1, 0, k0, k1);
            uint word = (i & 3) switch { 0 => w.W0, 1 => w.W1, 2 => w.W2, _ => w.W3 };
            s[i] = (word >> 31) != 0 ? (sbyte)1 : (sbyte)-1;
        }
        var phi = new double[n];
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int b = 0; b < n; b++) acc += j[i * n + b] * s[b];
            phi[i] = acc + h[i];
        }
        int steps = o.StepsFor(n), trialsPerStep = o.TrialsPerStep;
        double logRatio = DetMath.Log(o.BetaEnd / o.BetaStart);
        long trials = 0, accepted = 0, run = 0;
        for (int t = 0; t < steps; t++)
        {
            double beta = o.BetaStart * DetMath.Exp((logRatio * t) / steps);
            for (int k = 0; k < trialsPerStep; k++)
            {
                ulong g = (ulong)t * (ulong)trialsPerStep + (ulong)k;
                PhiloxWords w = Philox4x32.Generate((uint)g, (uint)(g >> 32), 2, 0, k0, k1);
                int i = (int)(((ulong)w.W0 * (ulong)n) >> 32);
                double u = ((double)(w.W1 >> 5) * 67108864.0 + (double)(w.W2 >> 6)) * (1.0 / 9007199254740992.0);
                double dE = (2.0 * s[i]) * phi[i];
                double x = beta * dE;
                bool accept;
                if (o.Acceptance == AcceptanceRule.Metropolis)
                    accept = dE <= 0 || (x < 37.0 && u < DetMath.Exp(-x));
                else
                {
                    double floor = 0.1 / (1.0 + beta);
                    double p = x < 37.0 ? DetMath.Exp(-x) : 0;
                    p = Math.Max(p, floor);
                    accept = dE <= 0 || u < p;
                }
                trials++;
                if (accept)
                {
                    s[i] = (sbyte)-s[i];
                    for (int b = 0; b < n; b++) phi[b] = phi[b] + (2.0 * s[i]) * j[i * n + b];
                    accepted++;
                }
                if (o.EarlyStop is { } es)
                {
                    run = accept || beta < es.BetaThreshold ? 0 : run + 1;
                    if (run >= es.Window) return (s, trials, accepted);
                }
            }
        }
        return (s, trials, accepted);
    }

    /// <summary>§9: J, h, φ and ΔE in float; the acceptance in double from x = β·(double)ΔE.</summary>
    private static (sbyte[] Spins, long Trials, long Accepted) RunSingle(IsingSystem sys, ulong seed, AnnealOptions o)
    {
        int n = sys.Size;
        float[] j = sys.Couplings.ToArray().Select(v => (float)v).ToArray();
        float[] h = sys.Fields.ToArray().Select(v => (float)v).ToArray();
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        var s = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            PhiloxWords w = Philox4x32.Generate((uint)(i >> 2), 0, 1, 0, k0, k1);
            uint word = (i & 3) switch { 0 => w.W0, 1 => w.W1, 2 => w.W2, _ => w.W3 };
            s[i] = (word >> 31) != 0 ? (sbyte)1 : (sbyte)-1;
        }
        var phi = new float[n];
        for (int i = 0; i < n; i++)
        {
            float acc = 0;
            for (int b = 0; b < n; b++) acc += j[i * n + b] * s[b];
            phi[i] = acc + h[i];
        }
        int steps = o.StepsFor(n), trialsPerStep = o.TrialsPerStep;
        double logRatio = DetMath.Log(o.BetaEnd / o.BetaStart);
        long trials = 0, accepted = 0;
        for (int t = 0; t < steps; t++)
        {
            double beta = o.BetaStart * DetMath.Exp((logRatio * t) / steps);
            for (int k = 0; k < trialsPerStep; k++)
            {
                ulong g = (ulong)t * (ulong)trialsPerStep + (ulong)k;
                PhiloxWords w = Philox4x32.Generate((uint)g, (uint)(g >> 32), 2, 0, k0, k1);
                int i = (int)(((ulong)w.W0 * (ulong)n) >> 32);
                double u = ((double)(w.W1 >> 5) * 67108864.0 + (double)(w.W2 >> 6)) * (1.0 / 9007199254740992.0);
                float dE = (2.0f * s[i]) * phi[i];
                double x = beta * (double)dE;
                bool accept = dE <= 0 || (x < 37.0 && u < DetMath.Exp(-x));
                trials++;
                if (accept)
                {
                    s[i] = (sbyte)-s[i];
                    for (int b = 0; b < n; b++) phi[b] = phi[b] + (2.0f * s[i]) * j[i * n + b];
                    accepted++;
                }
            }
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
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        sbyte[] s = sys.Spins.ToArray();
        if (!sys.HasSpins)
            for (int i = 0; i < n; i++)
            {
                PhiloxWords w = Philox4x32.Generate((uint)(i >> 2), 0, 1, 0, k0, k1);
                uint word = (i & 3) switch { 0 => w.W0, 1 => w.W1, 2 => w.W2, _ => w.W3 };
                s[i] = (word >> 31) != 0 ? (sbyte)1 : (sbyte)-1;
            }
        var phi = new double[n];
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int b = 0; b < n; b++) acc += j[i * n + b] * s[b];
            phi[i] = acc + h[i];
        }
        ulong g = 0;
        long accepted = 0;
        void Sweep()
        {
            for (int k = 0; k < n; k++, g++)
            {
                PhiloxWords w = Philox4x32.Generate((uint)g, (uint)(g >> 32), 3, 0, k0, k1);
                int i = (int)(((ulong)w.W0 * (ulong)n) >> 32);
                double u = ((double)(w.W1 >> 5) * 67108864.0 + (double)(w.W2 >> 6)) * (1.0 / 9007199254740992.0);
                double dE = (2.0 * s[i]) * phi[i];
                double x = beta * dE;
                bool accept = rule == AcceptanceRule.Metropolis
                    ? dE <= 0 || (x < 37.0 && u < DetMath.Exp(-x))
                    : dE <= 0 || u < Math.Max(x < 37.0 ? DetMath.Exp(-x) : 0, 0.1 / (1.0 + beta));
                if (!accept) continue;
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
}
