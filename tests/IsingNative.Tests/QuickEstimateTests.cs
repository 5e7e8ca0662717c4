using System.Runtime.CompilerServices;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The quick estimates (ALGORITHM.md §7 and §7.1, <see cref="QuickMethod"/>) on the managed engine:
/// the quench ends in a local minimum of the other's energy, its score is the empathy's §5 scoring of
/// that state (a transcription here), Seed is the roadmap formula unchanged, every form (single,
/// batch, agent set) gives the same bits, and bad arguments are named with nothing written.
/// </summary>
public class QuickEstimateTests
{
    private IsingEngine _engine = null!;

    [OneTimeSetUp]
    public void Create() => _engine = IsingEngine.Create(BackendKind.Managed, 2);

    [OneTimeTearDown]
    public void Dispose() => _engine?.Dispose();

    /// <summary>§7.1 as written: all +1, fields summed afresh, sweeps in order, strict flips.</summary>
    private static (sbyte[] State, int Sweeps) LiteralQuench(IsingSystem sys)
    {
        int n = sys.Size;
        var s = new sbyte[n];
        Array.Fill(s, (sbyte)1);
        var phi = new double[n];
        var j = sys.Couplings;
        for (int i = 0; i < n; i++)
        {
            double f = 0.0;
            for (int k = 0; k < n; k++) f = f + j[i * n + k] * s[k];
            phi[i] = f + sys.Fields[i];
        }
        for (int sweep = 1; sweep <= 100; sweep++)
        {
            bool any = false;
            for (int i = 0; i < n; i++)
            {
                if ((2.0 * s[i]) * phi[i] < 0.0)
                {
                    s[i] = (sbyte)-s[i];
                    double c = 2.0 * s[i];
                    for (int k = 0; k < n; k++) phi[k] = phi[k] + c * j[i * n + k];
                    any = true;
                }
            }
            if (!any) return (s, sweep);
        }
        return (s, 100);
    }

    /// <summary>The §3 energy in its contract order (row sums of the upper triangle, accumulated row by row).</summary>
    private static double Energy(IsingSystem sys, ReadOnlySpan<sbyte> s)
    {
        int n = sys.Size;
        var j = sys.Couplings;
        double e = 0.0;
        for (int i = 0; i < n; i++)
        {
            double row = 0.0;
            for (int k = i + 1; k < n; k++) row += j[i * n + k] * s[k];
            double si = s[i];
            e = e + ((si * row) + (sys.Fields[i] * si));
        }
        return -e;
    }

    /// <summary>§5 steps 2–7 transcribed: the score of predicted spins <paramref name="p"/> of <paramref name="other"/>.</summary>
    private static double EmpathyScore(IsingSystem other, sbyte[] p, double c, EmpathyWeights w)
    {
        int n = other.Size;
        double ep = Energy(other, p), ea = Energy(other, other.Spins);
        int agree = 0;
        for (int i = 0; i < n; i++) agree += p[i] == other.Spins[i] ? 1 : 0;
        double d = (double)agree / n;
        double overlap = d > 0.95 ? d : (double)Math.Max(agree, n - agree) / n;
        double energyError = Math.Abs(ep - ea) / Math.Max(Math.Max(Math.Abs(ep), Math.Abs(ea)), 1.0);
        double magError = Math.Abs(Math.Abs(Reference.Magnetization(p)) - Math.Abs(Reference.Magnetization(other.Spins)));
        double a = w.Overlap * overlap;
        a = a + w.Energy * Math.Max(0.0, 1.0 - energyError);
        a = a + w.Coupling * c;
        a = a + w.Magnetization * (1.0 - Math.Min(1.0, magError));
        return Math.Clamp(a, 0.0, 1.0);
    }

    private static IEnumerable<IsingSystem[]> Pairs()
    {
        foreach (int n in new[] { 1, 2, 5, 12, 20, 33 })
            for (ulong k = 1; k <= 3; k++)
            {
                yield return [IsingSystem.SeedPattern(n, k), IsingSystem.SpinGlass(n, 100 + k)];
                yield return [IsingSystem.SpinGlass(n, 10 * k), IsingSystem.SpinGlass(n, 10 * k + 1)];
                yield return [IsingSystem.SpinGlass(n, 7 * k), Systems.Random(n, (int)k, 1.0, 0.5)];
            }
    }

    [Test]
    public void QuenchIsTheEmpathyScoringOfTheLiteralQuenchsLocalMinimum()
    {
        var weights = new EmpathyWeights(0.3, 0.25, 0.35, 0.1);
        var options = new EmpathyOptions { Weights = weights };
        foreach (IsingSystem[] pair in Pairs())
        {
            IsingSystem self = pair[0], other = pair[1];
            string what = $"n={other.Size} {self} -> {other}";
            (sbyte[] state, int sweeps) = LiteralQuench(other);
            Assert.That(sweeps, Is.LessThan(100), what);
            for (int i = 0; i < other.Size; i++)
                Assert.That((2.0 * state[i]) * Reference.LocalField(other.Size, other.Couplings, other.Fields, state, i),
                    Is.GreaterThanOrEqualTo(-1e-12), $"{what}: flipping site {i} lowers the energy");
            double c = _engine.CouplingSimilarity(self, other);   // §6, covered by CouplingSimilarityTests
            QuickEstimate q = _engine.Quick(self, other, QuickMethod.Quench, options);
            Bits.Same(EmpathyScore(other, state, c, weights), q.Score, $"{what} score");
            Bits.Same(c, q.CouplingSimilarity, $"{what} c");
            Bits.Same(Math.Abs(Energy(other, state) - Energy(other, other.Spins)), q.EnergyDifference, $"{what} dE");
            Bits.Same(q, _engine.Quick(self, other, QuickMethod.Quench, options), $"{what} again");
        }
    }

    [Test]
    public void SeedIsTheRoadmapFormulaUnchanged()
    {
        foreach (IsingSystem[] pair in Pairs())
        {
            Bits.Same(_engine.Quick(pair[0], pair[1], 3.5), _engine.Quick(pair[0], pair[1], QuickMethod.Seed, null, 3.5), "seed 3.5");
            Bits.Same(_engine.Quick(pair[0], pair[1]), _engine.Quick(pair[0], pair[1], QuickMethod.Seed), "seed default");
        }
    }

    [Test]
    public void AFerromagnetInItsGroundStateScoresOneTowardsItself()
    {
        int n = 16;
        var j = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                if (a != b) j[a * n + b] = 0.5 + 0.01 * ((a + b) % 5);
        var spins = new sbyte[n];
        Array.Fill(spins, (sbyte)-1);   // the ground state's Z2 partner of the quench's all +1
        var sys = IsingSystem.FromArrays(n, j, new double[n], spins);
        QuickEstimate q = _engine.Quick(sys, sys, QuickMethod.Quench);
        Assert.That(q.Score, Is.EqualTo(1.0));
        Assert.That(q.EnergyDifference, Is.EqualTo(0.0));
        // A state off the ground state scores less, and the full empathy agrees it is worse.
        spins[3] = 1;
        spins[9] = 1;
        var excited = IsingSystem.FromArrays(n, j, new double[n], spins);
        Assert.That(_engine.Quick(excited, excited, QuickMethod.Quench).Score, Is.LessThan(1.0));
    }

    [TestCase(QuickMethod.Seed)]
    [TestCase(QuickMethod.Quench)]
    public void BatchAndAgentSetFormsGiveTheSingleCallsBits(QuickMethod method)
    {
        var agents = new List<IsingSystem>();
        for (ulong k = 0; k < 6; k++) agents.Add(k % 2 == 0 ? IsingSystem.SeedPattern(20, k) : IsingSystem.SpinGlass(20, k));
        for (ulong k = 0; k < 3; k++) agents.Add(IsingSystem.SpinGlass(9, 50 + k));
        var options = new EmpathyOptions { Weights = EmpathyWeights.SeedCode };
        var pairs = new List<EmpathyPair>();
        var memberPairs = new List<AgentPair>();
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++) { pairs.Add(new(agents[a], agents[b], 1)); memberPairs.Add(new(a, b, 1)); }
        for (int a = 6; a < 9; a++) { pairs.Add(new(agents[a], agents[6 + (a + 1) % 3], 0)); memberPairs.Add(new(a, 6 + (a + 1) % 3, 0)); }
        var batch = new QuickEstimate[pairs.Count];
        _engine.QuickBatch(pairs.ToArray(), batch, method, options, 42.0);
        using AgentSet set = _engine.CreateAgentSet(agents.ToArray());
        var fromSet = new QuickEstimate[pairs.Count];
        set.QuickBatch(memberPairs.ToArray(), fromSet, method, options, 42.0);
        using var oneThread = IsingEngine.Create(BackendKind.Managed, 1);
        for (int k = 0; k < pairs.Count; k++)
        {
            QuickEstimate single = _engine.Quick(pairs[k].Self, pairs[k].Other, method, options, 42.0);
            Bits.Same(single, batch[k], $"batch {k}");
            Bits.Same(single, fromSet[k], $"set batch {k}");
            Bits.Same(single, set.Quick(memberPairs[k].Self, memberPairs[k].Other, method, options, 42.0), $"set single {k}");
            Bits.Same(single, oneThread.Quick(pairs[k].Self, pairs[k].Other, method, options, 42.0), $"one thread {k}");
        }
    }

    [Test]
    public void QuenchRanksADeepMinimumAboveARandomState()
    {
        // What the estimate is for: the other's actual state close to its ground state scores higher.
        var glass = IsingSystem.SpinGlass(24, 5);
        (sbyte[] low, _) = LiteralQuench(glass);
        var near = glass.Clone();
        near.SetSpins(low);
        var far = glass.Clone();   // its generated spins: random
        var self = IsingSystem.SpinGlass(24, 6);
        Assert.That(_engine.Quick(self, near, QuickMethod.Quench).Score,
            Is.GreaterThan(_engine.Quick(self, far, QuickMethod.Quench).Score));
    }

    [Test]
    public void BadArgumentsAreNamedAndNothingIsWritten()
    {
        var a = IsingSystem.SpinGlass(8, 1);
        var b = IsingSystem.SpinGlass(8, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _engine.Quick(a, b, (QuickMethod)7))!;
        Assert.That(e.ParamName, Is.EqualTo("method"));
        Assert.That(e.Message, Does.Contain("got 7"));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _engine.Quick(a, b, QuickMethod.Quench, null, 0.0))!;
        Assert.That(e.ParamName, Is.EqualTo("scale"));
        var bad = new EmpathyOptions { Weights = new EmpathyWeights(-1, 0.3, 0.3, 0) };
        Assert.Throws<ArgumentOutOfRangeException>(() => _engine.Quick(a, b, QuickMethod.Quench, bad));
        Assert.Throws<ArgumentException>(() => _engine.Quick(a, IsingSystem.SpinGlass(9, 1), QuickMethod.Quench));

        var results = new QuickEstimate[2];
        var sentinel = new QuickEstimate(-1, -2, -3);
        results[0] = results[1] = sentinel;
        EmpathyPair[] pairs = [new(a, b, 0), new(b, a, 0)];
        Assert.Throws<ArgumentOutOfRangeException>(() => _engine.QuickBatch(pairs, results, (QuickMethod)(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _engine.QuickBatch(pairs, results, QuickMethod.Quench, bad));
        Assert.Throws<ArgumentException>(() => _engine.QuickBatch(pairs, results.AsSpan(0, 1), QuickMethod.Quench));
        Assert.Throws<ArgumentException>(() => _engine.QuickBatch([new(a, IsingSystem.SpinGlass(9, 1), 0)], results, QuickMethod.Quench));
        using AgentSet set = _engine.CreateAgentSet([a, b]);
        AgentPair[] memberPairs = [new(0, 1, 0), new(1, 0, 0)];
        e = Assert.Throws<ArgumentOutOfRangeException>(() => set.QuickBatch(memberPairs, results, (QuickMethod)2))!;
        Assert.That(e.ParamName, Is.EqualTo("method"));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.QuickBatch(memberPairs, results, QuickMethod.Quench, null, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.QuickBatch([new(0, 2, 0)], results, QuickMethod.Quench));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Quick(0, 1, (QuickMethod)2));
        Assert.That(results, Is.All.EqualTo(sentinel), "nothing written on failure");
    }

    [Test]
    public void QuenchBatchesAllocateNothingInSteadyState()
    {
        var agents = new[] { IsingSystem.SeedPattern(20, 1), IsingSystem.SpinGlass(20, 2), IsingSystem.SpinGlass(20, 3) };
        using AgentSet set = _engine.CreateAgentSet(agents);
        EmpathyPair[] pairs = [new(agents[0], agents[1], 0), new(agents[1], agents[2], 0), new(agents[2], agents[0], 0)];
        AgentPair[] memberPairs = [new(0, 1, 0), new(1, 2, 0), new(2, 0, 0)];
        var results = new QuickEstimate[3];
        double sink = 0;
        long allocated = -1;
        for (int round = 0; round < 4; round++) allocated = AllocatedBy100QuenchBatches(_engine, set, pairs, memberPairs, results, ref sink);
        Assert.That(sink, Is.GreaterThan(0));
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 100 QuickBatch + AgentSet.QuickBatch + Quick (quench) calls");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocatedBy100QuenchBatches(IsingEngine engine, AgentSet set, EmpathyPair[] pairs, AgentPair[] memberPairs,
        QuickEstimate[] results, ref double sink)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++)
        {
            engine.QuickBatch(pairs, results, QuickMethod.Quench);
            sink += results[0].Score;
            set.QuickBatch(memberPairs, results, QuickMethod.Quench);
            sink += results[1].Score + engine.Quick(pairs[0].Self, pairs[0].Other, QuickMethod.Quench).Score;
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
