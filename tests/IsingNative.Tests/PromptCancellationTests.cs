using System.Diagnostics;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Issue 22 part 9: every long call answers a cancellation promptly. Tiles are sized by time
/// (native library and managed engine alike), so a token cancelled shortly after a matrix starts
/// stops it within a tile of ~30 ms, and SocialAttention, once uncancellable, takes a token and a
/// progress sink (C API 1.4: isn_set_social_attention_run). Latency bounds are deliberately loose
/// (2 s on a call that would run for many seconds): they fail only when cancellation is not honoured,
/// never because a shared machine is slow.
/// </summary>
public class PromptCancellationTests
{
    public static IEnumerable<BackendKind> Backends() => [BackendKind.Managed, BackendKind.NativeCpu, BackendKind.Gpu];

    private static IsingEngine Engine(BackendKind kind)
    {
        if (kind != BackendKind.Managed) NativeBackends.RequireAvailable(kind);
        return IsingEngine.Create(kind);
    }

    /// <summary>Default-sized systems but 100x the default trials: ~0.1-0.3 ms an empathy, so big calls run for seconds.</summary>
    private static readonly EmpathyOptions Heavy = EmpathyOptions.Default with
    {
        Anneal = AnnealOptions.Default with { Steps = 1000, TrialsPerStep = 100 },
    };

    private static readonly EmpathyOptions Short = EmpathyOptions.Default with { Anneal = AnnealOptions.Default with { Steps = 10 } };

    private static IsingSystem[] Agents(int k, int n)
        => Enumerable.Range(0, k).Select(i => i % 2 == 0 ? IsingSystem.SeedPattern(n, (ulong)(300 + i)) : IsingSystem.SpinGlass(n, (ulong)(300 + i))).ToArray();

    private static void Same(SocialAttentionResult e, SocialAttentionResult a, string what)
    {
        Assert.That(a.MostEmpathicIndex, Is.EqualTo(e.MostEmpathicIndex), what + ": most empathic");
        Bits.Same(e.CollectiveEmotion, a.CollectiveEmotion, what + ": collective");
        Assert.That(a.Weights.Length, Is.EqualTo(e.Weights.Length));
        for (int k = 0; k < e.Weights.Length; k++)
        {
            Bits.Same(e.Weights[k], a.Weights[k], $"{what}: weight {k}");
            Bits.Same(e.Results[k], a.Results[k], $"{what}: result {k}");
        }
    }

    [TestCaseSource(nameof(Backends))]
    public void SocialAttentionWithATokenGivesTheSameBitsAndReportsProgress(BackendKind kind)
    {
        using IsingEngine engine = Engine(kind);
        IsingSystem[] agents = Agents(12, 16);
        IsingSystem[] others = Enumerable.Range(0, 600).Select(k => agents[1 + k % 11]).ToArray();
        SocialAttentionResult plain = engine.SocialAttention(agents[0], others, 77, Short);
        var reports = new List<BatchProgress>();
        using var cts = new CancellationTokenSource();
        SocialAttentionResult controlled = engine.SocialAttention(agents[0], others, 77, Short, cts.Token, new SyncProgress(reports.Add));
        Same(plain, controlled, "engine");
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports.Select(r => r.Done), Is.Ordered.Ascending.And.Unique);
        Assert.That(reports[^1], Is.EqualTo(new BatchProgress(600, 600)));

        using AgentSet set = engine.CreateAgentSet(agents);
        int[] indices = Enumerable.Range(0, 600).Select(k => 1 + k % 11).ToArray();
        Same(plain, set.SocialAttention(0, indices, 77, Short, cts.Token), "set");
        var filter = new PreFilter(100, QuickMethod.Quench);
        Same(set.SocialAttention(0, indices, 77, Short, filter), set.SocialAttention(0, indices, 77, Short, filter, cts.Token), "pre-filtered set");
    }

    [TestCaseSource(nameof(Backends))]
    public void SocialAttentionCancelledFromProgressThrowsAndChangesNothing(BackendKind kind)
    {
        using IsingEngine engine = Engine(kind);
        IsingSystem[] agents = Agents(12, 16);
        using AgentSet set = engine.CreateAgentSet(agents);
        int[] indices = Enumerable.Range(0, 3000).Select(k => 1 + k % 11).ToArray();
        SocialAttentionResult before = set.SocialAttention(0, indices, 5, Short);
        sbyte[][] spins = agents.Select(a => a.Spins.ToArray()).ToArray();

        using var cts = new CancellationTokenSource();
        var reports = new List<BatchProgress>();
        var e = Assert.Throws<OperationCanceledException>(() =>
            set.SocialAttention(0, indices, 5, Short, cts.Token, new SyncProgress(p => { reports.Add(p); cts.Cancel(); })))!;
        Assert.That(e.CancellationToken, Is.EqualTo(cts.Token));
        Assert.That(reports, Has.Count.EqualTo(1), "stopped after the first tile");
        Assert.That(reports[0].Done, Is.LessThan(3000));
        for (int a = 0; a < agents.Length; a++) Assert.That(agents[a].Spins.ToArray(), Is.EqualTo(spins[a]), $"agent {a} unchanged");
        Same(before, set.SocialAttention(0, indices, 5, Short), "the set after a cancelled call");

        // A token cancelled before the call: nothing runs, on the engine's borrowed path too.
        var none = new List<BatchProgress>();
        Assert.Throws<OperationCanceledException>(() =>
            engine.SocialAttention(agents[0], agents.AsSpan(1), 5, Short, cts.Token, new SyncProgress(none.Add)));
        Assert.That(none, Is.Empty);
    }

    [TestCaseSource(nameof(Backends))]
    public void SocialAttentionCancelledByTimeStopsPromptly(BackendKind kind)
    {
        using IsingEngine engine = Engine(kind);
        IsingSystem[] agents = Agents(8, 20);
        using AgentSet set = engine.CreateAgentSet(agents);
        int[] indices = Enumerable.Range(0, 100_000).Select(k => 1 + k % 7).ToArray();   // minutes uncancelled
        long lastDone = 0;
        var cancelledAt = new Stopwatch();
        using var cts = new CancellationTokenSource();
        using CancellationTokenRegistration r = cts.Token.Register(cancelledAt.Start);
        cts.CancelAfter(150);
        Assert.Throws<OperationCanceledException>(() =>
            set.SocialAttention(0, indices, 9, Heavy, cts.Token, new SyncProgress(p => lastDone = p.Done)));
        cancelledAt.Stop();
        Assert.That(lastDone, Is.LessThan(indices.Length), "the call was stopped, it did not finish");
        Assert.That(cancelledAt.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "cancellation answered within a tile, not at the end");
    }

    [TestCaseSource(nameof(Backends))]
    public void AMatrixCancelledShortlyAfterItStartsStopsPromptlyWithItsFinishedPrefixWritten(BackendKind kind)
    {
        using IsingEngine engine = Engine(kind);
        const int k = 300;
        IsingSystem[] agents = Agents(k, 20);
        using AgentSet set = engine.CreateAgentSet(agents);
        var scores = new double[k * k];
        Array.Fill(scores, double.NaN);
        long lastDone = 0;
        var cancelledAt = new Stopwatch();
        using var cts = new CancellationTokenSource();
        using CancellationTokenRegistration r = cts.Token.Register(cancelledAt.Start);
        cts.CancelAfter(200);
        var e = Assert.Throws<OperationCanceledException>(() =>
            set.EmpathyMatrix(3, scores, Heavy, cts.Token, new SyncProgress(p => lastDone = p.Done)))!;
        cancelledAt.Stop();
        Assert.That(e.CancellationToken, Is.EqualTo(cts.Token));
        Assert.That(cancelledAt.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "cancellation answered within a tile");
        // The documented state: the entries of the finished tiles (those progress reported) are
        // written and are the uncancelled entries; everything after is untouched.
        Assert.That(lastDone, Is.LessThan((long)k * k));
        Assert.That(scores.Take((int)lastDone), Has.None.NaN, "finished tiles written");
        Assert.That(scores.Skip((int)lastDone), Is.All.NaN, "nothing after the last finished tile");
        foreach (long entry in new[] { 0L, lastDone / 2, lastDone - 1 }.Where(x => x >= 0).Distinct())
        {
            int a = (int)(entry / k), b = (int)(entry % k);
            Bits.Same(set.Empathy(a, b, 3 + (ulong)entry, Heavy).Score, scores[entry], $"entry {entry}");
        }
    }

    [TestCaseSource(nameof(Backends))]
    public void TimeSizedAnnealTilesGiveTheUncontrolledBits(BackendKind kind)
    {
        using IsingEngine engine = Engine(kind);
        IsingSystem[] agents = Agents(9, 12);   // mixed n would not matter; one n keeps the offsets simple
        using AgentSet set = engine.CreateAgentSet(agents);
        int[] members = Enumerable.Range(0, 5000).Select(k => k % 9).ToArray();
        ulong[] seeds = Enumerable.Range(0, 5000).Select(k => (ulong)(k * 31 + 7)).ToArray();
        var plainSpins = new sbyte[5000 * 12];
        var plainStats = new AnnealStats[5000];
        set.AnnealBatch(members, seeds, plainSpins, plainStats, Short.Anneal);
        var spins = new sbyte[5000 * 12];
        var stats = new AnnealStats[5000];
        var reports = new List<BatchProgress>();
        using var cts = new CancellationTokenSource();
        set.AnnealBatch(members, seeds, spins, stats, Short.Anneal, cts.Token, new SyncProgress(reports.Add));
        Assert.That(reports.Count, Is.GreaterThan(1), "several tiles");
        Assert.That(reports[0].Done, Is.EqualTo(64), "the first tile of a controlled call is small");
        Assert.That(reports[^1], Is.EqualTo(new BatchProgress(5000, 5000)));
        Assert.That(spins, Is.EqualTo(plainSpins), "the same final spins");
        for (int k = 0; k < stats.Length; k++) Bits.Same(plainStats[k], stats[k], $"anneal {k}");
    }
}
