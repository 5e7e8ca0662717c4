using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The library's anneal and sampler against a plain transcription of ALGORITHM.md §4: identical final
/// spins, trial and acceptance counts, for both acceptance rules, early stop, adaptive
/// steps, single precision and fields.
/// This is the identity every backend must reproduce.
/// </summary>
[TestFixtureSource(typeof(Engines), nameof(Engines.Available))]
public class ReferenceAnnealTests(BackendKind backend)
{
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(backend);
    [TearDown] public void TearDown() => _engine.Dispose();

    private static IEnumerable<AnnealOptions> Schedules()
    {
        yield return AnnealOptions.Default;
        yield return new AnnealOptions { Steps = 37, TrialsPerStep = 13, BetaStart = 0.05, BetaEnd = 20 };
        yield return new AnnealOptions { Acceptance = AcceptanceRule.SeedCompatible };
        yield return new AnnealOptions { Steps = 300, EarlyStop = new EarlyStop(60, 5) };
        yield return new AnnealOptions { AdaptiveSteps = true, TrialsPerStep = 4 };
        yield return new AnnealOptions { Precision = Precision.Single };
        yield return new AnnealOptions { SweepOrder = SweepOrder.Sequential };
        yield return new AnnealOptions { SweepOrder = SweepOrder.Sequential, Steps = 37, TrialsPerStep = 13, Acceptance = AcceptanceRule.SeedCompatible };
        yield return new AnnealOptions { SweepOrder = SweepOrder.Sequential, Steps = 300, EarlyStop = new EarlyStop(60, 5), Precision = Precision.Single };
        // Steps that end mid-sweep and an early stop that fires inside a run of skipped rejections.
        yield return new AnnealOptions { SweepOrder = SweepOrder.Sequential, Steps = 37, TrialsPerStep = 13, BetaStart = 0.05, BetaEnd = 40, EarlyStop = new EarlyStop(3, 0) };
        yield return new AnnealOptions { SweepOrder = SweepOrder.Sequential, Steps = 400, TrialsPerStep = 7, EarlyStop = new EarlyStop(25, 30) };
    }

    [Test]
    public void MatchesReferenceBitForBit()
    {
        int cases = 0;
        foreach (AnnealOptions options in Schedules())
            for (int k = 0; k < 12; k++)
            {
                int n = 2 + k * 5;
                IsingSystem sys = (k % 3) switch
                {
                    0 => IsingSystem.SeedPattern(n, (ulong)k),
                    1 => IsingSystem.SpinGlass(n, (ulong)k),
                    _ => Systems.Random(n, k, jScale: 1, hScale: 0.5),
                };
                ulong seed = (ulong)k * 0x9E3779B97F4A7C15UL;
                var (spins, trials, accepted) = ReferenceAnneal.Run(sys, seed, options);
                var actual = new sbyte[n];
                AnnealStats stats = _engine.Anneal(sys, seed, actual, options);
                Assert.That(actual, Is.EqualTo(spins), $"spins, n={n}, {options}");
                Assert.That((stats.Trials, stats.Accepted), Is.EqualTo((trials, accepted)), $"counts, n={n}, {options}");
                cases++;
            }
        Assert.That(cases, Is.EqualTo(132));
    }

    [TestCase(AcceptanceRule.Metropolis, true)]
    [TestCase(AcceptanceRule.Metropolis, false)]
    [TestCase(AcceptanceRule.SeedCompatible, true)]
    public void SamplingMatchesReferenceBitForBit(AcceptanceRule rule, bool withSpins)
    {
        for (int k = 0; k < 6; k++)
        {
            int n = 3 + k * 4;
            var source = Systems.Random(n, 40 + k, jScale: 0.7, hScale: 0.3);
            IsingSystem sys = withSpins ? source : IsingSystem.FromArrays(n, source.Couplings, source.Fields);
            double beta = 0.3 + 0.4 * k;
            var (states, accepted) = ReferenceAnneal.Sample(sys, beta, 25, 3, 7, (ulong)k + 1, rule);
            SampleResult r = _engine.Sample(sys, beta, 25, 3, 7, (ulong)k + 1, rule);
            Assert.That(r.States, Is.EqualTo(states), $"states, n={n}");
            Assert.That(r.Accepted, Is.EqualTo(accepted), $"accepted, n={n}");
            Assert.That(r.Trials, Is.EqualTo((7 + 25 * 3) * (long)n), $"trials, n={n}");
        }
    }
}
