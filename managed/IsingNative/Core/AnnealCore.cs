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
    internal const int Block = 128;

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
        var none = default(NoObserver);
        return Run(sys, seed, p, steps, betas, s, phi, ref none);
    }

    /// <summary>
    /// §4 in double precision, telling <paramref name="observer"/> the end of every step (the
    /// same loop: with <see cref="NoObserver"/> the JIT removes the calls).
    /// </summary>
    public static TrialCounts Run<TObs>(SystemView sys, ulong seed, in AnnealParams p, int steps, double* betas,
        sbyte* s, double* phi, ref TObs observer) where TObs : struct, IAnnealObserver
    {
        int n = sys.N;
        RandomStreams.FillInitSpins(seed, n, s);
        InitFields(n, sys.J, sys.H, s, phi);
        bool seedRule = p.Acceptance == (int)AcceptanceRule.SeedCompatible;
        if (p.EarlyStopWindow > 0)
            return seedRule
                ? Schedule<double, SeedCompatibleRule, WithEarlyStop, TObs>(n, sys.J, seed, p, steps, betas, s, phi, ref observer)
                : Schedule<double, MetropolisRule, WithEarlyStop, TObs>(n, sys.J, seed, p, steps, betas, s, phi, ref observer);
        return seedRule
            ? Schedule<double, SeedCompatibleRule, NoEarlyStop, TObs>(n, sys.J, seed, p, steps, betas, s, phi, ref observer)
            : Schedule<double, MetropolisRule, NoEarlyStop, TObs>(n, sys.J, seed, p, steps, betas, s, phi, ref observer);
    }

    /// <summary>
    /// §9 single precision: <paramref name="jf"/> (n*n), <paramref name="hf"/> (n) and
    /// <paramref name="phif"/> (n) are float scratch; J and h are rounded into them once.
    /// </summary>
    public static TrialCounts RunSingle(SystemView sys, ulong seed, in AnnealParams p, int steps, double* betas,
        sbyte* s, float* jf, float* hf, float* phif)
    {
        var none = default(NoObserver);
        return RunSingle(sys, seed, p, steps, betas, s, jf, hf, phif, ref none);
    }

    /// <summary>§9 single precision, telling <paramref name="observer"/> the end of every step.</summary>
    public static TrialCounts RunSingle<TObs>(SystemView sys, ulong seed, in AnnealParams p, int steps, double* betas,
        sbyte* s, float* jf, float* hf, float* phif, ref TObs observer) where TObs : struct, IAnnealObserver
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
                ? Schedule<float, SeedCompatibleRule, WithEarlyStop, TObs>(n, jf, seed, p, steps, betas, s, phif, ref observer)
                : Schedule<float, MetropolisRule, WithEarlyStop, TObs>(n, jf, seed, p, steps, betas, s, phif, ref observer);
        return seedRule
            ? Schedule<float, SeedCompatibleRule, NoEarlyStop, TObs>(n, jf, seed, p, steps, betas, s, phif, ref observer)
            : Schedule<float, MetropolisRule, NoEarlyStop, TObs>(n, jf, seed, p, steps, betas, s, phif, ref observer);
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

    /// <summary>Where β_t comes from: the cached schedule, or computed per step when there is none.</summary>
    internal interface IBetas
    {
        /// <summary>β_t of §4.3.</summary>
        double At(int t);
    }

    /// <summary>The cached §4.3 schedule (the usual case).</summary>
    internal readonly struct TableBetas(double* betas) : IBetas
    {
        private readonly double* _betas = betas;

        public double At(int t) => _betas[t];
    }

    /// <summary>β_t computed step by step (schedules too long to cache).</summary>
    internal readonly struct ComputedBetas(double beta0, double beta1, int steps) : IBetas
    {
        private readonly double _beta0 = beta0, _logRatio = Core.Schedule.LogRatio(beta0, beta1);
        private readonly int _steps = steps;

        public double At(int t) => Core.Schedule.Beta(_beta0, _logRatio, t, _steps);
    }

    /// <summary>What an anneal carries from one block of trials to the next.</summary>
    private struct Progress
    {
        /// <summary>The current step t and the trials left in it.</summary>
        public int T, Left;
        /// <summary>β_t and (SeedCompatible only) its floor 0.1/(1+β_t).</summary>
        public double Beta, Floor;
        /// <summary>Accepted flips so far and the early stop's run of rejections.</summary>
        public long Accepted, Run;
    }

    /// <summary>The schedule with its β source: the cached table when there is one, else β_t computed per step.</summary>
    private static TrialCounts Schedule<T, TRule, TStop, TObs>(int n, T* j, ulong seed, in AnnealParams p, int steps,
        double* betas, sbyte* s, T* phi, ref TObs observer)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IAcceptance where TStop : struct, IEarlyStopMode where TObs : struct, IAnnealObserver
        => betas != null
            ? Schedule<T, TRule, TStop, TableBetas, TObs>(n, j, seed, p, steps, new TableBetas(betas), s, phi, ref observer)
            : Schedule<T, TRule, TStop, ComputedBetas, TObs>(n, j, seed, p, steps,
                new ComputedBetas(p.BetaStart, p.BetaEnd, steps), s, phi, ref observer);

    /// <summary>
    /// The whole §4.4 schedule: blocks of <see cref="Block"/> trials, each first given its
    /// draws, then decided by <see cref="DecideBlock{T,TRule,TStop,TBetas,TObs}"/>. <typeparamref name="T"/>
    /// is the precision of J and φ: <c>double</c> (§4) or <c>float</c> (§9; the decision is
    /// still taken in double, <c>x = β·(double)dE</c>). The JIT compiles one specialised copy
    /// per precision, rule, early-stop mode, β source and observer (<see cref="NoObserver"/>
    /// outside traces, whose empty calls the JIT removes).
    /// </summary>
    private static TrialCounts Schedule<T, TRule, TStop, TBetas, TObs>(int n, T* j, ulong seed, in AnnealParams p, int steps,
        in TBetas betas, sbyte* s, T* phi, ref TObs observer)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IAcceptance where TStop : struct, IEarlyStopMode where TBetas : struct, IBetas
        where TObs : struct, IAnnealObserver
    {
        int k = p.TrialsPerStep;
        ulong total = (ulong)steps * (ulong)k;
        T* twoS = stackalloc T[3];
        twoS[0] = Of<T>(-2);
        twoS[1] = T.Zero;
        twoS[2] = Of<T>(2);
        var chain = new Chain<T>(n, j, s, phi, twoS + 1, k, steps, p.EarlyStopWindow, p.EarlyStopBeta);
        double beta0 = betas.At(0);
        var progress = new Progress
        {
            T = 0, Left = k, Beta = beta0, Floor = TRule.UsesFloor ? Core.Schedule.SeedFloor(beta0) : 0.0,
        };
        // One buffer: sites (as ints) and u; Block entries each.
        double* buf = stackalloc double[2 * Block];
        int* site = (int*)buf;
        double* us = buf + Block;
        bool sequential = p.SweepOrder == (int)SweepOrder.Sequential;
        // Sequential Metropolis passes runs of certain rejections without drawing (SkipFrozen)
        // and draws the rest a few trials at a time, so a lone hot trial in a frozen stretch
        // does not pay for a whole block of draws.
        bool skipping = sequential && !TRule.UsesFloor;
        int blockCap = skipping ? SequentialBlock : Block;
        ulong g = 0;
        while (g < total)
        {
            if (skipping)
            {
                g = SkipFrozen<T, TStop, TBetas, TObs>(chain, g, total, betas, ref progress, out bool stopped, ref observer);
                if (stopped)
                {
                    // The early stop ends the anneal inside step T: that step ends here.
                    observer.StepDone(progress.T, progress.Beta, progress.Accepted, (long)g);
                    return new TrialCounts { Trials = (long)g, Accepted = progress.Accepted };
                }
                if (g >= total) break;
            }
            int cnt = (int)Math.Min((ulong)blockCap, total - g);
            PhiloxBlock.Fill(seed, RandomStreams.AnnealTrial, g, cnt, n, site, us);
            if (sequential) SequentialSites(g, cnt, n, site);
            int stop = DecideBlock<T, TRule, TStop, TBetas, TObs>(chain, site, us, cnt, betas, ref progress, ref observer);
            if (TStop.Enabled && stop >= 0)
            {
                observer.StepDone(progress.T, progress.Beta, progress.Accepted, (long)g + stop + 1);
                return new TrialCounts { Trials = (long)g + stop + 1, Accepted = progress.Accepted };
            }
            g += (ulong)cnt;
        }
        return new TrialCounts { Trials = (long)total, Accepted = progress.Accepted };
    }

    /// <summary>Trials drawn at a time between two frozen-run scans of the sequential order.</summary>
    private const int SequentialBlock = 8;

    /// <summary>
    /// Sequential order, Metropolis: passes the trials from <paramref name="g"/> on that are
    /// rejected without a random number (ΔE &gt; 0 and x = β·ΔE ≥ 37, the very ΔE and x the
    /// decision computes), up to the first trial that may be accepted. Nothing changes while
    /// trials are rejected, so they need neither a draw nor a decision; the step, β and the
    /// early stop's run advance exactly as <see cref="DecideBlock{T,TRule,TStop,TBetas,TObs}"/> would
    /// advance them. Returns the next trial; <paramref name="stopped"/> when the early stop fired
    /// (the return value is then the number of trials run). The observer comes last here and in
    /// <see cref="DecideBlock{T,TRule,TStop,TBetas,TObs}"/>: a seventh argument travels on the
    /// stack, and the no-op observer is never read, so the arguments the loop uses keep their
    /// registers (the disassembly is then that of the loop without an observer).
    /// </summary>
    private static ulong SkipFrozen<T, TStop, TBetas, TObs>(in Chain<T> chain, ulong g, ulong total, in TBetas betas,
        ref Progress progress, out bool stopped, ref TObs observer)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TStop : struct, IEarlyStopMode where TBetas : struct, IBetas where TObs : struct, IAnnealObserver
    {
        int n = chain.N;
        T* phi = chain.Phi;
        sbyte* s = chain.S;
        T* twoS = chain.TwoS;
        stopped = false;
        while (g < total)
        {
            int i = (int)(g % (ulong)n);
            // A run ends at the step's end (β changes), the sweep's end (the site wraps),
            // the schedule's end, or where the early stop would fire.
            long m = Math.Min(Math.Min(progress.Left, n - i), (long)(total - g));
            bool counts = TStop.Enabled && !(progress.Beta < chain.BetaStop);
            if (counts) m = Math.Min(m, chain.Window - progress.Run);
            double beta = progress.Beta;
            int r = 0;
            while (r < m)
            {
                double dE = Widen(twoS[s[i + r]] * phi[i + r]);
                if (!(dE > 0.0) || beta * dE < MetropolisRule.Cut) break;
                r++;
            }
            if (r == 0) return g;
            g += (ulong)r;
            if (TStop.Enabled)
            {
                progress.Run = counts ? progress.Run + r : 0;
                if (progress.Run >= chain.Window)
                {
                    stopped = true;
                    return g;
                }
            }
            progress.Left -= r;
            if (progress.Left == 0)
            {
                observer.StepDone(progress.T, progress.Beta, progress.Accepted, (long)(progress.T + 1) * chain.K);
                // As DecideBlock: past the last step the last β is kept (no trial uses it).
                progress.Left = chain.K;
                if (progress.T + 1 < chain.Steps) progress.T++;
                progress.Beta = betas.At(progress.T);
            }
            if (r < m) return g;
        }
        return g;
    }

    /// <summary>§4.1 sequential order: trial g visits site g mod n; u stays the draw's.</summary>
    private static void SequentialSites(ulong g, int cnt, int n, int* site)
    {
        int i = (int)(g % (ulong)n);
        for (int b = 0; b < cnt; b++)
        {
            site[b] = i;
            if (++i == n) i = 0;
        }
    }

    /// <summary>The fixed inputs of one anneal's trial loop.</summary>
    private readonly struct Chain<T>(int n, T* j, sbyte* s, T* phi, T* twoS, int k, int steps, long window,
        double betaStop)
        where T : unmanaged
    {
        public readonly T* J = j, Phi = phi;
        /// <summary>2·s for s = ±1: <c>TwoS[-1] == -2</c>, <c>TwoS[1] == 2</c>.</summary>
        public readonly T* TwoS = twoS;
        public readonly sbyte* S = s;
        public readonly int N = n, K = k, Steps = steps;
        public readonly long Window = window;
        public readonly double BetaStop = betaStop;
        /// <summary><see cref="MetropolisRule.Cut"/> and <see cref="ExpBracket.Table"/>.</summary>
        public readonly double Cut = MetropolisRule.Cut;
        public readonly double* Brackets = ExpBracket.Table;
    }

    /// <summary>
    /// Decides the <paramref name="cnt"/> trials of one block, advancing the step (β_t, its
    /// floor) exactly when a step's K trials are done; a block may straddle steps. Returns the
    /// index of the trial after which the early stop fired, or -1.
    /// </summary>
    /// <remarks>
    /// Kept out of line on purpose: the loop has no calls (det_exp is inlined), so the JIT
    /// keeps its state in registers. In one method with the draw call and the step
    /// bookkeeping (calls in the same loop nest) it kept the loop counters and β on the
    /// stack, a store/load round trip on every trial.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int DecideBlock<T, TRule, TStop, TBetas, TObs>(in Chain<T> chain, int* site, double* us, int cnt,
        in TBetas betas, ref Progress progress, ref TObs observer)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IAcceptance where TStop : struct, IEarlyStopMode where TBetas : struct, IBetas
        where TObs : struct, IAnnealObserver
    {
        int n = chain.N;
        T* j = chain.J;
        T* phi = chain.Phi;
        sbyte* s = chain.S;
        T* twoS = chain.TwoS;
        // Read through the chain rather than as constants: the JIT then keeps them in
        // registers, where it re-emits a constant (a load or a 10-byte move) on every trial.
        double* brackets = chain.Brackets;
        double cut = chain.Cut;
        int t = progress.T, left = progress.Left;
        double beta = progress.Beta, floor = progress.Floor;
        long accepted = progress.Accepted, run = progress.Run;
        int stop = -1;
        for (nint b = 0, end = cnt; b < end; b++)
        {
            nuint i = (uint)site[b];
            nint si = s[i];
            // (2 s_i) φ_i, the factor ±2 (exact in either precision) looked up by s_i.
            double dE = Widen(twoS[si] * phi[i]);   // exact for float
            double u = us[b];
            // TRule.Accept spelled out as jumps: returned as a bool, the JIT materialised
            // the value and tested it again on every trial. The bracket only skips det_exp
            // (ExpBracket): the decision is exactly x < 37 and u < det_exp(-x).
            if (TRule.AcceptsOutright(dE, u, floor)) goto Flip;
            double x = beta * dE;
            if (!(x < cut)) goto Reject;
            double* bracket = ExpBracket.Slot(brackets, x);
            if (u < bracket[0]) goto Flip;
            if (u >= bracket[1] || !(u < DetMath.Exp(-x))) goto Reject;
        Flip:
            s[i] = (sbyte)-si;
            UpdateFields(n, phi, j + i * (nuint)n, -twoS[si]);
            accepted++;
            if (TStop.Enabled) run = 0;
            goto Next;
        Reject:
            if (TStop.Enabled)
            {
                run = beta < chain.BetaStop ? 0 : run + 1;
                if (run >= chain.Window)
                {
                    stop = (int)b;
                    break;
                }
            }
        Next:
            if (--left == 0)
            {
                observer.StepDone(t, beta, accepted, (long)(t + 1) * chain.K);
                // Past the last step the last β is kept (no trial uses it).
                left = chain.K;
                if (t + 1 < chain.Steps) t++;
                beta = betas.At(t);
                if (TRule.UsesFloor) floor = Core.Schedule.SeedFloor(beta);
            }
        }
        progress.T = t;
        progress.Left = left;
        progress.Beta = beta;
        progress.Floor = floor;
        progress.Accepted = accepted;
        progress.Run = run;
        return stop;
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
