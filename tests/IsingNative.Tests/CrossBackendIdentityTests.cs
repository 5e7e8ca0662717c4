using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Every backend computes docs/ALGORITHM.md bit for bit: the managed engine (the reference)
/// and each native backend give identical spins, energies and every result field, over
/// hundreds of random systems (sizes 1..300 including the odd ones around vector widths and
/// the GPU's 128-spin kernel switch), seeds, both precisions, both acceptance rules, early
/// stop and adaptive schedules. Doubles are compared by their bits. Ignored, with the reason,
/// where a backend is absent.
/// </summary>
[TestFixtureSource(typeof(NativeBackends), nameof(NativeBackends.Kinds))]
public class CrossBackendIdentityTests(BackendKind backend) : ManagedAgainstNativeFixture(backend)
{
    /// <summary>Sizes that stress edges: 1 and 2, SIMD widths ±1, the GPU's 128 threshold, the top of the range.</summary>
    private static readonly int[] OddSizes = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 299, 300];

    /// <summary>One random scenario: two systems of equal n, a seed and a schedule.</summary>
    private sealed record Case(int Index, IsingSystem Self, IsingSystem Other, ulong Seed, EmpathyOptions Options)
    {
        public override string ToString() =>
            $"case {Index}: n={Self.Size} seed={Seed} {Options.Anneal} {Options.Weights}";
    }

    /// <summary>Deterministic scenarios (a fixed <see cref="Random"/> seed), so a failure reproduces.</summary>
    private static List<Case> Cases(int count, int seed, int maxN = 300)
    {
        var rng = new Random(seed);
        var cases = new List<Case>(count);
        for (int i = 0; i < count; i++)
        {
            int n = i < OddSizes.Length && OddSizes[i] <= maxN ? OddSizes[i] : 1 + rng.Next(maxN);
            EmpathyOptions options = Systems.RandomEmpathyOptions(rng, maxSteps: 120, maxTrials: 15);
            cases.Add(new Case(i, MakeSystem(n, rng), MakeSystem(n, rng), (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63),
                options));
        }
        return cases;
    }

    /// <summary>A mix of the generators' systems and random ones (dense, sparse, all-zero, huge, with and without fields and spins).</summary>
    private static IsingSystem MakeSystem(int n, Random rng)
    {
        switch (rng.Next(8))
        {
            case 0: return IsingSystem.SeedPattern(n, (ulong)rng.Next());
            case 1: return IsingSystem.SpinGlass(n, (ulong)rng.Next());
            case 2: return IsingSystem.FromArrays(n, new double[n * n], new double[n], Systems.RandomSpins(n, rng));
            case 3: return IsingSystem.FromArrays(n, Systems.RandomCouplings(n, rng, 1.0), Systems.RandomFields(n, rng, 0.5));   // no spins
            default:
                double scale = rng.Next(4) == 0 ? 1e3 * rng.NextDouble() : rng.NextDouble() * 2;
                return IsingSystem.FromArrays(n, Systems.RandomCouplings(n, rng, scale, density: 0.1 + 0.9 * rng.NextDouble()),
                    Systems.RandomFields(n, rng, rng.NextDouble()), Systems.RandomSpins(n, rng));
        }
    }

    [Test]
    public void AnnealAndEmpathyAreBitIdentical()
    {
        foreach (Case c in Cases(260, 1234))
        {
            int n = c.Self.Size;
            var sm = new sbyte[n];
            var sn = new sbyte[n];
            Bits.Same(Managed.Anneal(c.Other, c.Seed, sm, c.Options.Anneal), Native.Anneal(c.Other, c.Seed, sn, c.Options.Anneal), $"{c} anneal");
            Bits.Same(sm, sn, $"{c} anneal spins");
            Bits.Same(Managed.Empathy(c.Self, c.Other, c.Seed, c.Options), Native.Empathy(c.Self, c.Other, c.Seed, c.Options), $"{c} empathy");
        }
    }

    [Test]
    public void ObservablesSimilarityAndQuickAreBitIdentical()
    {
        foreach (Case c in Cases(300, 99))
        {
            Bits.Same(Managed.Observe(c.Self), Native.Observe(c.Self), $"{c} observe self");
            Bits.Same(Managed.Observe(c.Other), Native.Observe(c.Other), $"{c} observe other");
            Bits.Same(Managed.CouplingSimilarity(c.Self, c.Other), Native.CouplingSimilarity(c.Self, c.Other), $"{c} similarity");
            Bits.Same(Managed.CouplingSimilarity(c.Self, c.Self), Native.CouplingSimilarity(c.Self, c.Self), $"{c} self-similarity");
            double scale = 0.5 + c.Index;
            Bits.Same(Managed.Quick(c.Self, c.Other, scale), Native.Quick(c.Self, c.Other, scale), $"{c} quick");
        }
    }

    [Test]
    public void ObserveBatchIsBitIdentical()
    {
        var systems = Cases(120, 5).SelectMany(c => new[] { c.Self, c.Other }).ToArray();
        var expected = new Observables[systems.Length];
        var actual = new Observables[systems.Length];
        Managed.ObserveBatch(systems, expected);
        Native.ObserveBatch(systems, actual);
        for (int k = 0; k < systems.Length; k++) Bits.Same(expected[k], actual[k], $"system {k} (n={systems[k].Size})");
    }

    [Test]
    public void EmpathyBatchIsBitIdenticalAndMatchesSingleCalls()
    {
        // One schedule per batch (the API's shape); systems repeat across pairs so the native
        // side's de-duplication of views is exercised too.
        foreach (Case template in Cases(6, 77, maxN: 150))
        {
            var pool = Cases(12, (int)(template.Seed & 0xFFFF), maxN: 150);
            var pairs = new List<EmpathyPair>();
            for (int k = 0; k < 60; k++)
            {
                Case a = pool[k % pool.Count];
                pairs.Add(new EmpathyPair(k % 3 == 0 ? a.Other : a.Self, a.Other, unchecked(template.Seed + (ulong)k)));
            }
            var expected = new EmpathyResult[pairs.Count];
            var actual = new EmpathyResult[pairs.Count];
            Managed.EmpathyBatch(pairs.ToArray(), expected, template.Options);
            Native.EmpathyBatch(pairs.ToArray(), actual, template.Options);
            for (int k = 0; k < pairs.Count; k++) Bits.Same(expected[k], actual[k], $"{template} batch pair {k}");
            for (int k = 0; k < pairs.Count; k += 7)
                Bits.Same(expected[k], Native.Empathy(pairs[k].Self, pairs[k].Other, pairs[k].Seed, template.Options), $"{template} single pair {k}");
        }
    }

    [Test]
    public void SocialAttentionAndEmpathyMatrixAreBitIdentical()
    {
        var rng = new Random(42);
        foreach (int n in new[] { 1, 6, 20, 33, 129 })
            foreach (Case c in Cases(3, n * 7, maxN: 1))
            {
                int k = 2 + rng.Next(6);
                var agents = Enumerable.Range(0, k).Select(_ => MakeSystem(n, rng)).ToArray();
                var others = agents.Skip(1).ToArray();
                ulong seedBase = (ulong)rng.NextInt64();

                SocialAttentionResult sm = Managed.SocialAttention(agents[0], others, seedBase, c.Options);
                SocialAttentionResult sn = Native.SocialAttention(agents[0], others, seedBase, c.Options);
                Assert.That(sn.MostEmpathicIndex, Is.EqualTo(sm.MostEmpathicIndex), $"{c} n={n} most empathic");
                Bits.Same(sm.CollectiveEmotion, sn.CollectiveEmotion, $"{c} n={n} collective emotion");
                for (int q = 0; q < others.Length; q++)
                {
                    Bits.Same(sm.Weights[q], sn.Weights[q], $"{c} n={n} weight {q}");
                    Bits.Same(sm.Scores[q], sn.Scores[q], $"{c} n={n} score {q}");
                    Bits.Same(sm.Results[q], sn.Results[q], $"{c} n={n} result {q}");
                }

                var mm = new double[k * k];
                var mn = new double[k * k];
                Managed.EmpathyMatrix(agents, seedBase, mm, c.Options);
                Native.EmpathyMatrix(agents, seedBase, mn, c.Options);
                for (int q = 0; q < k * k; q++) Bits.Same(mm[q], mn[q], $"{c} n={n} matrix cell {q}");
            }
    }

    [Test]
    public void SamplesAreBitIdentical()
    {
        var rng = new Random(3);
        foreach (Case c in Cases(80, 2024, maxN: 120))
        {
            IsingSystem system = c.Other;
            double beta = rng.Next(3) == 0 ? 1e-3 + rng.NextDouble() : 0.1 + rng.NextDouble() * 5;
            int samples = 1 + rng.Next(6), thin = 1 + rng.Next(3), burnIn = rng.Next(4);
            AcceptanceRule rule = c.Options.Anneal.Acceptance;
            SampleResult m = Managed.Sample(system, beta, samples, thin, burnIn, c.Seed, rule);
            SampleResult x = Native.Sample(system, beta, samples, thin, burnIn, c.Seed, rule);
            Assert.That((x.Trials, x.Accepted), Is.EqualTo((m.Trials, m.Accepted)), $"{c} sample counts (HasSpins={system.HasSpins})");
            Bits.Same(m.Acceptance, x.Acceptance, $"{c} acceptance");
            for (int s = 0; s < samples; s++)
            {
                Bits.Same(m.States[s], x.States[s], $"{c} sample {s}");
                Bits.Same(m.Energies[s], x.Energies[s], $"{c} sample energy {s}");
            }
        }
    }
}
