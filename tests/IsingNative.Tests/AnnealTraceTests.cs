using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// <see cref="IsingEngine.AnnealTrace"/>: the anneal loop with a step observer ends exactly
/// where <see cref="IsingEngine.Anneal"/> ends on every backend, and each step matches a plain
/// transcription of ALGORITHM.md §4 observed after the same step.
/// </summary>
public class AnnealTraceTests
{
    private static IEnumerable<BackendKind> Backends() => Engines.Available();

    [TestCaseSource(nameof(Backends))]
    public void TraceEndsWhereTheAnnealEnds(BackendKind backend)
    {
        using var engine = IsingEngine.Create(backend, 2);
        var rng = new Random(1301);
        var rules = new[] { AcceptanceRule.Metropolis, AcceptanceRule.SeedCompatible };
        var orders = new[] { SweepOrder.Random, SweepOrder.Sequential };
        var stopped = 0;
        for (var i = 0; i < 48; i++)
        {
            var n = 1 + rng.Next(70);
            var system = Systems.Random(n, rng.Next(), jScale: 0.2 + rng.NextDouble(), hScale: rng.NextDouble());
            // Random schedules over the option space, with each rule and order forced in turn.
            var drawn = Systems.RandomEmpathyOptions(rng, maxSteps: 90, maxTrials: 40).Anneal;
            var options = new AnnealOptions
            {
                Steps = drawn.Steps, TrialsPerStep = drawn.TrialsPerStep, BetaStart = drawn.BetaStart, BetaEnd = drawn.BetaEnd,
                AdaptiveSteps = drawn.AdaptiveSteps, Precision = drawn.Precision, EarlyStop = drawn.EarlyStop,
                Acceptance = rules[i % 2], SweepOrder = orders[i / 2 % 2],
            };
            var seed = (ulong)rng.NextInt64();
            var what = $"case {i} on {backend}: n={n} seed={seed} {options}";

            var spins = new sbyte[n];
            var stats = engine.Anneal(system, seed, spins, options);
            var trace = engine.AnnealTrace(system, seed, options);

            Bits.Same(stats, trace.Stats, what);
            Assert.That(trace.Spins, Is.EqualTo(spins), what + ": final spins");
            var count = trace.Betas.Length;
            Assert.That(new[] { trace.Energies.Length, trace.Accepted.Length, trace.Trials.Length }, Is.All.EqualTo(count), what);
            Bits.Same(stats.Energy, trace.Energies[count - 1], what + ": last step's energy");
            Assert.That(trace.Accepted.Sum(), Is.EqualTo(stats.Accepted), what + ": Σ accepted per step");
            Assert.That(trace.Trials.Sum(), Is.EqualTo(stats.Trials), what + ": Σ trials per step");
            // Every step but an early-stopped last one runs TrialsPerStep trials.
            Assert.That(trace.Trials[..^1], Is.All.EqualTo((long)options.TrialsPerStep), what);
            if (stats.Trials == (long)stats.Steps * options.TrialsPerStep)
                Assert.That(count, Is.EqualTo(stats.Steps), what + ": one entry per step");
            else
                stopped++;
        }
        Assert.That(stopped, Is.GreaterThan(0), "some cases should exercise the early stop");
    }

    [Test]
    public void EachStepMatchesThePlainTranscription()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed, 1);
        var rng = new Random(77);
        for (var i = 0; i < 24; i++)
        {
            var n = 1 + rng.Next(40);
            var system = Systems.Random(n, rng.Next(), hScale: 0.5);
            var options = Systems.RandomEmpathyOptions(rng, maxSteps: 60, maxTrials: 30).Anneal;
            var seed = (ulong)rng.NextInt64();
            var what = $"case {i}: n={n} seed={seed} {options}";
            var steps = new List<(int Step, double Beta, double Energy, long Trials, long Accepted)>();
            var (spins, _, _) = ReferenceAnneal.Run(system, seed, options,
                // The §3 energy of the spins after step t, as the library evaluates any state.
                (t, beta, s, trials, accepted) => steps.Add((t, beta,
                    IsingSystem.FromArrays(n, system.Couplings, system.Fields, s).Energy(), trials, accepted)));

            var trace = engine.AnnealTrace(system, seed, options);

            Assert.That(trace.Spins, Is.EqualTo(spins), what);
            Assert.That(trace.Betas, Has.Length.EqualTo(steps.Count), what + ": steps observed");
            long trialsSoFar = 0, acceptedSoFar = 0;
            for (var t = 0; t < steps.Count; t++)
            {
                Assert.That(steps[t].Step, Is.EqualTo(t), what);
                Bits.Same(steps[t].Beta, trace.Betas[t], $"{what}: β of step {t}");
                Bits.Same(steps[t].Energy, trace.Energies[t], $"{what}: energy after step {t}");
                trialsSoFar += trace.Trials[t];
                acceptedSoFar += trace.Accepted[t];
                Assert.That((trialsSoFar, acceptedSoFar), Is.EqualTo((steps[t].Trials, steps[t].Accepted)), $"{what}: counts after step {t}");
            }
        }
    }

    [Test]
    public void BadOptionsAreRefusedLikeAnneal()
    {
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var system = Systems.Random(5, 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => engine.AnnealTrace(system, 1, new AnnealOptions { Steps = 0 }));
        Assert.That(ex!.ParamName, Is.EqualTo("Steps"));
        Assert.Throws<ArgumentNullException>(() => engine.AnnealTrace(null!, 1));
    }
}
