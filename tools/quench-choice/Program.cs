// Issue 15, item 2: which annealing-free, deterministic construction ranks pairs like the full
// empathy. For n in {12, 20, 32} and both generators, random pairs; the full empathy (default
// options) with anneal seeds 1..8; per (generator, n) and pooled over n: Spearman(estimate, full
// seed 1), Spearman(full seed 1, full seed 2), top-10% recall against the mean of the 8 seeds, mean
// |estimate - full seed 1|, and cost per pair (one thread, the same pairs) of the library's Quench and
// Seed against one full empathy. "seed" and "quench" are the library (IsingEngine.QuickBatch); the
// other columns are prototypes here (quench from the other's spins, a greedy sequential assignment
// then a quench, the lowest-energy of 2-3 quenches, 20 mean-field iterations then a quench), scored
// with the same components and weights. Output: estimate Spearman/recall/MAD per column.
using System.Diagnostics;
using IsingNative;

var engine = IsingEngine.Create(BackendKind.Managed, 1);
var opts = EmpathyOptions.Default;
var w = opts.Weights;
int pairsPerCell = args.Length > 0 ? int.Parse(args[0]) : 200;
int rngSeed = args.Length > 1 ? int.Parse(args[1]) : 12345;
var rng = new Random(rngSeed);
string[] names = ["seed", "quench", "other", "greedy", "best2", "best2g", "best3", "mf"];
Console.WriteLine($"pairs per (generator, n): {pairsPerCell}, rng {rngSeed}; columns: Spearman(est, full seed 1) / top-10% recall vs mean of 8 seeds / mean |est - full1|");
foreach (var gen in new[] { "seed", "spin" })
{
    var allFull1 = new List<double>(); var allFull2 = new List<double>(); var allMean = new List<double>();
    var allEst = names.ToDictionary(x => x, _ => new List<double>());
    foreach (int n in new[] { 12, 20, 32 })
    {
        var f1 = new List<double>(); var f2 = new List<double>(); var fm = new List<double>();
        var est = names.ToDictionary(x => x, _ => new List<double>());
        var pairs = new List<EmpathyPair>();
        for (int p = 0; p < pairsPerCell; p++)
        {
            ulong a = (ulong)rng.NextInt64(1, 1_000_000_000), b = (ulong)rng.NextInt64(1, 1_000_000_000);
            IsingSystem S(ulong s) => gen == "seed" ? IsingSystem.SeedPattern(n, s) : IsingSystem.SpinGlass(n, s);
            pairs.Add(new(S(a), S(b), 1));
        }
        var pa = pairs.ToArray();
        var full = new EmpathyResult[pa.Length];
        var sum = new double[pa.Length];
        for (ulong k = 1; k <= 8; k++)
        {
            var ps = pa.Select(x => x with { Seed = k }).ToArray();
            engine.EmpathyBatch(ps, full, opts);
            for (int i = 0; i < pa.Length; i++) { sum[i] += full[i].Score; if (k == 1) f1.Add(full[i].Score); if (k == 2) f2.Add(full[i].Score); }
        }
        fm.AddRange(sum.Select(x => x / 8));
        var q = new QuickEstimate[pa.Length];
        engine.QuickBatch(pa, q, QuickMethod.Seed); est["seed"].AddRange(q.Select(x => x.Score));
        engine.QuickBatch(pa, q, QuickMethod.Quench); est["quench"].AddRange(q.Select(x => x.Score));
        foreach (var name in names.Skip(2))
            foreach (var pr in pa) est[name].Add(Est.Score(name, pr.Self, pr.Other, engine.CouplingSimilarity(pr.Self, pr.Other), w));
        // cost: one thread, the same pairs, interleaved repeats, best of 5
        double tFull = double.MaxValue, tQuench = double.MaxValue, tSeed = double.MaxValue;
        for (int r = 0; r < 3; r++) { engine.EmpathyBatch(pa, full, opts); engine.QuickBatch(pa, q, QuickMethod.Quench); engine.QuickBatch(pa, q, QuickMethod.Seed); }
        for (int r = 0; r < 9; r++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew(); engine.EmpathyBatch(pa, full, opts); tFull = Math.Min(tFull, sw.Elapsed.TotalNanoseconds / pa.Length);
            sw.Restart(); for (int z = 0; z < 5; z++) engine.QuickBatch(pa, q, QuickMethod.Quench); tQuench = Math.Min(tQuench, sw.Elapsed.TotalNanoseconds / pa.Length / 5);
            sw.Restart(); for (int z = 0; z < 5; z++) engine.QuickBatch(pa, q, QuickMethod.Seed); tSeed = Math.Min(tSeed, sw.Elapsed.TotalNanoseconds / pa.Length / 5);
        }
        Console.Write($"{gen} n={n}: S(f1,f2)={Stat.Spearman(f1, f2):F3} recall(f1)={Stat.Recall(f1, fm):F2}; cost/pair full {tFull:F0} ns, quench {tQuench:F0} ns ({tQuench / tFull:P1}), seed {tSeed:F0} ns ({tSeed / tFull:P1}) |");
        foreach (var name in names) Console.Write($" {name} {Stat.Spearman(est[name], f1):F2}/{Stat.Recall(est[name], fm):F2}/{Stat.Mad(est[name], f1):F3}");
        Console.WriteLine();
        allFull1.AddRange(f1); allFull2.AddRange(f2); allMean.AddRange(fm);
        foreach (var name in names) allEst[name].AddRange(est[name]);
    }
    Console.Write($"{gen} pooled over n: S(f1,f2)={Stat.Spearman(allFull1, allFull2):F3} recall(f1)={Stat.Recall(allFull1, allMean):F2} target {0.9 * Stat.Spearman(allFull1, allFull2):F3} |");
    foreach (var name in names) Console.Write($" {name} {Stat.Spearman(allEst[name], allFull1):F2}/{Stat.Recall(allEst[name], allMean):F2}/{Stat.Mad(allEst[name], allFull1):F3}");
    Console.WriteLine();
}

// Swarm pre-filtering: all K^2 ordered pairs of K agents (the quench runs once per other).
foreach (var gen in new[] { "seed", "spin" })
    foreach (int n in new[] { 20, 32 })
    {
        const int K = 64;
        var agents = Enumerable.Range(0, K).Select(a => gen == "seed" ? IsingSystem.SeedPattern(n, (ulong)(1000 + a)) : IsingSystem.SpinGlass(n, (ulong)(1000 + a))).ToArray();
        var sp = (from a in agents from b in agents select new EmpathyPair(a, b, 1)).ToArray();
        var fr = new EmpathyResult[sp.Length];
        var qr = new QuickEstimate[sp.Length];
        double tF = double.MaxValue, tQ = double.MaxValue;
        for (int r = 0; r < 7; r++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew(); engine.EmpathyBatch(sp, fr, opts); tF = Math.Min(tF, sw.Elapsed.TotalNanoseconds / sp.Length);
            sw.Restart(); engine.QuickBatch(sp, qr, QuickMethod.Quench); tQ = Math.Min(tQ, sw.Elapsed.TotalNanoseconds / sp.Length);
        }
        Console.WriteLine($"swarm {gen} K={K} n={n}: per pair full {tF:F0} ns, quench batch {tQ:F0} ns ({tQ / tF:P1})");
    }

static class Stat
{
    public static double[] Ranks(List<double> x)
    {
        var idx = Enumerable.Range(0, x.Count).OrderBy(i => x[i]).ToArray();
        var r = new double[x.Count];
        for (int i = 0; i < idx.Length;)
        {
            int j = i; while (j + 1 < idx.Length && x[idx[j + 1]] == x[idx[i]]) j++;
            for (int k = i; k <= j; k++) r[idx[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return r;
    }
    public static double Spearman(List<double> a, List<double> b)
    {
        var ra = Ranks(a); var rb = Ranks(b); double ma = ra.Average(), mb = rb.Average();
        double s = 0, sa = 0, sb = 0;
        for (int i = 0; i < ra.Length; i++) { s += (ra[i] - ma) * (rb[i] - mb); sa += (ra[i] - ma) * (ra[i] - ma); sb += (rb[i] - mb) * (rb[i] - mb); }
        return s / Math.Sqrt(sa * sb);
    }
    public static double Mad(List<double> a, List<double> b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
    public static double Recall(List<double> est, List<double> truth)
    {
        int k = Math.Max(1, (int)Math.Ceiling(est.Count * 0.1));
        var top = Enumerable.Range(0, truth.Count).OrderByDescending(i => truth[i]).Take(k).ToHashSet();
        var pick = Enumerable.Range(0, est.Count).OrderByDescending(i => est[i]).Take(k);
        return pick.Count(top.Contains) / (double)k;
    }
}

static class Est
{
    static double Energy(int n, ReadOnlySpan<double> J, ReadOnlySpan<double> h, ReadOnlySpan<sbyte> s)
    {
        double E = 0;
        for (int i = 0; i < n; i++) { double row = 0; for (int j = i + 1; j < n; j++) row += J[i * n + j] * s[j]; E = E + ((s[i] * row) + (h[i] * s[i])); }
        return -E;
    }
    // Sequential zero-temperature quench; returns sweeps.
    public static int Quench(int n, ReadOnlySpan<double> J, ReadOnlySpan<double> h, Span<sbyte> s, int cap = 100)
    {
        Span<double> phi = stackalloc double[n];
        for (int i = 0; i < n; i++) { double f = 0; for (int j = 0; j < n; j++) f += J[i * n + j] * s[j]; phi[i] = f + h[i]; }
        for (int sweep = 0; sweep < cap; sweep++)
        {
            bool any = false;
            for (int i = 0; i < n; i++)
            {
                double dE = (2.0 * s[i]) * phi[i];
                if (dE < 0) { s[i] = (sbyte)-s[i]; any = true; double t = 2.0 * s[i]; for (int j = 0; j < n; j++) phi[j] = phi[j] + t * J[i * n + j]; }
            }
            if (!any) return sweep + 1;
        }
        return cap;
    }
    static void Greedy(int n, ReadOnlySpan<double> J, ReadOnlySpan<double> h, Span<sbyte> s)
    {
        for (int i = 0; i < n; i++) { double f = h[i]; for (int j = 0; j < i; j++) f += J[i * n + j] * s[j]; s[i] = f >= 0 ? (sbyte)1 : (sbyte)-1; }
    }
    static void MeanField(int n, ReadOnlySpan<double> J, ReadOnlySpan<double> h, ReadOnlySpan<sbyte> so, Span<sbyte> s)
    {
        Span<double> m = stackalloc double[n];
        for (int i = 0; i < n; i++) m[i] = 0.1 * so[i];
        for (int it = 0; it < 20; it++)
            for (int i = 0; i < n; i++) { double f = h[i]; for (int j = 0; j < n; j++) f += J[i * n + j] * m[j]; m[i] = Math.Tanh(3.0 * f); }
        for (int i = 0; i < n; i++) s[i] = m[i] >= 0 ? (sbyte)1 : (sbyte)-1;
    }
    public static double Score(string name, IsingSystem self, IsingSystem other, double c, EmpathyWeights w)
    {
        int n = other.Size; var J = other.Couplings; var h = other.Fields; var so = other.Spins;
        Span<sbyte> p = stackalloc sbyte[n]; Span<sbyte> q = stackalloc sbyte[n];
        double bestE = double.PositiveInfinity;
        void Try(Span<sbyte> cand, ReadOnlySpan<double> J2, ReadOnlySpan<double> h2, Span<sbyte> pp, ref double be)
        {
            double e = Energy(n, J2, h2, cand);
            if (e < be) { be = e; cand.CopyTo(pp); }
        }
        switch (name)
        {
            case "plus": p.Fill(1); Quench(n, J, h, p); break;
            case "sgnh": for (int i = 0; i < n; i++) p[i] = h[i] >= 0 ? (sbyte)1 : (sbyte)-1; Quench(n, J, h, p); break;
            case "other": so.CopyTo(p); Quench(n, J, h, p); break;
            case "self": self.Spins.CopyTo(p); Quench(n, J, h, p); break;
            case "greedy": Greedy(n, J, h, p); Quench(n, J, h, p); break;
            case "mf": MeanField(n, J, h, so, p); Quench(n, J, h, p); break;
            case "best2":
                q.Fill(1); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                so.CopyTo(q); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                break;
            case "best2g":
                q.Fill(1); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                Greedy(n, J, h, q); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                break;
            case "best3":
            case "best5":
            case "bestmf":
                q.Fill(1); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                so.CopyTo(q); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                Greedy(n, J, h, q); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                if (name == "best5")
                {
                    self.Spins.CopyTo(q); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                    for (int i = 0; i < n; i++) q[i] = (sbyte)((i & 1) == 0 ? 1 : -1); Quench(n, J, h, q); Try(q, J, h, p, ref bestE);
                }
                if (name == "bestmf") { MeanField(n, J, h, so, q); Quench(n, J, h, q); Try(q, J, h, p, ref bestE); }
                break;
        }
        double Ep = Energy(n, J, h, p), Ea = Energy(n, J, h, so);
        int agree = 0, mp = 0, ma = 0; for (int i = 0; i < n; i++) { agree += p[i] == so[i] ? 1 : 0; mp += p[i]; ma += so[i]; }
        double d = (double)agree / n; double ov = d > 0.95 ? d : (double)Math.Max(agree, n - agree) / n;
        double ee = Math.Abs(Ep - Ea) / Math.Max(Math.Max(Math.Abs(Ep), Math.Abs(Ea)), 1.0);
        double me = Math.Abs(Math.Abs((double)mp / n) - Math.Abs((double)ma / n));
        double a = w.Overlap * ov; a += w.Energy * Math.Max(0, 1 - ee); a += w.Coupling * c; a += w.Magnetization * (1 - Math.Min(1, me));
        return Math.Clamp(a, 0, 1);
    }
}
