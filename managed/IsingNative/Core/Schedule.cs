namespace IsingNative.Core;

/// <summary>The geometric β schedule of ALGORITHM.md §4.3.</summary>
internal static class Schedule
{
    /// <summary>L = det_log(β1/β0), the log-ratio shared by every step.</summary>
    public static double LogRatio(double beta0, double beta1) => DetMath.Log(beta1 / beta0);

    /// <summary>β_t = β0 · det_exp((L·t)/T).</summary>
    public static double Beta(double beta0, double logRatio, int t, int steps)
        => beta0 * DetMath.Exp((logRatio * (double)t) / (double)steps);

    /// <summary>Fills the whole schedule (for caching: it is the same for every anneal with the same options).</summary>
    public static void Fill(double beta0, double beta1, Span<double> betas)
    {
        double l = LogRatio(beta0, beta1);
        for (int t = 0; t < betas.Length; t++) betas[t] = Beta(beta0, l, t, betas.Length);
    }

    /// <summary>The SeedCompatible acceptance floor 0.1/(1+β).</summary>
    public static double SeedFloor(double beta) => 0.1 / (1.0 + beta);
}
