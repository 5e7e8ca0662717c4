using System.Globalization;
using IsingNative.Core;

namespace IsingNative.Cli.Validation;

/// <summary>
/// The contract half of <c>ising validate</c>: Philox known answers, observables against
/// their definitions, reproducibility and batch/single identity, coupling similarity, and
/// bit-identity across every backend present (ALGORITHM.md's reproducibility contract).
/// </summary>
internal static class ContractChecks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The three Philox4x32-10 known-answer vectors of MODEL.md §3 (Salmon et al.).</summary>
    public static Check PhiloxKnownAnswers() => Check.Run("philox-known-answers", () =>
    {
        (uint[] C, uint[] K, uint[] Expected)[] vectors =
        [
            ([0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]),
            ([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]),
            ([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]),
        ];
        var failures = new List<string>();
        foreach (var (c, k, e) in vectors)
        {
            var w = Philox4x32.Generate(c[0], c[1], c[2], c[3], k[0], k[1]);
            uint[] got = [w.W0, w.W1, w.W2, w.W3];
            if (!got.SequenceEqual(e))
                failures.Add($"c={c[0]:x8}.. gave {string.Join(' ', got.Select(x => x.ToString("x8", Inv)))}, expected {string.Join(' ', e.Select(x => x.ToString("x8", Inv)))}");
        }
        return failures.Count == 0
            ? new Check("philox-known-answers", true, "3/3 Philox4x32-10 known-answer vectors (Salmon et al., SC 2011) reproduced by the library's generator")
            : new Check("philox-known-answers", false, string.Join("; ", failures));
    });

    /// <summary>Energy, magnetization, frustration and emotion against MODEL.md §1–2 written out plainly.</summary>
    public static Check Observables(IsingEngine engine, ulong seed) => Check.Run("observables-definitions", () =>
    {
        var systems = new[] { IsingSystem.SeedPattern(30, seed), IsingSystem.SpinGlass(17, seed + 3), IsingSystem.SeedPattern(1, seed + 5) };
        var batch = new Observables[systems.Length];
        engine.ObserveBatch(systems, batch);
        var problems = new List<string>();
        for (var k = 0; k < systems.Length; k++)
        {
            var sys = systems[k];
            var o = engine.Observe(sys);
            if (o != batch[k]) problems.Add($"system {k}: ObserveBatch differs from Observe");
            var (e, m, f) = Plain(sys);
            if (Math.Abs(o.Energy - e) > 1e-12 * Math.Max(1, Math.Abs(e))) problems.Add(string.Create(Inv, $"system {k}: energy {o.Energy} vs {e}"));
            if (o.Magnetization != m) problems.Add(string.Create(Inv, $"system {k}: magnetization {o.Magnetization} vs {m}"));
            if (o.Frustration != f) problems.Add(string.Create(Inv, $"system {k}: frustration {o.Frustration} vs {f}"));
            var valence = Math.Tanh(-o.Energy / sys.Size);
            if (Math.Abs(o.Emotion.Valence - valence) > 1e-14) problems.Add(string.Create(Inv, $"system {k}: valence {o.Emotion.Valence} vs tanh {valence}"));
            if (o.Emotion.Arousal != 1 - Math.Abs(m) || o.Emotion.Coherence != Math.Abs(m) || o.Emotion.Tension != f)
                problems.Add($"system {k}: arousal/coherence/tension do not follow from m and f");
        }
        return new Check("observables-definitions", problems.Count == 0, problems.Count == 0
            ? $"{systems.Length} systems (n = 30, 17, 1): energy within 1e-12 of the plain double sum, magnetization and frustration exact, valence within 1e-14 of Math.Tanh, arousal/coherence/tension exact; ObserveBatch identical to Observe"
            : string.Join("; ", problems));
    });

    /// <summary>Same seed ⇒ same result; batch, matrix and social attention agree with single calls on their documented seeds.</summary>
    public static Check Reproducibility(IsingEngine engine, ulong seed) => Check.Run("reproducibility-and-batch-identity", () =>
    {
        var problems = new List<string>();
        var n = 20;
        var agents = Enumerable.Range(0, 4).Select(k => IsingSystem.SeedPattern(n, 42 + (ulong)k)).ToArray();
        var options = EmpathyOptions.Default;

        var a = new sbyte[n];
        var b = new sbyte[n];
        var s1 = engine.Anneal(agents[0], seed, a);
        var s2 = engine.Anneal(agents[0], seed, b);
        if (s1 != s2 || !a.AsSpan().SequenceEqual(b)) problems.Add("two anneals with the same seed differ");

        var pairs = new EmpathyPair[6];
        for (var k = 0; k < pairs.Length; k++) pairs[k] = new EmpathyPair(agents[k % 4], agents[(k + 1) % 4], seed + (ulong)k * 17);
        var batch = new EmpathyResult[pairs.Length];
        engine.EmpathyBatch(pairs, batch, options);
        for (var k = 0; k < pairs.Length; k++)
            if (batch[k] != engine.Empathy(pairs[k].Self, pairs[k].Other, pairs[k].Seed, options)) problems.Add($"EmpathyBatch entry {k} differs from Empathy");

        var kk = agents.Length;
        var matrix = new double[kk * kk];
        engine.EmpathyMatrix(agents, seed, matrix, options);
        for (var i = 0; i < kk; i++)
            for (var j = 0; j < kk; j++)
                if (matrix[i * kk + j] != engine.Empathy(agents[i], agents[j], seed + (ulong)(i * kk + j), options).Score)
                    problems.Add($"EmpathyMatrix ({i},{j}) differs from Empathy with seed base + {i * kk + j}");

        var social = engine.SocialAttention(agents[0], agents.AsSpan(1), seed, options);
        for (var k = 0; k < kk - 1; k++)
            if (social.Scores[k] != engine.Empathy(agents[0], agents[k + 1], seed + (ulong)k, options).Score)
                problems.Add($"SocialAttention score {k} differs from Empathy with seed base + {k}");
        var weightSum = social.Weights.Sum();
        if (Math.Abs(weightSum - 1) > 1e-12) problems.Add(string.Create(Inv, $"social weights sum to {weightSum}"));

        return new Check("reproducibility-and-batch-identity", problems.Count == 0, problems.Count == 0
            ? "same seed ⇒ identical anneal; EmpathyBatch (6 pairs), EmpathyMatrix (4×4, seed base + a·K + b) and SocialAttention (seed base + k) bit-identical to single Empathy calls; attention weights sum to 1"
            : string.Join("; ", problems));
    });

    /// <summary>Coupling similarity: identical ⇒ exactly 1, negated ⇒ 0, symmetric; quick estimate follows its formula.</summary>
    public static Check CouplingSimilarity(IsingEngine engine, ulong seed) => Check.Run("coupling-similarity", () =>
    {
        var a = IsingSystem.SpinGlass(16, seed);
        var b = IsingSystem.SeedPattern(16, seed + 1);
        var negated = IsingSystem.FromArrays(16, a.Couplings.ToArray().Select(x => -x).ToArray(), a.Fields, a.Spins);
        var problems = new List<string>();
        var same = engine.CouplingSimilarity(a, a.Clone());
        if (same != 1.0) problems.Add(string.Create(Inv, $"identical couplings gave {same:R}, not exactly 1"));
        var opposite = engine.CouplingSimilarity(a, negated);
        if (Math.Abs(opposite) > 1e-12) problems.Add(string.Create(Inv, $"negated couplings gave {opposite:R}, not 0"));
        var ab = engine.CouplingSimilarity(a, b);
        var ba = engine.CouplingSimilarity(b, a);
        if (ab != ba || ab < 0 || ab > 1) problems.Add(string.Create(Inv, $"c(a,b) = {ab:R}, c(b,a) = {ba:R}"));

        var q = engine.Quick(a, b);
        var expected = 0.7 * (1 - Math.Min(Math.Abs(a.Energy() - b.Energy()) / 100, 1)) + 0.3 * ab;
        if (Math.Abs(q.Score - expected) > 1e-15) problems.Add(string.Create(Inv, $"quick score {q.Score:R} vs formula {expected:R}"));

        // The cache is keyed by version: a mutated matrix must not be served a stale value.
        var mutable = b.Clone();
        mutable.SetCouplings(a.Couplings);
        var afterMutation = engine.CouplingSimilarity(a, mutable);
        if (afterMutation != 1.0) problems.Add(string.Create(Inv, $"after SetCouplings to identical J the similarity is {afterMutation:R} (stale cache?)"));

        return new Check("coupling-similarity", problems.Count == 0, problems.Count == 0
            ? string.Create(Inv, $"c(J,J) = 1 exactly, c(J,-J) = 0, symmetric (c = {ab:F6}), quick estimate = 0.7·(1-min(|ΔE|/100,1)) + 0.3·c, no stale value after SetCouplings")
            : string.Join("; ", problems));
    });

    /// <summary>
    /// Every available backend must return bit-identical anneals, empathy results, matrices
    /// and samples (the reproducibility contract); skipped when only one backend is present.
    /// </summary>
    public static Check CrossBackend(ulong seed) => Check.Run("cross-backend-identity", () =>
    {
        var available = IsingEngine.DescribeBackends().Where(b => b.Available).ToArray();
        if (available.Length < 2)
            return new Check("cross-backend-identity", true,
                $"skipped: only {string.Join(", ", available.Select(b => b.Name))} available on this machine", Skipped: true);

        var systems = new[] { IsingSystem.SeedPattern(20, seed), IsingSystem.SpinGlass(37, seed + 1), IsingSystem.SeedPattern(200, seed + 2) };
        var agents = Enumerable.Range(0, 6).Select(k => IsingSystem.SeedPattern(20, seed + 10 + (ulong)k)).ToArray();
        var variants = new (string Name, AnnealOptions Options)[]
        {
            ("metropolis", new AnnealOptions()),
            ("seed-compatible", new AnnealOptions { Acceptance = AcceptanceRule.SeedCompatible }),
            ("single", new AnnealOptions { Precision = Precision.Single }),
            ("early-stop", new AnnealOptions { EarlyStop = new EarlyStop(50, 10) }),
        };

        // Every observable result as (what, exact text): doubles as their bit patterns, so
        // "identical" means bit-identical, and a difference can be named.
        List<(string What, string Value)> Fingerprint(IsingEngine e)
        {
            static string Bits(IEnumerable<double> xs) => string.Join(",", xs.Select(BitConverter.DoubleToInt64Bits));
            var parts = new List<(string, string)>();
            foreach (var sys in systems)
            {
                foreach (var (name, opt) in variants)
                {
                    var spins = new sbyte[sys.Size];
                    var st = e.Anneal(sys, seed, spins, opt);
                    parts.Add(($"anneal {name} n={sys.Size}",
                        $"{st.Steps}/{st.Trials}/{st.Accepted}/{BitConverter.DoubleToInt64Bits(st.Energy)}/{Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(spins.AsSpan()))}"));
                }
                var o = e.Observe(sys);
                parts.Add(($"observe n={sys.Size}", Bits([o.Energy, o.Magnetization, o.Frustration, o.Emotion.Valence, o.Emotion.Arousal, o.Emotion.Tension, o.Emotion.Coherence])));
                var sample = e.Sample(sys, 0.7, 20, 1, 5, seed);
                parts.Add(($"sample n={sys.Size}", Bits(sample.Energies) + "/" + sample.Accepted));
            }
            var r = e.Empathy(agents[0], agents[1], seed);
            parts.Add(("empathy", Bits([r.Score, r.StateOverlap, r.EnergyError, r.MagnetizationError, r.CouplingSimilarity, r.PredictedEnergy, r.ActualEnergy]) + $"/{r.Trials}/{r.Accepted}"));
            var matrix = new double[agents.Length * agents.Length];
            e.EmpathyMatrix(agents, seed, matrix);
            parts.Add(("empathy matrix 6x6", Bits(matrix)));
            return parts;
        }

        using var reference = IsingEngine.Create(BackendKind.Managed);
        var expected = Fingerprint(reference);
        var results = new List<string>();
        var passed = true;
        foreach (var b in available.Where(b => b.Kind != BackendKind.Managed))
        {
            using var engine = IsingEngine.Create(b.Kind);
            var got = Fingerprint(engine);
            var differing = expected.Zip(got).Where(p => p.First.Value != p.Second.Value).Select(p => p.First.What).ToArray();
            passed &= differing.Length == 0;
            results.Add(differing.Length == 0
                ? $"{b.Name} bit-identical to managed ({got.Count} results)"
                : $"{b.Name} DIFFERS from managed in {differing.Length}/{got.Count} results: {string.Join(", ", differing.Take(5))}");
        }
        return new Check("cross-backend-identity", passed,
            $"anneals (n = 20, 37, 200; metropolis, seed-compatible, single precision, early stop), observables, samples, empathy and a 6×6 matrix: {string.Join("; ", results)}");
    });

    private static (double Energy, double Magnetization, double Frustration) Plain(IsingSystem sys)
    {
        var n = sys.Size;
        var j = sys.Couplings;
        var h = sys.Fields;
        var s = sys.Spins;
        double e = 0;
        long total = 0, bonds = 0, frustrated = 0;
        for (var i = 0; i < n; i++)
        {
            total += s[i];
            e -= h[i] * s[i];
            for (var k = i + 1; k < n; k++)
            {
                var jik = j[i * n + k];
                e -= jik * s[i] * s[k];
                if (jik == 0) continue;
                bonds++;
                if (jik * s[i] * s[k] < 0) frustrated++;
            }
        }
        return (e, (double)total / n, (double)frustrated / Math.Max(1, bonds));
    }
}
