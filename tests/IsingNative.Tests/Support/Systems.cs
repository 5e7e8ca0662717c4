namespace IsingNative.Tests.Support;

/// <summary>Builders of small test systems from a test-local <see cref="Random"/>.</summary>
internal static class Systems
{
    /// <summary>
    /// Random empathy options over the whole option space (both precisions, acceptance
    /// rules and sweep orders, adaptive steps, early stop, cooling to a lower β, the weight
    /// presets and random weights), 1..<paramref name="maxSteps"/> steps of
    /// 1..<paramref name="maxTrials"/> trials. Draws from <paramref name="rng"/> in a fixed
    /// order, so a fixed seed gives the same scenarios.
    /// </summary>
    public static EmpathyOptions RandomEmpathyOptions(Random rng, int maxSteps, int maxTrials)
    {
        var anneal = new AnnealOptions
        {
            Steps = 1 + rng.Next(maxSteps),
            TrialsPerStep = 1 + rng.Next(maxTrials),
            BetaStart = 0.01 + rng.NextDouble(),
            BetaEnd = rng.Next(4) == 0 ? 0.05 + rng.NextDouble() : 1 + rng.NextDouble() * 3000,   // sometimes cooling to a lower β
            AdaptiveSteps = rng.Next(5) == 0,
            Acceptance = rng.Next(2) == 0 ? AcceptanceRule.Metropolis : AcceptanceRule.SeedCompatible,
            Precision = rng.Next(2) == 0 ? Precision.Double : Precision.Single,
            EarlyStop = rng.Next(3) == 0 ? new EarlyStop(1 + rng.Next(200), rng.NextDouble() * 50) : null,
            SweepOrder = rng.Next(3) == 0 ? SweepOrder.Sequential : SweepOrder.Random,
        };
        var weights = rng.Next(3) switch
        {
            0 => EmpathyWeights.Default,
            1 => EmpathyWeights.SeedCode,
            _ => new EmpathyWeights(rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble() + 1e-3),
        };
        return new EmpathyOptions { Anneal = anneal, Weights = weights };
    }

    /// <summary>A symmetric, zero-diagonal matrix with entries <c>scale·N(0,1)</c> (each bond kept with probability <paramref name="density"/>).</summary>
    public static double[] RandomCouplings(int n, Random rng, double scale = 1.0, double density = 1.0)
    {
        var j = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                if (rng.NextDouble() >= density) continue;
                j[a * n + b] = j[b * n + a] = scale * Gaussian(rng);
            }
        return j;
    }

    /// <summary>Fields <c>scale·N(0,1)</c>.</summary>
    public static double[] RandomFields(int n, Random rng, double scale)
    {
        var h = new double[n];
        for (int i = 0; i < n; i++) h[i] = scale * Gaussian(rng);
        return h;
    }

    /// <summary>Uniform random ±1 spins.</summary>
    public static sbyte[] RandomSpins(int n, Random rng)
    {
        var s = new sbyte[n];
        for (int i = 0; i < n; i++) s[i] = (sbyte)(rng.Next(2) == 0 ? -1 : 1);
        return s;
    }

    /// <summary>A random system with Gaussian couplings and fields and random spins.</summary>
    public static IsingSystem Random(int n, int seed, double jScale = 1.0, double hScale = 0.0)
    {
        var rng = new Random(seed);
        return IsingSystem.FromArrays(n, RandomCouplings(n, rng, jScale), RandomFields(n, rng, hScale), RandomSpins(n, rng));
    }

    /// <summary>The spins negated.</summary>
    public static sbyte[] Negated(ReadOnlySpan<sbyte> s)
    {
        var r = new sbyte[s.Length];
        for (int i = 0; i < s.Length; i++) r[i] = (sbyte)-s[i];
        return r;
    }

    private static double Gaussian(Random rng)
    {
        // Box–Muller; 1 - NextDouble() is in (0, 1] so the log is finite.
        double u = 1.0 - rng.NextDouble(), v = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}
