using System.Runtime.CompilerServices;

namespace IsingNative.Core;

/// <summary>
/// An acceptance rule of ALGORITHM.md §4, as a struct type argument so the JIT
/// specialises and inlines the trial loop for each rule (no virtual call per trial).
/// </summary>
internal interface IAcceptance
{
    /// <summary>
    /// Decides a proposed flip: <paramref name="dE"/> = ΔE, x = β·ΔE, u uniform,
    /// <paramref name="negLogU"/> ≈ -ln(u) (or NaN), floor = 0.1/(1+β).
    /// </summary>
    static abstract bool Accept(double dE, double x, double u, double negLogU, double floor);

    /// <summary>Whether the rule uses the floor 0.1/(1+β) (so it is computed once per β).</summary>
    static abstract bool UsesFloor { get; }
}

/// <summary>
/// Metropolis: accept iff ΔE ≤ 0 or (x &lt; 37 and u &lt; det_exp(-x)).
/// </summary>
/// <remarks>
/// Fast path, same decisions: with L = -ln u known to within ε = 1e-8 (ℓ = negLogU) and
/// det_exp accurate to a relative η &lt; 1e-14, x &lt; ℓ - δ (δ = 1e-6) implies
/// det_exp(-x) ≥ e^-x(1-η) &gt; u·e^(δ-ε)(1-η) &gt; u, and x &lt; ℓ - δ &lt; 28 &lt; 37 because ℓ
/// is NaN when u &lt; 2^-40; likewise x &gt; ℓ + δ implies det_exp(-x) &lt; u. Only when
/// |x - ℓ| ≤ δ (probability ~1e-6 per trial) or ℓ is NaN is det_exp evaluated.
/// </remarks>
internal struct MetropolisRule : IAcceptance
{
    /// <summary>exp(-37) &lt; 2^-53: beyond it det_exp could only matter when u == 0.</summary>
    internal const double Cut = 37.0;

    /// <summary>Half-width of the band around -ln u where the decision is taken exactly.</summary>
    internal const double Delta = 1e-6;

    public static bool UsesFloor => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Accept(double dE, double x, double u, double negLogU, double floor)
    {
        if (dE <= 0.0) return true;
        if (x < negLogU - Delta) return true;
        if (x > negLogU + Delta) return false;
        return Exact(x, u);
    }

    /// <summary>The contract's decision for ΔE &gt; 0, evaluated literally.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Exact(double x, double u) => x < Cut && u < DetMath.Exp(-x);
}

/// <summary>
/// The original code's rule: p = max(det_exp(-x) or 0 beyond the cut, floor); accept iff
/// ΔE ≤ 0 or u &lt; p, i.e. iff ΔE ≤ 0 or u &lt; floor or the Metropolis test accepts
/// (decided with the same certain fast path).
/// </summary>
internal struct SeedCompatibleRule : IAcceptance
{
    public static bool UsesFloor => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Accept(double dE, double x, double u, double negLogU, double floor)
    {
        if (dE <= 0.0 || u < floor) return true;
        if (x < negLogU - MetropolisRule.Delta) return true;
        if (x > negLogU + MetropolisRule.Delta) return false;
        return MetropolisRule.Exact(x, u);
    }
}
