using System.Runtime.CompilerServices;
using IsingNative.Core;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The one-pass observables kernel (<see cref="ObserveFused"/>, used by every managed Observe)
/// against the literal loops of ALGORITHM.md §3, bit for bit: the kernel sums rows in 8- and
/// 4-row vector blocks with masked triangle corners and a scalar tail, so every n from 1 to 70
/// (each mix of blocks and tail) and couplings with signed zeros are covered.
/// </summary>
public unsafe class ObserveFusedTests
{
    /// <summary>§3 energy, transcribed literally (row by row, j ascending, E = E + ((s_i·row) + (h_i·s_i)), negated).</summary>
    private static double LiteralEnergy(int n, ReadOnlySpan<double> j, ReadOnlySpan<double> h, ReadOnlySpan<sbyte> s)
    {
        double e = 0.0;
        for (int i = 0; i < n; i++)
        {
            double row = 0.0;
            for (int k = i + 1; k < n; k++) row += j[i * n + k] * s[k];
            double si = s[i];
            e = e + ((si * row) + (h[i] * si));
        }
        return -e;
    }

    /// <summary>§3 counts over the strict upper triangle: (nz, fr).</summary>
    private static (long NonZero, long Frustrated) LiteralCounts(int n, ReadOnlySpan<double> j, ReadOnlySpan<sbyte> s)
    {
        long nz = 0, fr = 0;
        for (int i = 0; i < n; i++)
            for (int k = i + 1; k < n; k++)
            {
                double v = j[i * n + k];
                if (v == 0.0) continue;
                nz++;
                if (v * s[i] * s[k] < 0.0) fr++;
            }
        return (nz, fr);
    }

    private static Observables LiteralObservables(IsingSystem sys)
    {
        int n = sys.Size;
        double e = LiteralEnergy(n, sys.Couplings, sys.Fields, sys.Spins);
        int m = 0;
        foreach (sbyte x in sys.Spins) m += x;
        double mag = (double)m / (double)n;
        (long nz, long fr) = LiteralCounts(n, sys.Couplings, sys.Spins);
        double f = (double)fr / (double)Math.Max(1L, nz);
        double am = Math.Abs(mag);
        return new Observables(e, mag, f, new EmotionVector(DetMath.Tanh((-e) / (double)n), 1.0 - am, f, am));
    }

    /// <summary>Seed-pattern, spin-glass, sparse (±0 entries) and integer-valued systems of every n in 1..70.</summary>
    private static IEnumerable<(string Name, IsingSystem System)> Systems(int n, int seed)
    {
        var rng = new Random(seed * 7919 + n);
        yield return ($"seed-pattern n={n}", IsingSystem.SeedPattern(n, (ulong)(seed * 1000 + n)));
        yield return ($"spin-glass n={n}", IsingSystem.SpinGlass(n, (ulong)(seed * 1000 + n)));
        double[] sparse = Support.Systems.RandomCouplings(n, rng, scale: 1.5, density: 0.4);
        // Negative zeros among the absent bonds: they are not bonds, and -0.0·s must not count as frustrated.
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
                if (sparse[a * n + b] == 0.0 && rng.Next(2) == 0) sparse[a * n + b] = sparse[b * n + a] = -0.0;
        yield return ($"sparse n={n}", IsingSystem.FromArrays(n, sparse, Support.Systems.RandomFields(n, rng, 0.7),
            Support.Systems.RandomSpins(n, rng)));
        var ints = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) ints[a * n + b] = ints[b * n + a] = rng.Next(-2, 3);
        yield return ($"integer n={n}", IsingSystem.FromArrays(n, ints, new double[n], Support.Systems.RandomSpins(n, rng)));
    }

    [Test]
    public void KernelSumsEqualTheLiteralLoops()
    {
        for (int n = 1; n <= 70; n++)
            for (int seed = 1; seed <= 3; seed++)
                foreach ((string name, IsingSystem sys) in Systems(n, seed))
                {
                    SystemView v = sys.View();
                    ObserveFused.Sums sums = ObserveFused.Compute(v.N, v.J, v.H, v.S);
                    GC.KeepAlive(sys);
                    Bits.Same(LiteralEnergy(n, sys.Couplings, sys.Fields, sys.Spins), sums.Energy, $"{name} energy");
                    Bits.Same(ObservablesCore.EnergyScalar(v.N, v.J, v.H, v.S), sums.Energy, $"{name} energy vs EnergyScalar");
                    (long nz, long fr) = LiteralCounts(n, sys.Couplings, sys.Spins);
                    int m = 0;
                    foreach (sbyte x in sys.Spins) m += x;
                    if (sums.NonZero != nz || sums.Frustrated != fr || sums.SpinSum != m)
                        Assert.Fail($"{name}: nz/fr/M expected {nz}/{fr}/{m}, got {sums.NonZero}/{sums.Frustrated}/{sums.SpinSum}");
                }
    }

    // One thread: every batch inline (ObserveMany); three threads: this batch's work
    // (Σ n² ≈ 460k) is past the inline limit, so it is split into ranges on the pool.
    [TestCase(1)]
    [TestCase(3)]
    public void ObserveAndBatchEqualTheLiteralObservables(int threads)
    {
        using var engine = IsingEngine.Create(BackendKind.Managed, threads);
        var batch = new List<IsingSystem>();
        for (int n = 1; n <= 70; n++)
            foreach ((string name, IsingSystem sys) in Systems(n, seed: 4))
            {
                Observables expected = LiteralObservables(sys);
                AssertSame(expected, sys.Observe(), name + " IsingSystem.Observe");
                AssertSame(expected, engine.Observe(sys), name + " engine.Observe");
                batch.Add(sys);
            }
        var results = new Observables[batch.Count];
        engine.ObserveBatch(batch.ToArray(), results);
        for (int i = 0; i < batch.Count; i++) AssertSame(LiteralObservables(batch[i]), results[i], $"batch entry {i} (n={batch[i].Size})");
    }

    [Test]
    public void EveryFlipOfOneSpinStaysExact()
    {
        // Walks the spins through n single flips: each changes one row's sign pattern, so a
        // wrong lane mask or a mis-signed zero shows up in the counts at some flip.
        foreach (int n in new[] { 7, 12, 20, 33 })
        {
            IsingSystem sys = Systems(n, seed: 5).ElementAt(2).System;
            sbyte[] s = sys.Spins.ToArray();
            for (int i = 0; i < n; i++)
            {
                s[i] = (sbyte)-s[i];
                sys.SetSpins(s);
                AssertSame(LiteralObservables(sys), sys.Observe(), $"n={n} after flipping {i}");
            }
        }
    }

    [Test]
    public void WithoutBondsFrustrationIsZero()
    {
        var sys = IsingSystem.FromArrays(20, new double[400], new double[20], Support.Systems.RandomSpins(20, new Random(3)));
        Observables o = sys.Observe();
        Assert.Multiple(() =>
        {
            Assert.That(o.Frustration, Is.EqualTo(0.0));
            Assert.That(o.Energy, Is.EqualTo(0.0));
        });
    }

    [Test]
    public void SystemsAboveTheKernelLimitStayExact()
    {
        // Past ObserveFused.MaxN the separate §3 functions run; both sides of the limit must agree with §3.
        foreach (int n in new[] { ObserveFused.MaxN, ObserveFused.MaxN + 3 })
        {
            IsingSystem sys = IsingSystem.SpinGlass(n, (ulong)n);
            AssertSame(LiteralObservables(sys), sys.Observe(), $"n={n}");
        }
    }

    [Test]
    public void EmotionBatchAllocatesNothingInSteadyState()
    {
        // The emotion-batch-100-n20 workload (WORKLOADS.md); the first rounds absorb JIT
        // tiering and the view pool filling, the last one is the steady state.
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var systems = new IsingSystem[100];
        for (int i = 0; i < systems.Length; i++) systems[i] = IsingSystem.SeedPattern(20, 99 + (ulong)i);
        var results = new Observables[systems.Length];
        long allocated = -1;
        for (int round = 0; round < 4; round++) allocated = AllocatedBy10Batches(engine, systems, results);
        Assert.That(results[^1].Energy, Is.EqualTo(systems[^1].Observe().Energy));
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 10 ObserveBatch calls of 100 systems");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocatedBy10Batches(IsingEngine engine, IsingSystem[] systems, Observables[] results)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10; k++) engine.ObserveBatch(systems, results);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void AssertSame(Observables e, Observables a, string what)
    {
        Bits.Same(e.Energy, a.Energy, what + ".Energy");
        Bits.Same(e.Magnetization, a.Magnetization, what + ".Magnetization");
        Bits.Same(e.Frustration, a.Frustration, what + ".Frustration");
        Bits.Same(e.Emotion.Valence, a.Emotion.Valence, what + ".Valence");
        Bits.Same(e.Emotion.Arousal, a.Emotion.Arousal, what + ".Arousal");
        Bits.Same(e.Emotion.Tension, a.Emotion.Tension, what + ".Tension");
        Bits.Same(e.Emotion.Coherence, a.Emotion.Coherence, what + ".Coherence");
    }
}
