using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>Early stop, adaptive steps and single precision (MODEL.md §3.4–3.6).</summary>
[TestFixtureSource(typeof(Engines), nameof(Engines.Available))]
public class AnnealOptionsTests(BackendKind backend)
{
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(backend);
    [TearDown] public void TearDown() => _engine.Dispose();

    [Test]
    public void DefaultsAreAsSpecified()
    {
        var o = AnnealOptions.Default;
        Assert.Multiple(() =>
        {
            Assert.That(o.Steps, Is.EqualTo(100));
            Assert.That(o.TrialsPerStep, Is.EqualTo(10));
            Assert.That(o.BetaStart, Is.EqualTo(0.1));
            Assert.That(o.BetaEnd, Is.EqualTo(0.1 * Math.Exp(10)).Within(1).Ulps);
            Assert.That(o.Acceptance, Is.EqualTo(AcceptanceRule.Metropolis));
            Assert.That(o.Precision, Is.EqualTo(Precision.Double));
            Assert.That(o.EarlyStop, Is.Null);
            Assert.That(o.AdaptiveSteps, Is.False);
        });
    }

    [TestCase(1, 50)]
    [TestCase(9, 50)]
    [TestCase(10, 51)]
    [TestCase(137, 63)]
    [TestCase(1000, 150)]
    public void AdaptiveStepsAre50PlusNOver10(int n, int expected)
    {
        var options = new AnnealOptions { AdaptiveSteps = true, Steps = 7, TrialsPerStep = 3 };
        Assert.That(options.StepsFor(n), Is.EqualTo(expected));
        if (n > 200) return;   // the engine check below on small systems only (keeps the suite fast)
        var sys = IsingSystem.SpinGlass(n, 1);
        AnnealStats stats = _engine.Anneal(sys, 1, new sbyte[n], options);
        Assert.That(stats.Steps, Is.EqualTo(expected));
        Assert.That(stats.Trials, Is.EqualTo(expected * 3L));
        EmpathyResult r = _engine.Empathy(sys, sys, 1, new EmpathyOptions { Anneal = options });
        Assert.That(r.Steps, Is.EqualTo(expected));
        Assert.That(r.Trials, Is.EqualTo(expected * 3L));
    }

    [Test]
    public void EarlyStopRunsFewerTrialsWithTheSameResult()
    {
        // Seed-pattern (ferromagnetic) n = 20, 300 steps × 10 trials. β reaches 10 at
        // t/T = ln(100)/10 ≈ 0.46, i.e. step 139. The window of 400 rejections (20 sweeps)
        // makes it certain (miss probability 0.95^400 ≈ 1e-9 per downhill site) that the
        // stopped state is a local minimum, so the full run accepts nothing afterwards:
        // the early-stopped anneal is a prefix of the full one with the same final spins.
        const int n = 20, steps = 300, k = 10, window = 400;
        const double threshold = 10;
        var sys = IsingSystem.SeedPattern(n, 3);
        var full = new AnnealOptions { Steps = steps, TrialsPerStep = k };
        var early = full with { EarlyStop = new EarlyStop(window, threshold) };
        for (ulong seed = 0; seed < 5; seed++)
        {
            var sf = new sbyte[n];
            var se = new sbyte[n];
            AnnealStats rf = _engine.Anneal(sys, seed, sf, full);
            AnnealStats re = _engine.Anneal(sys, seed, se, early);
            int firstStep = (int)Math.Ceiling(steps * Math.Log(threshold / 0.1) / 10) - 1;   // -1: rounding margin
            TestContext.Out.WriteLine($"seed {seed}: early stop after {re.Trials} of {rf.Trials} trials");
            Assert.Multiple(() =>
            {
                Assert.That(rf.Trials, Is.EqualTo((long)steps * k));
                Assert.That(re.Trials, Is.LessThan(rf.Trials), "stopped early");
                Assert.That(re.Trials, Is.GreaterThanOrEqualTo((long)firstStep * k + window), "not before β passed the threshold plus a window");
                Assert.That(re.Steps, Is.EqualTo(steps), "Steps is the schedule length");
                Assert.That(se, Is.EqualTo(sf), "same final spins as the full run");
                Assert.That(re.Accepted, Is.EqualTo(rf.Accepted), "no flip after the stop in the full run");
                Assert.That(re.Energy, Is.EqualTo(rf.Energy));
            });
        }
    }

    [Test]
    public void EarlyStopWithUnreachableThresholdRunsEverything()
    {
        var sys = IsingSystem.SeedPattern(20, 3);
        var options = new AnnealOptions { EarlyStop = new EarlyStop(1, 1e6) };   // β never reaches 1e6
        AnnealStats stats = _engine.Anneal(sys, 1, new sbyte[20], options);
        Assert.That(stats.Trials, Is.EqualTo(1000));
    }

    [Test]
    public void EarlyStopIsReportedThroughEmpathy()
    {
        var self = IsingSystem.SeedPattern(20, 1);
        var other = IsingSystem.SeedPattern(20, 2);
        var options = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 300, EarlyStop = new EarlyStop(400, 10) } };
        EmpathyResult r = _engine.Empathy(self, other, 1, options);
        EmpathyResult full = _engine.Empathy(self, other, 1, options with { Anneal = options.Anneal with { EarlyStop = null } });
        Assert.That(r.Trials, Is.LessThan(3000));
        Assert.That(full.Trials, Is.EqualTo(3000));
        Assert.That(r.Score, Is.EqualTo(full.Score));
    }

    [Test]
    public void SinglePrecisionAgreesWithDoubleInMostCases()
    {
        // Single precision changes rounding of φ, so a few accept/reject decisions may differ
        // and the trajectory may diverge; scores should still agree on average.
        int same = 0, count = 0;
        double sumAbs = 0, maxAbs = 0;
        var single = new EmpathyOptions { Anneal = new AnnealOptions { Precision = Precision.Single } };
        for (ulong seed = 0; seed < 40; seed++)
        {
            var self = IsingSystem.SeedPattern(20, seed);
            var other = seed % 2 == 0 ? IsingSystem.SeedPattern(20, seed + 500) : IsingSystem.SpinGlass(20, seed + 500);
            EmpathyResult d = _engine.Empathy(self, other, seed);
            EmpathyResult s = _engine.Empathy(self, other, seed, single);
            double diff = Math.Abs(d.Score - s.Score);
            sumAbs += diff;
            maxAbs = Math.Max(maxAbs, diff);
            if (diff == 0) same++;
            count++;
            Assert.That(s.Score, Is.InRange(0.0, 1.0));
        }
        double mean = sumAbs / count;
        TestContext.Out.WriteLine($"single vs double: {same}/{count} identical scores, mean |Δscore| {mean:E3}, max {maxAbs:E3}");
        Assert.That(mean, Is.LessThan(0.05));
        Assert.That(same, Is.GreaterThan(count / 2));
    }
}
