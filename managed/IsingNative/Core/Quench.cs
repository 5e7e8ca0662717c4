using System.Buffers;

namespace IsingNative.Core;

/// <summary>
/// The §7.1 quench estimate: the other's J, h quenched at zero temperature from all +1 (no
/// random numbers), scored against the other's actual spins by the §5 scoring of the full
/// empathy. The managed twin of <c>native/src/core/quench.h</c>, bit for bit.
/// </summary>
internal static unsafe class Quench
{
    /// <summary>A quench still flipping after this many sweeps stops there (core::kQuenchMaxSweeps).</summary>
    public const int MaxSweeps = 100;

    /// <summary>Scratch of up to this many spins lives on the stack (as the native kStackQuenchSpins).</summary>
    private const int StackSpins = 1024;

    /// <summary>
    /// §7.1: s = +1 everywhere, φ by §4 step 2, then sweeps i = 0..n-1 flipping s_i iff
    /// (2·s_i)·φ_i &lt; 0 (strictly) with the anneal's field update, until a sweep flips nothing
    /// or <see cref="MaxSweeps"/> sweeps ran. Returns the sweeps run.
    /// </summary>
    public static int Run(int n, double* j, double* h, sbyte* s, double* phi)
    {
        for (int i = 0; i < n; i++) s[i] = 1;
        AnnealCore.InitFields(n, j, h, s, phi);
        for (int sweep = 1; sweep <= MaxSweeps; sweep++)
        {
            bool flipped = false;
            for (int i = 0; i < n; i++)
            {
                double dE = (2.0 * s[i]) * phi[i];
                if (dE < 0.0)
                {
                    s[i] = (sbyte)-s[i];
                    AnnealCore.UpdateFields(n, phi, j + (long)i * n, 2.0 * s[i]);
                    flipped = true;
                }
            }
            if (!flipped) return sweep;
        }
        return MaxSweeps;
    }

    /// <summary>
    /// The part of the quench estimate that depends on the other alone: its J, h quenched and
    /// compared with its actual spins (§5 steps 2–5), given <paramref name="actualEnergy"/>, the
    /// §3 energy of its actual spins. A batch computes it once per distinct other.
    /// </summary>
    public static EmpathyParts Parts(SystemView other, double actualEnergy)
    {
        int n = other.N;
        if (n <= StackSpins)
        {
            sbyte* s = stackalloc sbyte[n];
            double* phi = stackalloc double[n];
            Run(n, other.J, other.H, s, phi);
            return Scoring.Parts(other, actualEnergy, s);
        }
        sbyte[] sa = ArrayPool<sbyte>.Shared.Rent(n);
        double[] pa = ArrayPool<double>.Shared.Rent(n);
        try
        {
            fixed (sbyte* s = sa)
            fixed (double* phi = pa)
            {
                Run(n, other.J, other.H, s, phi);
                return Scoring.Parts(other, actualEnergy, s);
            }
        }
        finally
        {
            ArrayPool<sbyte>.Shared.Return(sa);
            ArrayPool<double>.Shared.Return(pa);
        }
    }

    /// <summary>
    /// The quench estimate from the other's <paramref name="parts"/> and the §6 similarity
    /// <paramref name="c"/>: the empathy's §5 score of the quenched state, c, and
    /// |E(quenched) − E(actual)|.
    /// </summary>
    public static QuickEstimate Of(in EmpathyParts parts, double c, in ScoreWeights w)
        => new(Scoring.Score(w, parts.Overlap, parts.EnergyError, c, parts.MagnetizationError), c,
            Math.Abs(parts.PredictedEnergy - parts.ActualEnergy));

    /// <summary>One pair: <see cref="Of"/> of <see cref="Parts"/>.</summary>
    public static QuickEstimate Estimate(SystemView other, double actualEnergy, double c, in ScoreWeights w)
        => Of(Parts(other, actualEnergy), c, w);
}

/// <summary>The parameters of a quick-estimate batch (the C API's <c>isn_estimate_options</c>).</summary>
internal readonly struct QuickParams(QuickMethod method, double scale, ScoreWeights weights)
{
    /// <summary>Which estimate.</summary>
    public readonly QuickMethod Method = method;
    /// <summary><see cref="QuickMethod.Seed"/>'s energy scale (finite, &gt; 0).</summary>
    public readonly double Scale = scale;
    /// <summary><see cref="QuickMethod.Quench"/>'s score weights.</summary>
    public readonly ScoreWeights Weights = weights;

    /// <summary>Validates the public arguments (naming each and its value) and packs them.</summary>
    public static QuickParams From(QuickMethod method, EmpathyOptions? options, double scale)
    {
        if (method is not (QuickMethod.Seed or QuickMethod.Quench))
            throw new ArgumentOutOfRangeException(nameof(method), method,
                $"method must be QuickMethod.Seed (0) or QuickMethod.Quench (1), got {(int)method}.");
        if (!double.IsFinite(scale) || scale <= 0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale must be finite and > 0, got {Validation.Fmt(scale)}.");
        options ??= EmpathyOptions.Default;
        options.Validate();
        return new QuickParams(method, scale, ScoreWeights.From(options.Weights));
    }
}
