using System.Numerics;
using System.Runtime.CompilerServices;

namespace IsingNative.Core;

/// <summary>
/// The anneal of ALGORITHM.md §4 (double path) and §9 (single-precision path), and the
/// constant-β trial loop of §10 sampling. Allocation-free: the caller provides
/// the spins, the local fields and (for single precision) the float copies.
/// </summary>
/// <remarks>
/// Trials are run in blocks: the Philox draws of a block (which depend only on the trial
/// number, never on the state) are computed first in a branch-free loop, then the
/// decisions are taken. This keeps branch mispredictions of the decisions from stalling
/// the random-number arithmetic and changes no result.
/// </remarks>
internal static unsafe class AnnealCore
{
    /// <summary>Trials whose draws are computed together.</summary>
    internal const int Block = 64;

    /// <summary>
    /// A window of precomputed draws of consecutive trials. It runs ahead across step
    /// (and sweep) boundaries, so a schedule with few trials per step still fills whole
    /// SIMD blocks; it never draws past <see cref="End"/>.
    /// </summary>
    internal struct DrawBuffer
    {
        public int* Site;
        public double* U;
        public int Pos, Len;
        public ulong NextG, End;
        public ulong Seed;
        public uint Domain;
        public int N;

        public DrawBuffer(int* site, double* u, ulong seed, uint domain, int n, ulong firstG, ulong end)
        {
            Site = site; U = u; Seed = seed; Domain = domain; N = n; NextG = firstG; End = end;
        }

        /// <summary>Draws the next block (called when Pos == Len).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Refill()
        {
            int cnt = (int)Math.Min((ulong)Block, End - NextG);
            PhiloxBlock.Fill(Seed, Domain, NextG, cnt, N, Site, U);
            NextG += (ulong)cnt;
            Pos = 0;
            Len = cnt;
        }
    }

    /// <summary>
    /// §4 in double precision. <paramref name="s"/> receives the final spins; <paramref name="phi"/>
    /// is n doubles of scratch. <paramref name="betas"/> is the cached schedule of length
    /// <paramref name="steps"/>, or null to compute β_t per step.
    /// </summary>
    public static TrialCounts Run(SystemView sys, ulong seed, in AnnealParams p, int steps, double* betas,
        sbyte* s, double* phi)
    {
        int n = sys.N;
        RandomStreams.FillInitSpins(seed, n, s);
        InitFields(n, sys.J, sys.H, s, phi);
        bool seedRule = p.Acceptance == (int)AcceptanceRule.SeedCompatible;
        if (p.EarlyStopWindow > 0)
            return seedRule
                ? Schedule<double, SeedCompatibleRule, WithEarlyStop>(n, sys.J, seed, p, steps, betas, s, phi)
                : Schedule<double, MetropolisRule, WithEarlyStop>(n, sys.J, seed, p, steps, betas, s, phi);
        return seedRule
            ? Schedule<double, SeedCompatibleRule, NoEarlyStop>(n, sys.J, seed, p, steps, betas, s, phi)
            : Schedule<double, MetropolisRule, NoEarlyStop>(n, sys.J, seed, p, steps, betas, s, phi);
    }

    /// <summary>
    /// §9 single precision: <paramref name="jf"/> (n*n), <paramref name="hf"/> (n) and
    /// <paramref name="phif"/> (n) are float scratch; J and h are rounded into them once.
    /// </summary>
    public static TrialCounts RunSingle(SystemView sys, ulong seed, in AnnealParams p, int steps, double* betas,
        sbyte* s, float* jf, float* hf, float* phif)
    {
        int n = sys.N;
        long nn = (long)n * n;
        for (long q = 0; q < nn; q++) jf[q] = (float)sys.J[q];
        for (int i = 0; i < n; i++) hf[i] = (float)sys.H[i];
        RandomStreams.FillInitSpins(seed, n, s);
        InitFieldsSingle(n, jf, hf, s, phif);
        bool seedRule = p.Acceptance == (int)AcceptanceRule.SeedCompatible;
        if (p.EarlyStopWindow > 0)
            return seedRule
                ? Schedule<float, SeedCompatibleRule, WithEarlyStop>(n, jf, seed, p, steps, betas, s, phif)
                : Schedule<float, MetropolisRule, WithEarlyStop>(n, jf, seed, p, steps, betas, s, phif);
        return seedRule
            ? Schedule<float, SeedCompatibleRule, NoEarlyStop>(n, jf, seed, p, steps, betas, s, phif)
            : Schedule<float, MetropolisRule, NoEarlyStop>(n, jf, seed, p, steps, betas, s, phif);
    }

    /// <summary>§4.2: φ_i = (Σ_j J_ij s_j, j ascending) + h_i.</summary>
    public static void InitFields(int n, double* j, double* h, sbyte* s, double* phi)
    {
        RowSums.Full(n, j, s, phi);
        for (int i = 0; i < n; i++) phi[i] = phi[i] + h[i];
    }

    /// <summary>§9: the §4.2 order in float.</summary>
    public static void InitFieldsSingle(int n, float* j, float* h, sbyte* s, float* phi)
    {
        for (int i = 0; i < n; i++)
        {
            float* row = j + (long)i * n;
            float acc = 0.0f;
            for (int k = 0; k < n; k++) acc += row[k] * s[k];
            phi[i] = acc + h[i];
        }
    }

    /// <summary>Whether the early stop is compiled into the trial loop.</summary>
    internal interface IEarlyStopMode
    {
        static abstract bool Enabled { get; }
    }

    internal struct NoEarlyStop : IEarlyStopMode
    {
        public static bool Enabled => false;
    }

    internal struct WithEarlyStop : IEarlyStopMode
    {
        public static bool Enabled => true;
    }

    /// <summary>The schedule's position: β_t and what depends on it, advanced once per step.</summary>
    private struct StepState
    {
        private readonly double* _betas;
        private readonly double _beta0, _logRatio;
        private readonly int _steps;
        private int _t;
        public double Beta, Floor;

        public StepState(in AnnealParams p, int steps, double* betas)
        {
            _betas = betas;
            _beta0 = p.BetaStart;
            _logRatio = betas == null ? Core.Schedule.LogRatio(p.BetaStart, p.BetaEnd) : 0.0;
            _steps = steps;
            _t = 0;
            Beta = Floor = 0;
            Set();
        }

        /// <summary>Moves to the next step (past the last one it keeps the last β; no trial uses it).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Next()
        {
            if (_t + 1 < _steps) _t++;
            Set();
        }

        private void Set()
        {
            Beta = _betas != null ? _betas[_t] : Core.Schedule.Beta(_beta0, _logRatio, _t, _steps);
            Floor = Core.Schedule.SeedFloor(Beta);
        }
    }

    /// <summary>
    /// The whole §4.4 schedule as one flat loop over the trials. Each block of 64 trials
    /// first gets its draws, then is decided in runs of constant β (a run ends at the
    /// block's or the step's end), so the decision loop has no step bookkeeping and no
    /// calls, and the JIT keeps it in registers. <typeparamref name="T"/> is the precision of
    /// J and φ: <c>double</c> (§4) or <c>float</c> (§9; the decision is still taken in double,
    /// <c>x = β·(double)dE</c>). The JIT compiles one specialised copy per precision.
    /// </summary>
    private static TrialCounts Schedule<T, TRule, TStop>(int n, T* j, ulong seed, in AnnealParams p, int steps,
        double* betas, sbyte* s, T* phi)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IAcceptance where TStop : struct, IEarlyStopMode
    {
        var st = new StepState(p, steps, betas);
        int k = p.TrialsPerStep;
        ulong total = (ulong)steps * (ulong)k;
        long window = p.EarlyStopWindow;
        double betaStop = p.EarlyStopBeta;
        // One buffer: sites (as ints) and u; Block entries each.
        double* buf = stackalloc double[2 * Block];
        int* site = (int*)buf;
        double* us = buf + Block;

        int left = k; // trials left in the current step
        double beta = st.Beta, floor = TRule.UsesFloor ? st.Floor : 0.0;
        long run = 0, accepted = 0;
        for (ulong g = 0; g < total; g += Block)
        {
            int cnt = (int)Math.Min((ulong)Block, total - g);
            PhiloxBlock.Fill(seed, RandomStreams.AnnealTrial, g, cnt, n, site, us);
            // The block in runs of constant β: a run ends with the block or with the step.
            for (int b = 0; b < cnt;)
            {
                int end = Math.Min(cnt, b + left);
                left -= end - b;
                for (; b < end; b++)
                {
                    int i = site[b];
                    int si = s[i];
                    // (2 s_i) φ_i: 2 s_i is ±2, exact in either precision.
                    T dET = Of<T>(2 * si) * phi[i];
                    double dE = Widen(dET);   // exact for float
                    if (TRule.Accept(dE, beta * dE, us[b], floor))
                    {
                        s[i] = (sbyte)-si;
                        UpdateFields(n, phi, j + (long)i * n, Of<T>(-2 * si));
                        accepted++;
                        if (TStop.Enabled) run = 0;
                    }
                    else if (TStop.Enabled)
                    {
                        run = beta < betaStop ? 0 : run + 1;
                        if (run >= window)
                            return new TrialCounts { Trials = (long)g + b + 1, Accepted = accepted };
                    }
                }
                if (left == 0)
                {
                    left = k;
                    st.Next();
                    beta = st.Beta;
                    if (TRule.UsesFloor) floor = st.Floor;
                }
            }
        }
        return new TrialCounts { Trials = (long)total, Accepted = accepted };
    }

    /// <summary>
    /// Runs the next <paramref name="count"/> trials of <paramref name="draws"/>' stream at
    /// constant β (§10 sampling: no schedule, no early stop), keeping φ incrementally.
    /// </summary>
    internal static void RunTrials<TRule>(int n, double* j, sbyte* s, double* phi, long count, double beta,
        ref DrawBuffer draws, ref TrialCounts counts)
        where TRule : struct, IAcceptance
    {
        double floor = TRule.UsesFloor ? Core.Schedule.SeedFloor(beta) : 0.0;
        long accepted = counts.Accepted;
        long done = 0;
        while (done < count)
        {
            if (draws.Pos == draws.Len) draws.Refill();
            int start = draws.Pos;
            int cnt = (int)Math.Min(draws.Len - start, count - done);
            int* site = draws.Site + start;
            double* us = draws.U + start;
            draws.Pos = start + cnt;
            for (int b = 0; b < cnt; b++)
            {
                int i = site[b];
                int si = s[i];
                double dE = (2.0 * si) * phi[i];
                if (TRule.Accept(dE, beta * dE, us[b], floor))
                {
                    s[i] = (sbyte)-si;
                    UpdateFields(n, phi, j + (long)i * n, 2.0 * -si);
                    accepted++;
                }
            }
            done += cnt;
        }
        counts.Accepted = accepted;
        counts.Trials += done;
    }

    /// <summary>The small integer <paramref name="v"/> (±2) in <typeparamref name="T"/>; the type test is a JIT-time constant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Of<T>(int v) where T : unmanaged =>
        typeof(T) == typeof(double) ? (T)(object)(double)v : (T)(object)(float)v;

    /// <summary><paramref name="x"/> as a double (exact for float); the type test is a JIT-time constant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Widen<T>(T x) where T : unmanaged =>
        typeof(T) == typeof(double) ? (double)(object)x : (float)(object)x;

    /// <summary>
    /// φ_j = φ_j + d·J_ij for every j, in <typeparamref name="T"/> (double, or float for §9):
    /// independent updates, so vectorised; a separate multiply and add, never an FMA.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void UpdateFields<T>(int n, T* phi, T* row, T d) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int q = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            var dv = new Vector<T>(d);
            for (; q <= n - Vector<T>.Count; q += Vector<T>.Count)
            {
                Vector<T> prod = dv * Vector.Load(row + q);
                Vector.Store(Vector.Load(phi + q) + prod, phi + q);
            }
        }
        for (; q < n; q++) phi[q] = phi[q] + d * row[q];
    }
}
