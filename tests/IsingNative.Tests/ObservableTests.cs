using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>Energy, magnetization, frustration and the emotion vector (MODEL.md §1–2).</summary>
public class ObservableTests
{
    // The CLI.md example system, worked by hand:
    //   bonds  J01 s0 s1 = 1·(+1)(-1) = -1      (frustrated)
    //          J02 s0 s2 = 0.5·(+1)(+1) = 0.5
    //          J12 s1 s2 = -0.25·(-1)(+1) = 0.25
    //   E = -(-1 + 0.5 + 0.25) - (0.01·1 + 0·(-1) - 0.02·1) = 0.25 + 0.01 = 0.26
    //   m = 1/3, f = 1/3
    private static IsingSystem Example() => IsingSystem.FromArrays(3,
        [0, 1.0, 0.5, 1.0, 0, -0.25, 0.5, -0.25, 0], [0.01, 0, -0.02], [1, -1, 1]);

    [Test]
    public void HandWorkedExample()
    {
        var sys = Example();
        Assert.Multiple(() =>
        {
            Assert.That(sys.Energy(), Is.EqualTo(0.26).Within(1e-15));
            Assert.That(sys.Magnetization(), Is.EqualTo(1.0 / 3.0).Within(1e-15));
            Assert.That(sys.Frustration(), Is.EqualTo(1.0 / 3.0).Within(1e-15));
        });
    }

    [Test]
    public void EmotionVectorOfHandWorkedExample()
    {
        Observables o = Example().Observe();
        Assert.Multiple(() =>
        {
            Assert.That(o.Energy, Is.EqualTo(0.26).Within(1e-15));
            Assert.That(o.Emotion.Valence, Is.EqualTo(Math.Tanh(-0.26 / 3)).Within(1e-15));
            Assert.That(o.Emotion.Arousal, Is.EqualTo(2.0 / 3.0).Within(1e-15));
            Assert.That(o.Emotion.Tension, Is.EqualTo(1.0 / 3.0).Within(1e-15));
            Assert.That(o.Emotion.Coherence, Is.EqualTo(1.0 / 3.0).Within(1e-15));
        });
    }

    [Test]
    public void FrustrationIsZeroWithoutBonds()
    {
        // max(1, #bonds) in the denominator: no bonds means nothing can be frustrated.
        var sys = IsingSystem.FromArrays(3, new double[9], [1, -1, 0.5], [1, -1, -1]);
        Assert.Multiple(() =>
        {
            Assert.That(sys.Frustration(), Is.EqualTo(0.0));
            Assert.That(sys.Energy(), Is.EqualTo(-(1 + 1 - 0.5)).Within(1e-15));
            Assert.That(sys.Magnetization(), Is.EqualTo(-1.0 / 3.0).Within(1e-15));
        });
    }

    [Test]
    public void FrustratedTriangleHasOneThirdOfBondsUnsatisfied()
    {
        // Antiferromagnetic triangle: whatever the spins, at least one bond is unsatisfied;
        // with all spins up all three are.
        var j = new double[] { 0, -1, -1, -1, 0, -1, -1, -1, 0 };
        var allUp = IsingSystem.FromArrays(3, j, new double[3], [1, 1, 1]);
        var best = IsingSystem.FromArrays(3, j, new double[3], [1, -1, 1]);
        Assert.Multiple(() =>
        {
            Assert.That(allUp.Frustration(), Is.EqualTo(1.0));
            Assert.That(allUp.Energy(), Is.EqualTo(3.0));
            Assert.That(best.Frustration(), Is.EqualTo(1.0 / 3.0).Within(1e-15));
            Assert.That(best.Energy(), Is.EqualTo(-1.0));
        });
    }

    [Test]
    public void ObservablesMatchDefinitionsOnRandomSystems()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            int n = 1 + seed % 17;
            var rng = new Random(seed);
            // Sparse couplings so the frustration's bond count differs from n(n-1)/2.
            var sys = IsingSystem.FromArrays(n, Systems.RandomCouplings(n, rng, 1.0, 0.6),
                Systems.RandomFields(n, rng, 0.3), Systems.RandomSpins(n, rng));
            double e = Reference.Energy(sys, sys.Spins);
            double m = Reference.Magnetization(sys.Spins);
            double f = Reference.Frustration(n, sys.Couplings, sys.Spins);
            Observables o = sys.Observe();
            double tol = 1e-12 * Math.Max(1, Math.Abs(e));
            Assert.Multiple(() =>
            {
                Assert.That(sys.Energy(), Is.EqualTo(e).Within(tol), $"energy, seed {seed}");
                Assert.That(o.Energy, Is.EqualTo(sys.Energy()), $"Observe().Energy, seed {seed}");
                Assert.That(o.Magnetization, Is.EqualTo(m), $"magnetization, seed {seed}");
                Assert.That(o.Frustration, Is.EqualTo(f), $"frustration, seed {seed}");
                Assert.That(o.Emotion.Valence, Is.EqualTo(Math.Tanh(-e / n)).Within(1e-12), $"valence, seed {seed}");
                Assert.That(o.Emotion.Arousal, Is.EqualTo(1 - Math.Abs(m)), $"arousal, seed {seed}");
                Assert.That(o.Emotion.Tension, Is.EqualTo(f), $"tension, seed {seed}");
                Assert.That(o.Emotion.Coherence, Is.EqualTo(Math.Abs(m)), $"coherence, seed {seed}");
            });
        }
    }

    [TestCaseSource(typeof(Engines), nameof(Engines.Available))]
    public void EngineObserveAndBatchMatchTheSystem(BackendKind backend)
    {
        using var engine = IsingEngine.Create(backend);
        var systems = Enumerable.Range(0, 12).Select(k => IsingSystem.SeedPattern(5 + k, (ulong)k)).ToArray();
        var batch = new Observables[systems.Length];
        engine.ObserveBatch(systems, batch);
        for (int k = 0; k < systems.Length; k++)
        {
            Assert.That(engine.Observe(systems[k]), Is.EqualTo(systems[k].Observe()), $"system {k}");
            Assert.That(batch[k], Is.EqualTo(systems[k].Observe()), $"batch entry {k}");
        }
    }

    [Test]
    public void EnergyIsInvariantUnderGlobalFlipWithoutField()
    {
        // Z2: E(-s) = E(s) when h = 0 (each term s_i s_j is unchanged, exactly).
        for (int seed = 0; seed < 20; seed++)
        {
            var sys = Systems.Random(3 + seed, seed);
            double e = sys.Energy();
            sys.SetSpins(Systems.Negated(sys.Spins));
            Assert.That(sys.Energy(), Is.EqualTo(e), $"seed {seed}");
        }
    }

    [Test]
    public void EnergyChangesUnderGlobalFlipWithField()
    {
        // Control for the Z2 test: with h ≠ 0 the flip changes E by 2 Σ h_i s_i.
        var sys = Systems.Random(8, 3, hScale: 0.5);
        double e = sys.Energy();
        double fieldTerm = 0;
        for (int i = 0; i < 8; i++) fieldTerm += sys.Fields[i] * sys.Spins[i];
        sys.SetSpins(Systems.Negated(sys.Spins));
        Assert.That(sys.Energy() - e, Is.EqualTo(2 * fieldTerm).Within(1e-12));
    }
}
