namespace IsingNative.Core;

/// <summary>
/// Fixed-β sampling of ALGORITHM.md §10: the §4 trial loop at constant β in the
/// SAMPLE_TRIAL domain, a sweep being n trials.
/// </summary>
internal static unsafe class Sampling
{
    /// <summary>
    /// Runs <paramref name="burnIn"/> sweeps, then <paramref name="samples"/> times: runs
    /// <paramref name="thin"/> sweeps and records the state (into <paramref name="states"/>,
    /// samples*n) and its §3 energy. <paramref name="s"/> holds the starting spins on entry
    /// (the caller copies the system's spins or fills INIT_SPINS) and the last state on exit.
    /// </summary>
    public static TrialCounts Run(SystemView sys, double beta, int samples, int thin, int burnIn, ulong seed,
        AcceptanceRule rule, sbyte* s, double* phi, sbyte* states, double* energies)
    {
        int n = sys.N;
        AnnealCore.InitFields(n, sys.J, sys.H, s, phi);
        TrialCounts counts = default;
        int* site = stackalloc int[AnnealCore.Block];
        double* us = stackalloc double[AnnealCore.Block];
        ulong total = ((ulong)burnIn + (ulong)samples * (ulong)thin) * (ulong)n;
        var draws = new AnnealCore.DrawBuffer(site, us, seed, RandomStreams.SampleTrial, n, 0, total);
        for (int sweep = 0; sweep < burnIn; sweep++) Sweep(sys, beta, rule, s, phi, ref draws, ref counts);
        for (int r = 0; r < samples; r++)
        {
            for (int sweep = 0; sweep < thin; sweep++) Sweep(sys, beta, rule, s, phi, ref draws, ref counts);
            sbyte* dst = states + (long)r * n;
            for (int i = 0; i < n; i++) dst[i] = s[i];
            energies[r] = ObservablesCore.Energy(n, sys.J, sys.H, s);
        }
        return counts;
    }

    /// <summary>One sweep (n trials) continuing the chain's trial numbering.</summary>
    private static void Sweep(SystemView sys, double beta, AcceptanceRule rule, sbyte* s, double* phi,
        ref AnnealCore.DrawBuffer draws, ref TrialCounts counts)
    {
        if (rule == AcceptanceRule.SeedCompatible)
            AnnealCore.RunTrials<SeedCompatibleRule>(sys.N, sys.J, s, phi, sys.N, beta, ref draws, ref counts);
        else
            AnnealCore.RunTrials<MetropolisRule>(sys.N, sys.J, s, phi, sys.N, beta, ref draws, ref counts);
    }
}
