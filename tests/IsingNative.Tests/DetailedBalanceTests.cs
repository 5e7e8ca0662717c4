using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Fixed-β sampling (MODEL.md §3, ALGORITHM.md §10) against the exact Boltzmann
/// distribution from enumerating all 2^n states. Metropolis satisfies detailed balance and
/// must match; the SeedCompatible rule does not and must visibly miss.
/// </summary>
[TestFixtureSource(typeof(Engines), nameof(Engines.Available))]
public class DetailedBalanceTests(BackendKind backend)
{
    // Samples per chain and sweeps between recorded samples. With |φ| of order 1 and β ≤ 1.5,
    // a single site relaxes in a few visits; 10 sweeps (10 visits per site) between records
    // makes consecutive samples nearly independent.
    private const int Samples = 40_000;
    private const int Thin = 10;
    private const int BurnIn = 200;

    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(backend);
    [TearDown] public void TearDown() => _engine.Dispose();

    /// <summary>
    /// Expected TVD between the exact p and the empirical histogram of M independent samples:
    /// each count is Binomial(M, p_s) with E|p̂_s - p_s| ≈ sqrt(2 p_s (1-p_s) / (π M))
    /// (normal approximation; capped at 2 p_s, its exact upper bound, for rare states), and
    /// TVD = ½ Σ |p̂_s - p_s|. By Cauchy–Schwarz this is at most sqrt(S/(2πM)) for S states.
    /// The TVD is a sum of S nearly independent terms, so its spread is far below its mean;
    /// 3× the mean leaves room for residual autocorrelation (which inflates the variance
    /// by the integrated autocorrelation time) without hiding a wrong distribution.
    /// </summary>
    private static double ExpectedTvd(double[] p, int m) =>
        0.5 * p.Sum(ps => Math.Min(Math.Sqrt(2 * ps * (1 - ps) / (Math.PI * m)), 2 * ps));

    private (double Tvd, double Bound, SampleResult Result) Measure(IsingSystem sys, double beta, ulong seed, AcceptanceRule rule)
    {
        double[] exact = Reference.Boltzmann(Reference.EnumerateEnergies(sys), beta);
        SampleResult r = _engine.Sample(sys, beta, Samples, Thin, BurnIn, seed, rule);
        var empirical = new double[exact.Length];
        foreach (sbyte[] s in r.States) empirical[Reference.IndexOf(s)] += 1.0 / r.States.Length;
        double tvd = Reference.TotalVariation(exact, empirical);
        double bound = 3 * ExpectedTvd(exact, Samples);
        TestContext.Out.WriteLine($"n={sys.Size} beta={beta} {rule}: TVD {tvd:F4}, bound {bound:F4}, acceptance {r.Acceptance:F3}");
        return (tvd, bound, r);
    }

    /// <summary>A system with couplings and fields of order 1 (fields break Z2, so mixing is fast).</summary>
    private static IsingSystem Glassy(int n, int seed) => Systems.Random(n, seed, jScale: 0.5, hScale: 0.3);

    /// <summary>Weak random couplings in a strong uniform field h = 2: flips against the field cost ΔE ≈ 4.</summary>
    private static IsingSystem StrongField(int n, int seed)
    {
        var rng = new Random(seed);
        return IsingSystem.FromArrays(n, Systems.RandomCouplings(n, rng, 0.2), Enumerable.Repeat(2.0, n).ToArray(),
            Systems.RandomSpins(n, rng));
    }

    [TestCase(5, 0.5)]
    [TestCase(5, 1.5)]
    [TestCase(6, 1.0)]
    public void MetropolisMatchesBoltzmann(int n, double beta)
    {
        var (tvd, bound, r) = Measure(Glassy(n, n * 10 + (int)(beta * 10)), beta, 17, AcceptanceRule.Metropolis);
        Assert.That(r.States, Has.Length.EqualTo(Samples));
        Assert.That(tvd, Is.LessThan(bound));
    }

    [Test]
    public void MetropolisMatchesBoltzmannWithZ2SymmetricFerromagnet()
    {
        // h = 0, ferromagnetic J = 0.5: both ground states must be visited equally.
        const int n = 4;
        var j = new double[n * n];
        for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) if (a != b) j[a * n + b] = 0.5;
        var sys = IsingSystem.FromArrays(n, j, new double[n], [1, 1, 1, 1]);
        var (tvd, bound, _) = Measure(sys, 0.5, 3, AcceptanceRule.Metropolis);
        Assert.That(tvd, Is.LessThan(bound));
    }

    [Test]
    public void MetropolisMatchesBoltzmannInStrongField()
    {
        var (tvd, bound, _) = Measure(StrongField(5, 1), 1.0, 5, AcceptanceRule.Metropolis);
        Assert.That(tvd, Is.LessThan(bound));
    }

    [Test]
    public void SeedCompatibleRuleDoesNotMatchBoltzmann()
    {
        // In a strong field h = 2 at β = 1, a spin against the field costs ΔE ≈ 4: Metropolis
        // accepts that with e^-4 ≈ 0.018, the SeedCompatible floor with 0.1/(1+β) = 0.05.
        // Each spin is then down with probability ≈ 0.05/1.05 ≈ 0.048 instead of
        // e^-4/(1+e^-4) ≈ 0.018, so P(all 5 up) ≈ 0.78 instead of ≈ 0.91: TVD ≈ 0.13,
        // many times the statistical bound (≈ 0.005 here).
        var sys = StrongField(5, 1);
        var (metropolis, bound, _) = Measure(sys, 1.0, 5, AcceptanceRule.Metropolis);
        var (seedCompatible, _, _) = Measure(sys, 1.0, 5, AcceptanceRule.SeedCompatible);
        Assert.That(metropolis, Is.LessThan(bound), "control: Metropolis matches on the same system");
        Assert.That(seedCompatible, Is.GreaterThan(Math.Max(5 * bound, 0.05)));
    }

    [Test]
    public void RecordedEnergiesAndAcceptanceAreConsistent()
    {
        var sys = Glassy(6, 2);
        SampleResult r = _engine.Sample(sys, 0.7, 500, 2, 10, 9);
        Assert.That(r.Energies, Has.Length.EqualTo(500));
        for (int k = 0; k < r.States.Length; k++)
        {
            Assert.That(r.States[k], Has.Length.EqualTo(6));
            Assert.That(r.States[k], Is.All.EqualTo((sbyte)1).Or.EqualTo((sbyte)-1));
            Assert.That(r.Energies[k], Is.EqualTo(Reference.Energy(sys, r.States[k])).Within(1e-12), $"sample {k}");
        }
        Assert.That(r.Acceptance, Is.EqualTo((double)r.Accepted / r.Trials).Within(1e-15));
        // Burn-in plus 500 records of 2 sweeps of n trials each, give or take one record.
        Assert.That(r.Trials, Is.InRange((10 + 2 * 499) * 6L, (10 + 2 * 501) * 6L));
    }

    [Test]
    public void ZeroTemperatureChainNeverGoesUphillAndEndsInALocalMinimum()
    {
        // At β = 1e9 Metropolis only accepts ΔE ≤ 0 (any ΔE > 4e-8 gives x > 37: rejected).
        // If the incrementally kept local fields were stale, the chain would take uphill
        // steps or stop at a state that is not a local minimum of the true energy.
        for (int seed = 0; seed < 40; seed++)
        {
            var sys = Systems.Random(24, 500 + seed, jScale: 1, hScale: 0.2);
            SampleResult r = _engine.Sample(sys, 1e9, 30, 1, 0, (ulong)seed);
            for (int k = 1; k < r.Energies.Length; k++)
                Assert.That(r.Energies[k], Is.LessThanOrEqualTo(r.Energies[k - 1] + 1e-12), $"seed {seed}, sample {k}");
            sbyte[] last = r.States[^1];
            for (int i = 0; i < sys.Size; i++)
            {
                double dE = 2 * last[i] * Reference.LocalField(sys.Size, sys.Couplings, sys.Fields, last, i);
                Assert.That(dE, Is.GreaterThanOrEqualTo(-1e-12), $"seed {seed}: site {i} could still go downhill");
            }
        }
    }
}
