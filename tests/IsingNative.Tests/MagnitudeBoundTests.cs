using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// No silent overflow (issue 12 item 2, ALGORITHM.md §12): couplings and fields beyond 1e30 and
/// β outside [1e-30, 1e30] are refused by every backend with a message naming the argument, the
/// index and the value; inputs at the bound give finite outputs in their documented ranges,
/// checked property-style over seeded random systems at the edge of the bound, and a native
/// backend gives the managed engine's bits for them.
/// </summary>
[TestFixtureSource(nameof(Backends))]
public class MagnitudeBoundTests(BackendKind backend)
{
    private static readonly BackendKind[] Backends = [BackendKind.Managed, BackendKind.NativeCpu, BackendKind.Gpu];

    private const double B = 1e30;
    private static readonly double Above = Math.BitIncrement(B);

    private IsingEngine _engine = null!;
    private IsingEngine _managed = null!;

    [OneTimeSetUp]
    public void CreateEngine()
    {
        if (backend != BackendKind.Managed) NativeBackends.RequireAvailable(backend);
        _engine = IsingEngine.Create(backend, 2);
        _managed = IsingEngine.Create(BackendKind.Managed, 2);
    }

    [OneTimeTearDown]
    public void DisposeEngine()
    {
        _engine?.Dispose();
        _managed?.Dispose();
    }

    /// <summary>Couplings and fields drawn from ±B, B/2, tiny values and zeros; random spins.</summary>
    private static IsingSystem EdgeSystem(Random rng, int n)
    {
        double[] pick = [B, -B, B, -B, 0.0, double.Epsilon, -1e-300, 0.5 * B, -1e-160];
        var j = new double[n * n];
        var h = new double[n];
        var s = new sbyte[n];
        for (int r = 0; r < n; r++)
            for (int c = r + 1; c < n; c++)
                j[r * n + c] = j[c * n + r] = pick[rng.Next(pick.Length)];
        for (int i = 0; i < n; i++)
        {
            h[i] = pick[rng.Next(pick.Length)];
            s[i] = rng.Next(2) == 0 ? (sbyte)1 : (sbyte)-1;
        }
        return IsingSystem.FromArrays(n, j, h, s);
    }

    private static void In01(double v, string what) =>
        Assert.That(v, Is.InRange(0.0, 1.0), $"{what} = {v:R} outside [0, 1]");

    private static void Finite(double v, string what) =>
        Assert.That(double.IsFinite(v), Is.True, $"{what} = {v:R} not finite");

    private static void CheckEmotion(EmotionVector e, string what)
    {
        Assert.That(e.Valence, Is.InRange(-1.0, 1.0), what + ".Valence");
        In01(e.Arousal, what + ".Arousal");
        In01(e.Tension, what + ".Tension");
        In01(e.Coherence, what + ".Coherence");
    }

    private static void CheckResult(EmpathyResult r, string what)
    {
        In01(r.Score, what + ".Score");
        In01(r.StateOverlap, what + ".StateOverlap");
        Finite(r.EnergyError, what + ".EnergyError");
        Assert.That(r.EnergyError, Is.GreaterThanOrEqualTo(0.0), what + ".EnergyError");
        In01(r.MagnetizationError, what + ".MagnetizationError");
        In01(r.CouplingSimilarity, what + ".CouplingSimilarity");
        Finite(r.PredictedEnergy, what + ".PredictedEnergy");
        Finite(r.ActualEnergy, what + ".ActualEnergy");
    }

    [Test]
    public void CouplingsAndFieldsBeyondTheBoundAreRefusedNamingIndexAndValue()
    {
        int n = 4;
        var j = new double[n * n];
        var h = new double[n];
        j[1 * n + 2] = j[2 * n + 1] = -B;
        h[3] = B;
        var sys = IsingSystem.FromArrays(n, j, h, [1, -1, 1, 1]);   // at the bound: accepted
        Finite(_engine.Observe(sys).Energy, "energy at the bound");

        j[1 * n + 2] = j[2 * n + 1] = -Above;
        var ex = Assert.Throws<ArgumentException>(() => IsingSystem.FromArrays(n, j, h));
        Assert.That(ex!.ParamName, Is.EqualTo("couplings"));
        Assert.That(ex.Message, Does.Contain("J[1,2]").And.Contain("-1.0000000000000002E+30").And.Contain("bound"));
        long version = sys.Version;
        Assert.Throws<ArgumentException>(() => sys.SetCouplings(j));
        j[1 * n + 2] = j[2 * n + 1] = 1e154;   // sums of its squares overflow to infinity without the bound
        Assert.That(Assert.Throws<ArgumentException>(() => sys.SetCouplings(j))!.Message, Does.Contain("1E+154"));

        h[0] = Above;
        ex = Assert.Throws<ArgumentException>(() => sys.SetFields(h));
        Assert.That(ex!.ParamName, Is.EqualTo("fields"));
        Assert.That(ex.Message, Does.Contain("h[0]").And.Contain("1.0000000000000002E+30"));
        h[0] = -double.MaxValue;
        Assert.Throws<ArgumentException>(() => sys.SetFields(h));
        Assert.That(sys.Version, Is.EqualTo(version), "a refused change changes nothing");
        Assert.That(sys.Fields[3], Is.EqualTo(B));
    }

    [Test]
    public void BetasOutsideTheRangeAreRefusedNamingTheValue()
    {
        var sys = IsingSystem.SeedPattern(6, 1);
        var spins = new sbyte[6];
        _engine.Anneal(sys, 1, spins, new AnnealOptions { Steps = 10, BetaStart = 1e-30, BetaEnd = 1e30 });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _engine.Anneal(sys, 1, spins, new AnnealOptions { BetaStart = Math.BitDecrement(1e-30) }));
        Assert.That(ex!.ParamName, Is.EqualTo("BetaStart"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _engine.Anneal(sys, 1, spins, new AnnealOptions { BetaEnd = Math.BitIncrement(1e30) }));
        Assert.That(ex!.ParamName, Is.EqualTo("BetaEnd"));
        Assert.That(ex.Message, Does.Contain("1.0000000000000002E+30"));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            _engine.Anneal(sys, 1, spins, new AnnealOptions { BetaStart = double.Epsilon }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            _engine.Anneal(sys, 1, spins, new AnnealOptions { EarlyStop = new EarlyStop(5, Math.BitIncrement(1e30)) }));
        _engine.Anneal(sys, 1, spins, new AnnealOptions { Steps = 10, EarlyStop = new EarlyStop(5, 1e30) });

        Assert.That(_engine.Sample(sys, 1e30, 1, 1, 0, 1).Energies, Has.Length.EqualTo(1));
        Assert.That(_engine.Sample(sys, 1e-30, 1, 1, 0, 1).Energies, Has.Length.EqualTo(1));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => _engine.Sample(sys, 1e-300, 1, 1, 0, 1));
        Assert.That(ex!.ParamName, Is.EqualTo("beta"));
        Assert.That(ex.Message, Does.Contain("1E-300"));
    }

    /// <summary>
    /// Property: 40 seeded random scenarios at the edge of the bound (values ±1e30, tiny and
    /// zero; β at both ends of its range; both precisions and acceptance rules): every output
    /// is finite and in its documented range, and equals the managed engine's bits.
    /// </summary>
    [Test]
    public void InputsAtTheBoundGiveFiniteOutputsInTheirRanges()
    {
        var rng = new Random(1202);
        for (int round = 0; round < 40; round++)
        {
            int n = 1 + rng.Next(40);
            IsingSystem[] sys = [EdgeSystem(rng, n), EdgeSystem(rng, n), EdgeSystem(rng, n)];
            string at = $"round {round}, n {n}";
            var options = new EmpathyOptions
            {
                Anneal = new AnnealOptions
                {
                    Steps = 1 + rng.Next(40),
                    BetaStart = rng.Next(2) == 0 ? 1e-30 : 1.0,
                    BetaEnd = rng.Next(3) == 0 ? 1e-30 : 1e30,
                    Precision = rng.Next(2) == 0 ? Precision.Double : Precision.Single,
                    Acceptance = rng.Next(2) == 0 ? AcceptanceRule.Metropolis : AcceptanceRule.SeedCompatible,
                },
                Weights = new EmpathyWeights(0.25, 0.25, 0.25, 0.25),
            };

            for (int k = 0; k < 3; k++)
            {
                var o = _engine.Observe(sys[k]);
                Finite(o.Energy, at + " energy");
                Assert.That(o.Magnetization, Is.InRange(-1.0, 1.0), at);
                In01(o.Frustration, at + " frustration");
                CheckEmotion(o.Emotion, at + " emotion");
                Bits.Same(_managed.Observe(sys[k]).Energy, o.Energy, at + " energy vs managed");
            }

            ulong seed = (ulong)rng.NextInt64();
            var r = _engine.Empathy(sys[0], sys[1], seed, options);
            CheckResult(r, at + " empathy");
            Bits.Same(_managed.Empathy(sys[0], sys[1], seed, options), r, at + " empathy vs managed");
            CheckResult(_engine.Empathy(sys[2], sys[2], seed, options), at + " self-empathy");

            double c = _engine.CouplingSimilarity(sys[0], sys[1]);
            In01(c, at + " similarity");
            Bits.Same(_managed.CouplingSimilarity(sys[0], sys[1]), c, at + " similarity vs managed");

            var q = _engine.Quick(sys[0], sys[1], rng.Next(2) == 0 ? 1e-300 : 100);
            In01(q.Score, at + " quick");
            In01(q.CouplingSimilarity, at + " quick similarity");
            Finite(q.EnergyDifference, at + " quick difference");

            var social = _engine.SocialAttention(sys[0], [sys[1], sys[2]], seed, options);
            foreach (double w in social.Weights) In01(w, at + " social weight");
            foreach (double s in social.Scores) In01(s, at + " social score");
            // A weighted mean of emotions: its weights sum to 1 only within rounding, so each
            // component is finite and within a few ulps of its component's range.
            var ce = social.CollectiveEmotion;
            foreach (double v in new[] { ce.Valence, ce.Arousal, ce.Tension, ce.Coherence })
            {
                Finite(v, at + " collective");
                Assert.That(Math.Abs(v), Is.LessThanOrEqualTo(1.0 + 1e-15), at + " collective");
            }
            Assert.That(ce.Arousal, Is.GreaterThanOrEqualTo(0.0), at + " collective arousal");

            var matrix = new double[9];
            _engine.EmpathyMatrix(sys, seed, matrix, options);
            foreach (double s in matrix) In01(s, at + " matrix");

            var sample = _engine.Sample(sys[0], rng.Next(2) == 0 ? 1e30 : 1e-30, 2, 1, 1, seed);
            foreach (double e in sample.Energies) Finite(e, at + " sample energy");
            In01(sample.Acceptance, at + " acceptance");
        }
    }

    /// <summary>A compassionate blend of two systems at the bound stays within it (and valid everywhere).</summary>
    [Test]
    public void CompassionAtTheBoundStaysWithinIt()
    {
        int n = 5;
        var j = new double[n * n];
        for (int r = 0; r < n; r++)
            for (int c = r + 1; c < n; c++)
                j[r * n + c] = j[c * n + r] = B;
        var self = IsingSystem.FromArrays(n, j, new double[n], [1, 1, -1, 1, -1]);
        var other = IsingSystem.FromArrays(n, j, new double[n], [1, -1, -1, 1, 1]);
        for (int round = 0; round < 50; round++)
        {
            _engine.CompassionateResponse(self, other, 0.51 + round * 0.0098, (ulong)round, strength: 0.3 + round * 0.01);
            foreach (double v in self.Couplings.ToArray()) Assert.That(Math.Abs(v), Is.LessThanOrEqualTo(B));
            Finite(_engine.Observe(self).Energy, "energy after the blend");
        }
    }
}
