using System.Globalization;

namespace IsingNative.Tests;

/// <summary>
/// Every bad input of MODEL.md §9 is rejected with an exception that names the argument
/// and contains the offending value, and nothing is changed.
/// </summary>
public class InputValidationTests
{
    private IsingEngine _engine = null!;

    [SetUp] public void SetUp() => _engine = IsingEngine.Create(BackendKind.Managed);
    [TearDown] public void TearDown() => _engine.Dispose();

    private static string Text(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Asserts an <see cref="ArgumentException"/> (or subclass) naming one of the params and containing one of the values.</summary>
    private static ArgumentException Rejects(TestDelegate act, string[] paramNames, params string[] values)
    {
        var ex = Assert.Catch<ArgumentException>(act)!;
        Assert.That(ex.ParamName, Is.AnyOf(paramNames), $"ParamName of: {ex.Message}");
        Assert.That(values.Any(v => ex.Message.Contains(v, StringComparison.Ordinal)), Is.True,
            $"message '{ex.Message}' should contain one of: {string.Join(", ", values)}");
        return ex;
    }

    private static ArgumentException Rejects(TestDelegate act, string paramName, params string[] values) =>
        Rejects(act, [paramName], values);

    /// <summary>A snapshot of everything observable about a system.</summary>
    private sealed record Snapshot(long Version, double[] J, double[] H, sbyte[] S, bool HasSpins)
    {
        public static Snapshot Of(IsingSystem s) => new(s.Version, s.Couplings.ToArray(), s.Fields.ToArray(), s.Spins.ToArray(), s.HasSpins);

        public void AssertUnchanged(IsingSystem s)
        {
            Assert.That(s.Version, Is.EqualTo(Version), "Version changed");
            Assert.That(s.Couplings.ToArray(), Is.EqualTo(J), "couplings changed");
            Assert.That(s.Fields.ToArray(), Is.EqualTo(H), "fields changed");
            Assert.That(s.Spins.ToArray(), Is.EqualTo(S), "spins changed");
            Assert.That(s.HasSpins, Is.EqualTo(HasSpins), "HasSpins changed");
        }
    }

    private static readonly double[] J3 = [0, 1, 0.5, 1, 0, -0.25, 0.5, -0.25, 0];
    private static readonly double[] H3 = [0.01, 0, -0.02];
    private static readonly sbyte[] S3 = [1, -1, 1];

    private static double[] With(double[] a, int index, double value)
    {
        var c = (double[])a.Clone();
        c[index] = value;
        return c;
    }

    // ---- constructing systems ----------------------------------------------------------

    [TestCase(0)]
    [TestCase(-3)]
    public void FromArraysRejectsNonPositiveSize(int n) =>
        Rejects(() => IsingSystem.FromArrays(n, [], []), "n", n.ToString(CultureInfo.InvariantCulture));

    [Test]
    public void FromArraysRejectsMismatchedSizes()
    {
        Rejects(() => IsingSystem.FromArrays(3, J3.AsSpan(0, 8), H3, S3), "couplings", "8");
        Rejects(() => IsingSystem.FromArrays(3, J3, [0.0, 0.0], S3), "fields", "2");
        Rejects(() => IsingSystem.FromArrays(3, J3, H3, [1, 1, 1, 1]), "spins", "4");
    }

    [Test]
    public void GeneratorsRejectNonPositiveSize()
    {
        Rejects(() => IsingSystem.SeedPattern(0, 1), "n", "0");
        Rejects(() => IsingSystem.SpinGlass(-2, 1), "n", "-2");
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void FromArraysRejectsNonFiniteCouplingsAndFields(double bad)
    {
        // Put the bad value symmetrically so only finiteness is wrong.
        var j = With(With(J3, 1, bad), 3, bad);
        Rejects(() => IsingSystem.FromArrays(3, j, H3, S3), "couplings", Text(bad));
        Rejects(() => IsingSystem.FromArrays(3, J3, With(H3, 2, bad), S3), "fields", Text(bad));
    }

    [Test]
    public void FromArraysRejectsAsymmetricCouplingsAndNonZeroDiagonal()
    {
        Rejects(() => IsingSystem.FromArrays(3, With(J3, 3, 7.5), H3, S3), "couplings", "7.5");
        Rejects(() => IsingSystem.FromArrays(3, With(J3, 4, 0.125), H3, S3), "couplings", "0.125");
        // Just outside the documented relative tolerance 1e-12.
        Rejects(() => IsingSystem.FromArrays(3, With(J3, 3, 1 + 1e-10), H3, S3), "couplings", Text(1 + 1e-10));
    }

    [Test]
    public void SymmetryToleranceAcceptsRoundingNoiseAndStoresASymmetricMatrix()
    {
        // ALGORITHM.md §12: within 1e-12·max(1, |J_ij|, |J_ji|) is accepted; the stored
        // matrix mirrors the upper triangle and has an exactly-zero diagonal.
        var j = With(With(J3, 3, 1 + 1e-14), 0, 1e-13);
        var sys = IsingSystem.FromArrays(3, j, H3, S3);
        Assert.That(sys.Couplings[3], Is.EqualTo(sys.Couplings[1]));
        Assert.That(sys.Couplings[0], Is.EqualTo(0.0));
    }

    [TestCase((sbyte)0)]
    [TestCase((sbyte)2)]
    [TestCase((sbyte)-7)]
    public void FromArraysRejectsSpinsNotPlusMinusOne(sbyte bad) =>
        Rejects(() => IsingSystem.FromArrays(3, J3, H3, [1, bad, 1]), "spins", bad.ToString(CultureInfo.InvariantCulture));

    [Test]
    public void FromArraysWithoutSpinsHasAllSpinsUp()
    {
        var sys = IsingSystem.FromArrays(3, J3, H3);
        Assert.That(sys.HasSpins, Is.False);
        Assert.That(sys.Spins.ToArray(), Is.EqualTo(new sbyte[] { 1, 1, 1 }));
    }

    // ---- mutating systems: rejected calls change nothing ------------------------------

    [Test]
    public void RejectedMutationsChangeNothing()
    {
        var sys = IsingSystem.FromArrays(3, J3, H3, S3);
        var before = Snapshot.Of(sys);
        Rejects(() => sys.SetCouplings(With(J3, 3, 7.5)), "couplings", "7.5");
        Rejects(() => sys.SetCouplings(With(J3, 8, 0.25)), "couplings", "0.25");
        Rejects(() => sys.SetCouplings(With(With(J3, 1, double.NaN), 3, double.NaN)), "couplings", "NaN");
        Rejects(() => sys.SetCouplings(J3.AsSpan(0, 4)), "couplings", "4");
        Rejects(() => sys.SetFields([0.0, double.PositiveInfinity, 0.0]), "fields", Text(double.PositiveInfinity));
        Rejects(() => sys.SetFields([0.0]), "fields", "1");
        Rejects(() => sys.SetSpins([1, 1, 3]), "spins", "3");
        Rejects(() => sys.SetSpins([1, 1]), "spins", "2");
        before.AssertUnchanged(sys);
    }

    [Test]
    public void AcceptedMutationsBumpVersion()
    {
        // Control for the test above: the snapshot would notice a change.
        var sys = IsingSystem.FromArrays(3, J3, H3, S3);
        long v0 = sys.Version;
        sys.SetSpins([-1, -1, -1]);
        long v1 = sys.Version;
        sys.SetFields([0, 0, 0]);
        long v2 = sys.Version;
        sys.SetCouplings(new double[9]);
        Assert.That(new[] { v0, v1, v2, sys.Version }, Is.Unique);
        Assert.That(sys.Clone().Id, Is.Not.EqualTo(sys.Id));
    }

    // ---- engine arguments ----------------------------------------------------------------

    [Test]
    public void DifferentSizesRejectedWhereEqualSizeIsRequired()
    {
        var a = IsingSystem.SeedPattern(4, 1);
        var b = IsingSystem.SeedPattern(6, 2);
        var before = Snapshot.Of(a);
        string[] names = ["self", "other", "a", "b"];
        Rejects(() => _engine.Empathy(a, b, 1), names, "6");
        Rejects(() => _engine.CouplingSimilarity(a, b), names, "6");
        Rejects(() => _engine.Quick(a, b), names, "6");
        Rejects(() => _engine.CompassionateResponse(a, b, 0.9, 1), names, "6");
        Rejects(() => _engine.CompassionateResponse(a, b, 0.1, 1), names, "6");
        Rejects(() => _engine.SocialAttention(a, new[] { a.Clone(), b }, 1), ["others", "self"], "6");
        Rejects(() => _engine.EmpathyMatrix(new[] { a, b }, 1, new double[4]), "agents", "6");
        before.AssertUnchanged(a);
    }

    [Test]
    public void NullSystemsAreRejected()
    {
        var a = IsingSystem.SeedPattern(4, 1);
        Assert.That(Assert.Catch<ArgumentNullException>(() => _engine.Empathy(null!, a, 1))!.ParamName, Is.EqualTo("self"));
        Assert.That(Assert.Catch<ArgumentNullException>(() => _engine.Empathy(a, null!, 1))!.ParamName, Is.EqualTo("other"));
        Assert.That(Assert.Catch<ArgumentNullException>(() => _engine.Observe(null!))!.ParamName, Is.EqualTo("system"));
    }

    [Test]
    public void OutputSpansOfWrongLengthAreRejected()
    {
        var a = IsingSystem.SeedPattern(4, 1);
        Rejects(() => _engine.Anneal(a, 1, new sbyte[3]), "spinsOut", "3");
        // Too short outputs (the library documents that longer ones are fine).
        Rejects(() => _engine.EmpathyBatch(new[] { new EmpathyPair(a, a, 1), new EmpathyPair(a, a, 2) }, new EmpathyResult[1]), "results", "1");
        Rejects(() => _engine.ObserveBatch(new[] { a, a, a }, new Observables[2]), "results", "2");
        Rejects(() => _engine.EmpathyMatrix(new[] { a, a.Clone() }, 1, new double[3]), "scores", "3");
    }

    private static IEnumerable<TestCaseData> BadAnnealOptions()
    {
        yield return new TestCaseData(new AnnealOptions { Steps = -5 }, "Steps", "-5").SetName("Steps negative");
        yield return new TestCaseData(new AnnealOptions { Steps = 0 }, "Steps", "0").SetName("Steps zero");
        yield return new TestCaseData(new AnnealOptions { Steps = 200_000_000 }, "Steps", "200000000").SetName("Steps absurd");
        yield return new TestCaseData(new AnnealOptions { TrialsPerStep = 0 }, "TrialsPerStep", "0").SetName("TrialsPerStep zero");
        yield return new TestCaseData(new AnnealOptions { TrialsPerStep = 2_000_000 }, "TrialsPerStep", "2000000").SetName("TrialsPerStep absurd");
        yield return new TestCaseData(new AnnealOptions { Steps = 100_000_000, TrialsPerStep = 10_000 }, "Steps", "100000000")
            .SetName("total trials over 1e11");
        yield return new TestCaseData(new AnnealOptions { BetaStart = double.NaN }, "BetaStart", "NaN").SetName("BetaStart NaN");
        yield return new TestCaseData(new AnnealOptions { BetaStart = -0.5 }, "BetaStart", "-0.5").SetName("BetaStart negative");
        yield return new TestCaseData(new AnnealOptions { BetaStart = 0 }, "BetaStart", "0").SetName("BetaStart zero");
        yield return new TestCaseData(new AnnealOptions { BetaEnd = double.PositiveInfinity }, "BetaEnd",
            double.PositiveInfinity.ToString(CultureInfo.InvariantCulture)).SetName("BetaEnd infinite");
        yield return new TestCaseData(new AnnealOptions { EarlyStop = new EarlyStop(0, 1) }, "EarlyStop", "0").SetName("EarlyStop window 0");
        yield return new TestCaseData(new AnnealOptions { EarlyStop = new EarlyStop(10, double.NaN) }, "EarlyStop", "NaN").SetName("EarlyStop threshold NaN");
        yield return new TestCaseData(new AnnealOptions { Acceptance = (AcceptanceRule)7 }, "Acceptance", "7").SetName("Acceptance unknown");
    }

    [TestCaseSource(nameof(BadAnnealOptions))]
    public void BadAnnealOptionsAreRejectedEverywhere(AnnealOptions options, string property, string value)
    {
        var self = IsingSystem.SeedPattern(5, 1);
        var other = IsingSystem.SeedPattern(5, 2);
        var before = Snapshot.Of(other);
        var spins = new sbyte[5];
        string[] names = [property, "options"];
        Rejects(options.Validate, names, value);
        Rejects(() => _engine.Anneal(other, 1, spins, options), names, value);
        Rejects(() => _engine.Empathy(self, other, 1, new EmpathyOptions { Anneal = options }), names, value);
        Rejects(() => _engine.SocialAttention(self, new[] { other }, 1, new EmpathyOptions { Anneal = options }), names, value);
        Assert.That(spins, Is.All.EqualTo((sbyte)0), "the output span was written");
        before.AssertUnchanged(other);
    }

    private static IEnumerable<TestCaseData> BadWeights()
    {
        yield return new TestCaseData(-0.1, 0.5, 0.5, 0.0, "-0.1").SetName("negative overlap weight");
        yield return new TestCaseData(0.4, 0.3, 0.3, -2.0, "-2").SetName("negative magnetization weight");
        yield return new TestCaseData(0.0, 0.0, 0.0, 0.0, "0").SetName("all weights zero");
        yield return new TestCaseData(0.4, double.NaN, 0.3, 0.0, "NaN").SetName("NaN weight");
        yield return new TestCaseData(0.4, 0.3, double.PositiveInfinity, 0.0,
            double.PositiveInfinity.ToString(CultureInfo.InvariantCulture)).SetName("infinite weight");
    }

    [TestCaseSource(nameof(BadWeights))]
    public void BadWeightsAreRejected(double wo, double we, double wc, double wm, string value)
    {
        var self = IsingSystem.SeedPattern(5, 1);
        var other = IsingSystem.SeedPattern(5, 2);
        Rejects(() => _engine.Empathy(self, other, 1, new EmpathyOptions { Weights = new EmpathyWeights(wo, we, wc, wm) }),
            ["Weights", "options"], value);
    }

    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "Infinity")]
    [TestCase(double.NegativeInfinity, "Infinity")]
    public void SampleRejectsNonFiniteBeta(double beta, string value)
    {
        var sys = IsingSystem.SeedPattern(5, 1);
        var before = Snapshot.Of(sys);
        Rejects(() => _engine.Sample(sys, beta, 10, 1, 0, 1), "beta", value);
        before.AssertUnchanged(sys);
    }

    [Test]
    public void SampleRejectsBadCounts()
    {
        var sys = IsingSystem.SeedPattern(5, 1);
        Rejects(() => _engine.Sample(sys, 1, 0, 1, 0, 1), "samples", "0");
        Rejects(() => _engine.Sample(sys, 1, -4, 1, 0, 1), "samples", "-4");
        Rejects(() => _engine.Sample(sys, 1, 10, 0, 0, 1), "thin", "0");
        Rejects(() => _engine.Sample(sys, 1, 10, 1, -1, 1), "burnIn", "-1");
    }

    [TestCase(0.0, "0")]
    [TestCase(-5.0, "-5")]
    [TestCase(double.NaN, "NaN")]
    public void QuickRejectsBadScale(double scale, string value)
    {
        var a = IsingSystem.SeedPattern(5, 1);
        Rejects(() => _engine.Quick(a, a.Clone(), scale), "scale", value);
    }

    [Test]
    public void CompassionRejectsNaNAndChangesNothing()
    {
        var self = IsingSystem.SeedPattern(5, 1);
        var other = IsingSystem.SeedPattern(5, 2);
        var before = Snapshot.Of(self);
        Rejects(() => _engine.CompassionateResponse(self, other, double.NaN, 1), "score", "NaN");
        Rejects(() => _engine.CompassionateResponse(self, other, 0.9, 1, strength: double.NaN), "strength", "NaN");
        Rejects(() => _engine.CompassionateResponse(self, other, 0.1, 1, noise: double.NaN), "noise", "NaN");
        before.AssertUnchanged(self);
    }

    [Test]
    public void EmotionalMemoryRejectsBadInput()
    {
        Rejects(() => _ = new EmotionalMemory(0), "capacity", "0");
        var memory = new EmotionalMemory(4);
        Rejects(() => memory.Record(new EmotionVector(0, 0, 0, 0), double.NaN), "score", "NaN");
        Rejects(() => memory.Record(new EmotionVector(double.NaN, 0, 0, 0), 0.5), "emotion", "NaN");
        Assert.That(memory.Count, Is.EqualTo(0));
    }

    // ---- engine state --------------------------------------------------------------------

    [Test]
    public void DisposedEngineThrowsObjectDisposed()
    {
        var engine = IsingEngine.Create(BackendKind.Managed);
        engine.Dispose();
        engine.Dispose();   // idempotent, as IDisposable requires
        var a = IsingSystem.SeedPattern(5, 1);
        var b = IsingSystem.SeedPattern(5, 2);
        Assert.Multiple(() =>
        {
            Assert.Throws<ObjectDisposedException>(() => engine.Empathy(a, b, 1));
            Assert.Throws<ObjectDisposedException>(() => engine.Anneal(a, 1, new sbyte[5]));
            Assert.Throws<ObjectDisposedException>(() => engine.CouplingSimilarity(a, b));
            Assert.Throws<ObjectDisposedException>(() => engine.Quick(a, b));
            Assert.Throws<ObjectDisposedException>(() => engine.Observe(a));
            Assert.Throws<ObjectDisposedException>(() => engine.Sample(a, 1, 1, 1, 0, 1));
            Assert.Throws<ObjectDisposedException>(() => engine.SocialAttention(a, new[] { b }, 1));
            Assert.Throws<ObjectDisposedException>(() => engine.EmpathyMatrix(new[] { a, b }, 1, new double[4]));
            Assert.Throws<ObjectDisposedException>(() => engine.CompassionateResponse(a, b, 0.9, 1));
        });
    }

    [Test]
    public void UnavailableBackendIsReportedAsSuch()
    {
        var missing = IsingEngine.DescribeBackends().FirstOrDefault(b => !b.Available && b.Kind != BackendKind.Auto);
        if (missing is null) Assert.Ignore("every backend is available on this machine");
        var ex = Assert.Throws<BackendUnavailableException>(() => IsingEngine.Create(missing.Kind));
        Assert.That(ex!.Backend, Is.EqualTo(missing.Kind));
        Assert.That(IsingEngine.AutoChoice, Is.Not.EqualTo(BackendKind.Auto));
        using var auto = IsingEngine.Create(BackendKind.Auto);
        Assert.That(auto.Backend, Is.EqualTo(IsingEngine.AutoChoice), "Auto falls back to an available backend");
    }

    // ---- files -----------------------------------------------------------------------------

    private static IEnumerable<TestCaseData> MalformedJson()
    {
        yield return new TestCaseData("this is not json").SetName("not JSON");
        yield return new TestCaseData("").SetName("empty");
        yield return new TestCaseData("{ \"couplings\": [[0]], \"fields\": [0] }").SetName("missing n");
        yield return new TestCaseData("{ \"n\": 2, \"fields\": [0, 0] }").SetName("missing couplings");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, 1], [1, 0]] }").SetName("missing fields");
        yield return new TestCaseData("{ \"n\": 0, \"couplings\": [], \"fields\": [] }").SetName("n zero");
        yield return new TestCaseData("{ \"n\": -1, \"couplings\": [], \"fields\": [] }").SetName("n negative");
        yield return new TestCaseData("{ \"n\": 3, \"couplings\": [[0, 1], [1, 0]], \"fields\": [0, 0, 0] }").SetName("couplings too few rows");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, 1, 2], [1, 0]], \"fields\": [0, 0] }").SetName("ragged couplings");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, 1], [1, 0]], \"fields\": [0] }").SetName("fields wrong size");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, 1], [2, 0]], \"fields\": [0, 0] }").SetName("asymmetric");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0.5, 1], [1, 0]], \"fields\": [0, 0] }").SetName("diagonal");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, NaN], [NaN, 0]], \"fields\": [0, 0] }").SetName("NaN literal");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, \"NaN\"], [\"NaN\", 0]], \"fields\": [0, 0] }").SetName("NaN string");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, 1e999], [1e999, 0]], \"fields\": [0, 0] }").SetName("overflowing number");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, 1], [1, 0]], \"fields\": [0, 0], \"spins\": [1, 0] }").SetName("spin zero");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, 1], [1, 0]], \"fields\": [0, 0], \"spins\": [1] }").SetName("spins wrong size");
        yield return new TestCaseData("{ \"n\": 2, \"couplings\": [[0, 1], [1, 0]], \"fields\": [0, 0], \"spins\": [1, 1.5] }").SetName("fractional spin");
        yield return new TestCaseData("{ \"n\": 2000000000, \"couplings\": [], \"fields\": [] }").SetName("huge n");
        yield return new TestCaseData("[1, 2, 3]").SetName("array instead of object");
    }

    [TestCaseSource(nameof(MalformedJson))]
    public void MalformedSystemJsonIsRejectedNamingTheSource(string json)
    {
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Parse(json, "agent-7.json"));
        Assert.That(ex!.Message, Does.Contain("agent-7.json"));
    }

    [Test]
    public void MissingFileIsRejectedNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ising-missing-{Guid.NewGuid():N}.json");
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(path));
        Assert.That(ex!.Message, Does.Contain(path));
    }

    [Test]
    public void JsonRoundTripsExactly()
    {
        // Control for the malformed cases: a valid document parses, and ToJson/Parse is lossless.
        var sys = IsingSystem.SpinGlass(7, 3);
        var back = IsingSystemFile.Parse(IsingSystemFile.ToJson(sys));
        Assert.That(back.Couplings.ToArray(), Is.EqualTo(sys.Couplings.ToArray()));
        Assert.That(back.Fields.ToArray(), Is.EqualTo(sys.Fields.ToArray()));
        Assert.That(back.Spins.ToArray(), Is.EqualTo(sys.Spins.ToArray()));
        var example = IsingSystemFile.Parse("""
            { "n": 3,
              "couplings": [[0, 1.0, 0.5], [1.0, 0, -0.25], [0.5, -0.25, 0]],
              "fields": [0.01, 0, -0.02],
              "spins": [1, -1, 1] }
            """);
        Assert.That(example.Energy(), Is.EqualTo(0.26).Within(1e-15));
        var noSpins = IsingSystemFile.Parse("""{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0] }""");
        Assert.That(noSpins.HasSpins, Is.False);
    }
}
