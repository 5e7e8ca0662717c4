using System.Runtime.CompilerServices;

namespace IsingNative.Core;

/// <summary>
/// An acceptance rule of ALGORITHM.md §4, as a struct type argument so the JIT
/// specialises and inlines the trial loop for each rule (no virtual call per trial).
/// Both rules are "accept outright on a rule-specific condition, else the Metropolis
/// test": <c>Accept = AcceptsOutright || MetropolisRule.Exact</c>.
/// </summary>
internal interface IAcceptance
{
    /// <summary>
    /// Decides a proposed flip: <paramref name="dE"/> = ΔE, x = β·ΔE, u uniform,
    /// floor = 0.1/(1+β).
    /// </summary>
    static abstract bool Accept(double dE, double x, double u, double floor);

    /// <summary>The rule's own accepting condition, checked before the Metropolis test.</summary>
    static abstract bool AcceptsOutright(double dE, double u, double floor);

    /// <summary>Whether the rule uses the floor 0.1/(1+β) (so it is computed once per β).</summary>
    static abstract bool UsesFloor { get; }
}

/// <summary>
/// Metropolis: accept iff ΔE ≤ 0 or (x &lt; 37 and u &lt; det_exp(-x)); the second test is
/// decided through <see cref="ExpBracket"/>, which gives exactly the same answer.
/// </summary>
internal struct MetropolisRule : IAcceptance
{
    /// <summary>exp(-37) &lt; 2^-53: beyond it det_exp could only matter when u == 0.</summary>
    internal const double Cut = 37.0;

    public static bool UsesFloor => false;

    // One short-circuit expression (not early returns): inlined into a trial loop it
    // becomes plain conditional jumps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Accept(double dE, double x, double u, double floor) => dE <= 0.0 || Exact(x, u);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AcceptsOutright(double dE, double u, double floor) => dE <= 0.0;

    /// <summary>The contract's decision for ΔE &gt; 0: x &lt; 37 and u &lt; det_exp(-x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Exact(double x, double u) => x < Cut && ExpBracket.Below(u, x);
}

/// <summary>
/// The original code's rule: p = max(det_exp(-x) or 0 beyond the cut, floor); accept iff
/// ΔE ≤ 0 or u &lt; p, i.e. iff ΔE ≤ 0 or u &lt; floor or the Metropolis test accepts.
/// </summary>
internal struct SeedCompatibleRule : IAcceptance
{
    public static bool UsesFloor => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Accept(double dE, double x, double u, double floor)
        => AcceptsOutright(dE, u, floor) || MetropolisRule.Exact(x, u);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AcceptsOutright(double dE, double u, double floor) => dE <= 0.0 || u < floor;
}
