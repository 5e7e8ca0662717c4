using System.Globalization;

namespace IsingNative.Cli.Validation;

/// <summary>
/// The physics half of <c>ising validate</c>: the sampled chain against the exact Boltzmann
/// distribution, the seed-compatible rule's measured deviation, ΔE consistency and the
/// anneal's ground state against enumeration. Every check runs on the caller's engine.
/// </summary>
internal static class PhysicsChecks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Samples drawn per detailed-balance check: tight bounds, still well under a second.</summary>
    private const int Samples = 400_000;

    /// <summary>
    /// Fixed-β Metropolis sampling on a small system must converge to Boltzmann. The bound on
    /// the total-variation distance is derived in the detail text from the exact kernel.
    /// </summary>
    public static Check DetailedBalance(IsingEngine engine, string label, IsingSystem system, double beta, ulong seed) =>
        Check.Run($"detailed-balance-{label}", () =>
        {
            var model = new ExactModel(system);
            var boltzmann = model.Boltzmann(beta);
            var kernel = model.Kernel(AcceptanceRule.Metropolis, beta);

            // The rule itself: π_x P_xy = π_y P_yx for every pair, exactly up to rounding.
            double worstBalance = 0;
            var m = model.States;
            for (var x = 0; x < m; x++)
                for (var y = x + 1; y < m; y++)
                    worstBalance = Math.Max(worstBalance, Math.Abs(boltzmann[x] * kernel[x * m + y] - boltzmann[y] * kernel[y * m + x]));

            var chain = ChainStatistics(model, kernel);
            var r = engine.Sample(system, beta, Samples, chain.Thin, chain.BurnIn, seed, AcceptanceRule.Metropolis);
            var empirical = model.Histogram(r.States);
            var tv = ExactModel.TotalVariation(empirical, boltzmann);
            var bound = TvBound(boltzmann, chain.Tau, Samples);
            var passed = tv < bound && worstBalance < 1e-15;
            var detail = string.Create(Inv,
                $"n={system.Size}, β={beta}, {Samples} states (1 every {chain.Thin} sweeps after {chain.BurnIn} burn-in sweeps): " +
                $"TV(sampled, Boltzmann) = {tv:0.000e+0} {(tv < bound ? "<" : ">=")} bound {bound:0.000e+0}. " +
                $"Bound = 3·½Σ_s√(p_s(1-p_s)·τ/M): by Jensen E[TV] ≤ ½Σ_s√Var(p̂_s), and Var(p̂_s) ≤ p_s(1-p_s)·τ/M for M stationary samples with correlation time " +
                $"τ = (1+λ)/(1-λ) = {chain.Tau:F2}, λ = λ₁^(n·thin) = {chain.Lambda:F4} from the exact kernel's second eigenvalue modulus " +
                $"(the reversible-chain bound on the integrated autocorrelation of any indicator); the factor 3 covers the fluctuation of TV about its mean. " +
                $"Exact kernel: max|π_x P_xy - π_y P_yx| = {worstBalance:0.0e+0}; acceptance {r.Acceptance:F4}.");
            return new Check($"detailed-balance-{label}", passed, detail);
        });

    /// <summary>
    /// The seed-compatible rule (accept with at least 0.1/(1+β)) must be shown to deviate from
    /// Boltzmann, while its samples match the rule's own exact stationary distribution.
    /// </summary>
    public static Check SeedCompatibleDeviates(IsingEngine engine, IsingSystem system, double beta, ulong seed) =>
        Check.Run("seed-compatible-deviates", () =>
        {
            var model = new ExactModel(system);
            var boltzmann = model.Boltzmann(beta);
            var kernel = model.Kernel(AcceptanceRule.SeedCompatible, beta);
            var stationary = model.Stationary(kernel);
            var exactGap = ExactModel.TotalVariation(stationary, boltzmann);

            var chain = ChainStatistics(model, kernel);
            var r = engine.Sample(system, beta, Samples, chain.Thin, chain.BurnIn, seed, AcceptanceRule.SeedCompatible);
            var empirical = model.Histogram(r.States);
            var toBoltzmann = ExactModel.TotalVariation(empirical, boltzmann);
            var toOwn = ExactModel.TotalVariation(empirical, stationary);
            // The kernel is not reversible, so τ from λ is an estimate here, not a theorem.
            var bound = TvBound(stationary, chain.Tau, Samples);
            var passed = exactGap > 2 * bound && toBoltzmann > bound && toOwn < bound;
            var detail = string.Create(Inv,
                $"n={system.Size}, β={beta}, floor 0.1/(1+β) = {0.1 / (1 + beta):F4}: the rule's exact stationary distribution is " +
                $"TV {exactGap:0.000e+0} away from Boltzmann (no detailed balance). {Samples} sampled states: " +
                $"TV to Boltzmann {toBoltzmann:0.000e+0} (> noise bound {bound:0.000e+0}: deviation detected), " +
                $"TV to the rule's own stationary law {toOwn:0.000e+0} (< bound: the engine implements the rule faithfully). " +
                $"Bound as in detailed-balance with τ = {chain.Tau:F2} (estimate: kernel not reversible).");
            return new Check("seed-compatible-deviates", passed, detail);
        });

    /// <summary>
    /// The incremental ΔE = 2 s_i φ_i, with φ kept by the O(n) update of ALGORITHM.md §4,
    /// must match the change of the full O(n²) energy after every flip; and the anneal must
    /// report the full energy of the spins it returns.
    /// </summary>
    public static Check DeltaEnergy(IsingEngine engine, ulong seed) => Check.Run("delta-energy-consistency", () =>
    {
        var details = new List<string>();
        var passed = true;
        foreach (var (label, system) in new[] { ("seed n=24", IsingSystem.SeedPattern(24, seed)), ("spin-glass n=33", IsingSystem.SpinGlass(33, seed + 1)) })
        {
            var clone = system.Clone();
            var n = clone.Size;
            var j = clone.Couplings;
            var s = clone.Spins.ToArray();
            var phi = LocalFields(j, clone.Fields, s);
            var energy = clone.Energy();
            var tracked = energy;
            double worst = 0;
            var rng = new Random(unchecked((int)seed) ^ n);
            const int flips = 2000;
            for (var t = 0; t < flips; t++)
            {
                var i = rng.Next(n);
                var dE = (2.0 * s[i]) * phi[i];
                s[i] = (sbyte)-s[i];
                for (var k = 0; k < n; k++) phi[k] += (2.0 * s[i]) * j[i * n + k];
                clone.SetSpins(s);
                var full = clone.Energy();
                worst = Math.Max(worst, Math.Abs(full - (energy + dE)) / Math.Max(1, Math.Abs(full)));
                tracked += dE;
                energy = full;
            }
            var fresh = LocalFields(j, clone.Fields, s);
            var phiDrift = phi.Zip(fresh, (a, b) => Math.Abs(a - b)).Max();
            var trackDrift = Math.Abs(tracked - energy);
            var engineEnergy = engine.Observe(clone).Energy;

            var spins = new sbyte[n];
            var stats = engine.Anneal(system, seed, spins, new AnnealOptions { Steps = 200, TrialsPerStep = 10 });
            clone.SetSpins(spins);
            var annealGap = Math.Abs(stats.Energy - clone.Energy());

            var ok = worst <= 1e-12 && phiDrift <= 1e-10 && trackDrift <= 1e-9 && engineEnergy == energy && annealGap == 0;
            passed &= ok;
            details.Add(string.Create(Inv,
                $"{label}: {flips} flips, max |E_after - (E_before + 2s_iφ_i)|/max(1,|E|) = {worst:0.0e+0} (≤ 1e-12), " +
                $"incremental φ drift {phiDrift:0.0e+0} (≤ 1e-10), summed ΔE drift {trackDrift:0.0e+0} (≤ 1e-9), " +
                $"{engine.BackendName} energy {(engineEnergy == energy ? "identical to" : "differs from")} the model's, " +
                $"anneal-reported energy {(annealGap == 0 ? "equals" : "differs from")} the full energy of its spins"));
        }
        return new Check("delta-energy-consistency", passed, string.Join("; ", details));
    });

    /// <summary>A slow anneal of a 12-spin system must reach the exact ground state found by enumeration.</summary>
    public static Check GroundState(IsingEngine engine, ulong seed) => Check.Run("anneal-ground-state", () =>
    {
        var details = new List<string>();
        var passed = true;
        var options = new AnnealOptions { Steps = 2000, TrialsPerStep = 10 };
        foreach (var (label, system) in new[] { ("seed n=12", IsingSystem.SeedPattern(12, seed)), ("spin-glass n=12", IsingSystem.SpinGlass(12, seed + 7)) })
        {
            var model = new ExactModel(system);
            var ground = model.Energies.Min();
            var best = double.PositiveInfinity;
            var spins = new sbyte[system.Size];
            const int tries = 4;
            for (var k = 0; k < tries; k++)
                best = Math.Min(best, engine.Anneal(system, seed + (ulong)k, spins, options).Energy);
            var ok = Math.Abs(best - ground) <= 1e-9 * Math.Max(1, Math.Abs(ground));
            passed &= ok;
            details.Add(string.Create(Inv,
                $"{label}: best of {tries} anneals ({options.Steps}×{options.TrialsPerStep} trials) E = {best:F9}, enumeration of {model.States} states E_min = {ground:F9}{(ok ? "" : " (MISSED)")}"));
        }
        return new Check("anneal-ground-state", passed, string.Join("; ", details));
    });

    private readonly record struct ChainParameters(int Thin, int BurnIn, double Lambda, double Tau);

    /// <summary>
    /// Chain settings from the kernel's second eigenvalue modulus λ₁ (per trial): states
    /// <c>thin·n</c> trials apart have correlation factor λ = λ₁^(thin·n); thin is the smallest
    /// number of sweeps with λ ≤ 0.5 (so τ ≤ 3 and the bound stays tight), and the burn-in
    /// makes the starting state's influence smaller than 1e-9.
    /// </summary>
    private static ChainParameters ChainStatistics(ExactModel model, double[] kernel)
    {
        var lambdaTrial = model.SecondEigenvalueModulus(kernel);
        var perSweep = Math.Pow(lambdaTrial, model.N);
        var thin = perSweep <= 0.5 ? 1 : (int)Math.Clamp(Math.Ceiling(Math.Log(0.5) / Math.Log(perSweep)), 1, 50);
        var lambda = Math.Pow(perSweep, thin);
        var tau = (1 + lambda) / (1 - lambda);
        var burnIn = perSweep <= 0 ? 1 : (int)Math.Clamp(Math.Ceiling(Math.Log(1e-9) / Math.Log(perSweep)), 1, 100_000);
        return new ChainParameters(thin, burnIn, lambda, tau);
    }

    /// <summary>Three times the expected TV of M correlated samples of <paramref name="p"/> (see the detail texts).</summary>
    private static double TvBound(ReadOnlySpan<double> p, double tau, int samples)
    {
        double sum = 0;
        foreach (var ps in p) sum += Math.Sqrt(ps * (1 - ps) * tau / samples);
        return 3 * 0.5 * sum;
    }

    private static double[] LocalFields(ReadOnlySpan<double> j, ReadOnlySpan<double> h, ReadOnlySpan<sbyte> s)
    {
        var n = h.Length;
        var phi = new double[n];
        for (var i = 0; i < n; i++)
        {
            double acc = 0;
            for (var k = 0; k < n; k++) acc += j[i * n + k] * s[k];
            phi[i] = acc + h[i];
        }
        return phi;
    }
}
