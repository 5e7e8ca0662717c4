using System.Globalization;

namespace IsingNative;

/// <summary>The weights of the empathy score (MODEL.md §6); finite, ≥ 0, not all zero.</summary>
/// <param name="Overlap">Weight of the state overlap.</param>
/// <param name="Energy">Weight of <c>max(0, 1 - energyError)</c>.</param>
/// <param name="Coupling">Weight of the coupling similarity.</param>
/// <param name="Magnetization">Weight of <c>1 - min(1, magnetizationError)</c>.</param>
public sealed record EmpathyWeights(double Overlap, double Energy, double Coupling, double Magnetization)
{
    /// <summary>The default weighting 0.4 / 0.3 / 0.3 / 0.0.</summary>
    public static EmpathyWeights Default { get; } = new(0.4, 0.3, 0.3, 0.0);

    /// <summary>The original research code's other weighting 0.30 / 0.0 / 0.60 / 0.10.</summary>
    public static EmpathyWeights SeedCode { get; } = new(0.30, 0.0, 0.60, 0.10);

    /// <summary>Throws <see cref="ArgumentException"/> unless every weight is finite and ≥ 0 and one is positive.</summary>
    internal void Validate(string paramName)
    {
        Check(Overlap, nameof(Overlap), paramName);
        Check(Energy, nameof(Energy), paramName);
        Check(Coupling, nameof(Coupling), paramName);
        Check(Magnetization, nameof(Magnetization), paramName);
        if (Overlap == 0 && Energy == 0 && Coupling == 0 && Magnetization == 0)
            throw new ArgumentException($"{paramName}: the empathy weights are all 0 ({this}).", paramName);
    }

    private static void Check(double w, string name, string paramName)
    {
        if (!double.IsFinite(w) || w < 0)
            throw new ArgumentOutOfRangeException(paramName, w,
                $"{paramName}: weight {name} must be finite and >= 0, got {w.ToString("R", CultureInfo.InvariantCulture)}.");
    }
}

/// <summary>Everything an empathy computation needs besides the systems and the seed.</summary>
public sealed record EmpathyOptions
{
    /// <summary>The anneal of the other's couplings. Default <see cref="AnnealOptions.Default"/>.</summary>
    public AnnealOptions Anneal { get; init; } = AnnealOptions.Default;

    /// <summary>The score weights. Default <see cref="EmpathyWeights.Default"/>.</summary>
    public EmpathyWeights Weights { get; init; } = EmpathyWeights.Default;

    /// <summary>The default options.</summary>
    public static EmpathyOptions Default { get; } = new();

    /// <summary>Validates the anneal options and the weights.</summary>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Anneal, nameof(Anneal));
        ArgumentNullException.ThrowIfNull(Weights, nameof(Weights));
        Anneal.Validate();
        Weights.Validate(nameof(Weights));
    }
}
