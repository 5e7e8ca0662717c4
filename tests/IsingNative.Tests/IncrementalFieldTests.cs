using IsingNative.Core;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The incrementally kept local fields (MODEL.md §3): after every flip, the library's
/// field update keeps φ equal to a fresh Σ_j J_ij s_j + h_i, and ΔE = 2 s_i φ_i equals
/// E(s') - E(s). Drives the library's own φ primitives (InitFields, UpdateFields) over long
/// random flip sequences; the trial loop around them is pinned by <see cref="ReferenceAnnealTests"/>.
/// </summary>
public unsafe class IncrementalFieldTests
{
    [TestCase(30, 1)]
    [TestCase(17, 2)]
    [TestCase(64, 3)]   // longer than any SIMD width: exercises the vector body and the tail
    public void DeltaEEqualsFullEnergyDifferenceOverLongRuns(int n, int systemSeed)
    {
        var rng = new Random(systemSeed);
        var sys = Systems.Random(n, systemSeed, jScale: 1, hScale: 0.5);
        double[] j = sys.Couplings.ToArray(), h = sys.Fields.ToArray();
        sbyte[] s = sys.Spins.ToArray();
        var phi = new double[n];
        double worst = 0;
        fixed (double* jp = j, hp = h, pp = phi)
        fixed (sbyte* sp = s)
        {
            AnnealCore.InitFields(n, jp, hp, sp, pp);
            double energy = Reference.Energy(n, j, h, s);
            for (int flip = 1; flip <= 5000; flip++)
            {
                int i = rng.Next(n);
                double predicted = (2.0 * s[i]) * phi[i];
                s[i] = (sbyte)-s[i];
                AnnealCore.UpdateFields(n, pp, jp + (long)i * n, 2.0 * s[i]);   // §4: with the new s_i
                double newEnergy = Reference.Energy(n, j, h, s);
                double tol = 1e-9 * Math.Max(1, Math.Abs(energy));
                Assert.That(newEnergy - energy, Is.EqualTo(predicted).Within(tol), $"flip {flip}, site {i}");
                worst = Math.Max(worst, Math.Abs(newEnergy - energy - predicted));
                energy = newEnergy;
                if (flip % 100 == 0)
                    for (int q = 0; q < n; q++)
                        Assert.That(phi[q], Is.EqualTo(Reference.LocalField(n, j, h, s, q)).Within(1e-9), $"φ[{q}] after {flip} flips");
            }
        }
        TestContext.Out.WriteLine($"n={n}: 5000 flips, worst |ΔE - 2sφ| = {worst:E2}");
    }

    [Test]
    public void NaiveFlipLoopAgreesWithLibraryEnergy()
    {
        // Independent of the library's φ: flip random sites of a system through the public
        // API and compare the library's energy difference with 2 s_i φ_i.
        var rng = new Random(5);
        var sys = Systems.Random(25, 8, jScale: 1, hScale: 0.4);
        for (int k = 0; k < 2000; k++)
        {
            sbyte[] s = sys.Spins.ToArray();
            int i = rng.Next(25);
            double predicted = 2.0 * s[i] * Reference.LocalField(25, sys.Couplings, sys.Fields, s, i);
            double e0 = sys.Energy();
            s[i] = (sbyte)-s[i];
            sys.SetSpins(s);
            Assert.That(sys.Energy() - e0, Is.EqualTo(predicted).Within(1e-10), $"flip {k}");
        }
    }
}
