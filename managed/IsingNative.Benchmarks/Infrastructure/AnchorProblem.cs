namespace IsingNative.Benchmarks.Infrastructure;

/// <summary>
/// The problem D-Wave <c>neal</c> was measured on for WORKLOADS.md's anchor: a dense
/// ferromagnet with every <c>J_ij</c> (i &lt; j) uniform in [0.35, 1.3] and every <c>h_i</c>
/// uniform in [-0.05, 0.05], annealed over 50 sweeps with the default geometric schedule
/// β 0.1 → 0.1·e¹⁰.
/// </summary>
/// <remarks>
/// The values come from <see cref="Random"/> with a fixed seed rather than the library's own
/// generators: the anchor is an external problem, and this keeps it independent of the
/// library's code under test. <see cref="Random(int)"/> with a seed is deterministic across
/// .NET versions, so every run anneals the same matrix.
/// </remarks>
internal static class AnchorProblem
{
    /// <summary>Sweeps of the anchor's schedule.</summary>
    public const int Sweeps = 50;

    /// <summary>
    /// Anneal options matching the anchor: 50 steps of <paramref name="n"/> trials each (one sweep
    /// per β value, 50·n single-spin trials), β geometric from 0.1 to 0.1·e¹⁰, Metropolis, double.
    /// </summary>
    public static AnnealOptions Options(int n) => new()
    {
        Steps = Sweeps,
        TrialsPerStep = n,
        BetaStart = 0.1,
        BetaEnd = 0.1 * Math.Exp(10),
    };

    /// <summary>Trials of one anneal of the anchor problem of size <paramref name="n"/>.</summary>
    public static int TrialsPerAnneal(int n) => Sweeps * n;

    /// <summary>Builds the dense ferromagnet of size <paramref name="n"/> from <paramref name="seed"/>.</summary>
    public static IsingSystem Create(int n, int seed)
    {
        var random = new Random(seed);
        var couplings = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double value = 0.35 + (1.3 - 0.35) * random.NextDouble();
                couplings[i * n + j] = value;
                couplings[j * n + i] = value; // symmetric, zero diagonal (ALGORITHM §12)
            }
        }

        var fields = new double[n];
        for (int i = 0; i < n; i++)
            fields[i] = -0.05 + 0.1 * random.NextDouble();

        // No spins: an anneal starts from its own random spins (ALGORITHM §4.1).
        return IsingSystem.FromArrays(n, couplings, fields);
    }
}
