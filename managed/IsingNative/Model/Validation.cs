using System.Globalization;

namespace IsingNative;

/// <summary>
/// Input checks of ALGORITHM.md §12. Every check runs before anything is stored, so a
/// failed call changes nothing; messages name the argument and the offending value.
/// </summary>
internal static class Validation
{
    /// <summary>Relative tolerance of the symmetry and zero-diagonal checks.</summary>
    internal const double Tolerance = 1e-12;

    /// <summary>
    /// The accepted magnitude of every coupling and field (ALGORITHM.md §12 derives it):
    /// within it every quantity of MODEL.md is finite for every n ≤ 16384, so every backend
    /// refuses the same inputs (the constants are the C header's).
    /// </summary>
    internal const double MaxMagnitude = IsingNative.Interop.IsingNativeApi.ISN_MAX_MAGNITUDE;

    /// <summary>The accepted range of every inverse temperature β (ALGORITHM.md §12).</summary>
    internal const double MinBeta = IsingNative.Interop.IsingNativeApi.ISN_MIN_BETA;

    /// <inheritdoc cref="MinBeta"/>
    internal const double MaxBeta = IsingNative.Interop.IsingNativeApi.ISN_MAX_BETA;

    internal static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    internal static void CheckSize(int n, string param)
    {
        if (n < 1 || n > IsingSystem.MaxSize)
            throw new ArgumentOutOfRangeException(param, n, $"{param} must be in [1, {IsingSystem.MaxSize}], got {n}.");
    }

    internal static void CheckCouplings(int n, ReadOnlySpan<double> j, string param)
    {
        long expected = (long)n * n;
        if (j.Length != expected)
            throw new ArgumentException($"{param}: expected {expected} values (n={n}, n*n row-major), got {j.Length}.", param);
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                double v = j[r * n + c];
                if (!double.IsFinite(v))
                    throw new ArgumentException($"{param}: J[{r},{c}]={Fmt(v)} is not finite.", param);
                if (Math.Abs(v) > MaxMagnitude)
                    throw new ArgumentException(
                        $"{param}: J[{r},{c}]={Fmt(v)} exceeds the magnitude bound {Fmt(MaxMagnitude)} (|J_ij| <= 1e30).", param);
            }
        }
        for (int r = 0; r < n; r++)
        {
            double d = j[r * n + r];
            if (Math.Abs(d) > Tolerance)
                throw new ArgumentException($"{param}: J[{r},{r}]={Fmt(d)} but the diagonal must be 0 (tolerance 1e-12).", param);
            for (int c = r + 1; c < n; c++)
            {
                double a = j[r * n + c], b = j[c * n + r];
                double scale = Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(b)));
                if (Math.Abs(a - b) > Tolerance * scale)
                    throw new ArgumentException($"{param}: J[{r},{c}]={Fmt(a)} but J[{c},{r}]={Fmt(b)} (not symmetric).", param);
            }
        }
    }

    /// <summary>Stores a checked matrix: upper triangle mirrored, diagonal exactly 0.</summary>
    internal static void StoreCouplings(int n, ReadOnlySpan<double> src, Span<double> dst)
    {
        for (int r = 0; r < n; r++)
        {
            dst[r * n + r] = 0.0;
            for (int c = r + 1; c < n; c++)
            {
                double v = src[r * n + c];
                dst[r * n + c] = v;
                dst[c * n + r] = v;
            }
        }
    }

    internal static void CheckFields(int n, ReadOnlySpan<double> h, string param)
    {
        if (h.Length != n)
            throw new ArgumentException($"{param}: expected {n} values, got {h.Length}.", param);
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(h[i]))
                throw new ArgumentException($"{param}: h[{i}]={Fmt(h[i])} is not finite.", param);
            if (Math.Abs(h[i]) > MaxMagnitude)
                throw new ArgumentException(
                    $"{param}: h[{i}]={Fmt(h[i])} exceeds the magnitude bound {Fmt(MaxMagnitude)} (|h_i| <= 1e30).", param);
        }
    }

    internal static void CheckSpins(int n, ReadOnlySpan<sbyte> s, string param)
    {
        if (s.Length != n)
            throw new ArgumentException($"{param}: expected {n} spins, got {s.Length}.", param);
        for (int i = 0; i < n; i++)
            if (s[i] != 1 && s[i] != -1)
                throw new ArgumentException($"{param}: s[{i}]={s[i]} but spins must be +1 or -1.", param);
    }

    internal static void CheckSameSize(IsingSystem a, IsingSystem b, string paramA, string paramB)
    {
        if (a.Size != b.Size)
            throw new ArgumentException($"{paramB}: size {b.Size} differs from {paramA}'s size {a.Size}; equal n is required.", paramB);
    }

    /// <summary>β in [<see cref="MinBeta"/>, <see cref="MaxBeta"/>] (NaN fails).</summary>
    internal static void CheckBeta(double beta, string param)
    {
        if (!(beta >= MinBeta && beta <= MaxBeta))
            throw new ArgumentOutOfRangeException(param, beta,
                $"{param} must be in [{Fmt(MinBeta)}, {Fmt(MaxBeta)}], got {Fmt(beta)}.");
    }

    internal static void CheckFinite(double v, string param)
    {
        if (!double.IsFinite(v))
            throw new ArgumentOutOfRangeException(param, v, $"{param} must be finite, got {Fmt(v)}.");
    }

    internal static void CheckUnit(double v, string param)
    {
        if (!double.IsFinite(v) || v < 0 || v > 1)
            throw new ArgumentOutOfRangeException(param, v, $"{param} must be in [0, 1], got {Fmt(v)}.");
    }
}
