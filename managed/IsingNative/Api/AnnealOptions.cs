using System.Globalization;

namespace IsingNative;

/// <summary>How a proposed flip with ΔE &gt; 0 is accepted (ALGORITHM.md §4).</summary>
public enum AcceptanceRule
{
    /// <summary>
    /// Accept with probability <c>min(1, exp(-β ΔE))</c>. Satisfies detailed balance at
    /// fixed β: the stationary distribution is Boltzmann.
    /// </summary>
    Metropolis,

    /// <summary>
    /// The original research code's rule: probability <c>max(exp(-β ΔE), 0.1/(1+β))</c>,
    /// capped at 1. Kept only to reproduce old score distributions; it does NOT satisfy
    /// detailed balance.
    /// </summary>
    SeedCompatible,
}

/// <summary>Arithmetic precision of the anneal's local fields (ALGORITHM.md §9).</summary>
public enum Precision
{
    /// <summary>binary64 everywhere (the default and the reference).</summary>
    Double,
    /// <summary>J, h and the local fields in binary32; decisions and energies in double.</summary>
    Single,
}

/// <summary>Which site each anneal trial visits (ALGORITHM.md §4.1).</summary>
public enum SweepOrder
{
    /// <summary>A uniformly random site per trial (MODEL.md §3; the default).</summary>
    Random,
    /// <summary>
    /// Site <c>g mod n</c> for trial g, as D-Wave's <c>neal</c> sweeps: a different (equally
    /// valid) chain, whose random numbers are drawn only where a decision needs one. Each
    /// trial is still a Metropolis update of one site, so at fixed β the Boltzmann
    /// distribution stays stationary (global balance; the sweep as a whole is not reversible).
    /// </summary>
    Sequential,
}

/// <summary>
/// Early stop (Tier 2c): stop once no trial was accepted during the last
/// <paramref name="Window"/> trials that all ran at β ≥ <paramref name="BetaThreshold"/>.
/// </summary>
/// <param name="Window">Number of consecutive rejected trials, ≥ 1.</param>
/// <param name="BetaThreshold">β from which rejected trials count, in [0, 1e30] (ALGORITHM.md §12).</param>
public sealed record EarlyStop(int Window, double BetaThreshold);

/// <summary>The annealing schedule and rules (ALGORITHM.md §4, limits §12).</summary>
public sealed record AnnealOptions
{
    /// <summary>Largest allowed <see cref="Steps"/>.</summary>
    internal const int MaxSteps = Interop.IsingNativeApi.ISN_MAX_STEPS;
    /// <summary>Largest allowed <see cref="TrialsPerStep"/>.</summary>
    internal const int MaxTrialsPerStep = Interop.IsingNativeApi.ISN_MAX_TRIALS_PER_STEP;
    /// <summary>Largest allowed total trial count of one anneal.</summary>
    internal const long MaxTotalTrials = Interop.IsingNativeApi.ISN_MAX_TOTAL_TRIALS;

    /// <summary>Number of β steps T (ignored when <see cref="AdaptiveSteps"/> is set). Default 100.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Trials per β step K. Default 10.</summary>
    public int TrialsPerStep { get; init; } = 10;

    /// <summary>β of the first step, in [1e-30, 1e30] (ALGORITHM.md §12). Default 0.1.</summary>
    public double BetaStart { get; init; } = 0.1;

    /// <summary>
    /// 0.1·e^10 written as the double literal (the same bits as <c>0.1 * Math.Exp(10)</c> with a
    /// correctly rounded exp), so the default schedule never depends on a platform's libm.
    /// The native C API's default uses the same literal.
    /// </summary>
    internal const double DefaultBetaEnd = 2202.646579480672;

    /// <summary>β the geometric schedule approaches (reached at t = T), in [1e-30, 1e30]. Default <c>0.1·e^10</c>.</summary>
    public double BetaEnd { get; init; } = DefaultBetaEnd;

    /// <summary>When set, T = 50 + n/10 (integer division) instead of <see cref="Steps"/>.</summary>
    public bool AdaptiveSteps { get; init; }

    /// <summary>The acceptance rule. Default <see cref="AcceptanceRule.Metropolis"/>.</summary>
    public AcceptanceRule Acceptance { get; init; } = AcceptanceRule.Metropolis;

    /// <summary>The precision of the local fields. Default <see cref="Precision.Double"/>.</summary>
    public Precision Precision { get; init; } = Precision.Double;

    /// <summary>The order the trials visit the sites. Default <see cref="SweepOrder.Random"/>.</summary>
    public SweepOrder SweepOrder { get; init; } = SweepOrder.Random;

    /// <summary>Optional early stop; null (the default) runs every trial.</summary>
    public EarlyStop? EarlyStop { get; init; }

    /// <summary>The default options (100 steps × 10 trials, β 0.1 → 0.1·e^10, Metropolis, double).</summary>
    public static AnnealOptions Default { get; } = new();

    /// <summary>The number of β steps for a system of <paramref name="n"/> spins.</summary>
    /// <param name="n">The system size.</param>
    /// <returns><c>50 + n/10</c> when <see cref="AdaptiveSteps"/> is set, else <see cref="Steps"/>.</returns>
    public int StepsFor(int n) => AdaptiveSteps ? 50 + n / 10 : Steps;

    /// <summary>
    /// Checks every value against ALGORITHM.md §12; throws <see cref="ArgumentException"/>
    /// (or <see cref="ArgumentOutOfRangeException"/>) naming the property and its value.
    /// </summary>
    public void Validate()
    {
        if (!AdaptiveSteps && (Steps < 1 || Steps > MaxSteps))
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"Steps must be in [1, {MaxSteps}], got {Steps}.");
        if (TrialsPerStep < 1 || TrialsPerStep > MaxTrialsPerStep)
            throw new ArgumentOutOfRangeException(nameof(TrialsPerStep), TrialsPerStep,
                $"TrialsPerStep must be in [1, {MaxTrialsPerStep}], got {TrialsPerStep}.");
        if (!AdaptiveSteps && (long)Steps * TrialsPerStep > MaxTotalTrials)
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps,
                $"Steps*TrialsPerStep must be at most 1e11, got {Steps}*{TrialsPerStep}.");
        CheckBeta(BetaStart, nameof(BetaStart));
        CheckBeta(BetaEnd, nameof(BetaEnd));
        if (!Enum.IsDefined(Acceptance))
            throw new ArgumentOutOfRangeException(nameof(Acceptance), Acceptance, $"Acceptance has an unknown value {(int)Acceptance}.");
        if (!Enum.IsDefined(Precision))
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, $"Precision has an unknown value {(int)Precision}.");
        if (!Enum.IsDefined(SweepOrder))
            throw new ArgumentOutOfRangeException(nameof(SweepOrder), SweepOrder, $"SweepOrder has an unknown value {(int)SweepOrder}.");
        if (EarlyStop is { } es)
        {
            if (es.Window < 1)
                throw new ArgumentOutOfRangeException(nameof(EarlyStop), es.Window,
                    $"EarlyStop.Window must be >= 1, got {es.Window}.");
            if (!(es.BetaThreshold >= 0 && es.BetaThreshold <= Validation.MaxBeta))
                throw new ArgumentOutOfRangeException(nameof(EarlyStop), es.BetaThreshold,
                    $"EarlyStop.BetaThreshold must be in [0, {Fmt(Validation.MaxBeta)}], got {Fmt(es.BetaThreshold)}.");
        }
    }

    private static void CheckBeta(double beta, string name) => Validation.CheckBeta(beta, name);

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
