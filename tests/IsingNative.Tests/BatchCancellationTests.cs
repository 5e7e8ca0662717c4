using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// IsingEngine.EmpathyBatch with a token and progress: tiles of BatchTile pairs, the same results
/// as the one-call batch, progress after each tile, and a cancellation between tiles leaves the
/// finished tiles written and the rest untouched.
/// </summary>
public class BatchCancellationTests
{
    public static IEnumerable<BackendKind> Backends() => [BackendKind.Managed, BackendKind.NativeCpu, BackendKind.Gpu];

    /// <summary>Reports synchronously on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Recorder(Action<BatchProgress>? onReport = null) : IProgress<BatchProgress>
    {
        public List<BatchProgress> Reports { get; } = [];
        public void Report(BatchProgress value) { Reports.Add(value); onReport?.Invoke(value); }
    }

    private static EmpathyPair[] Pairs(int count)
    {
        var systems = new IsingSystem[16];
        for (int k = 0; k < systems.Length; k++)
            systems[k] = k % 2 == 0 ? IsingSystem.SeedPattern(8, (ulong)(100 + k)) : IsingSystem.SpinGlass(8, (ulong)(100 + k));
        var pairs = new EmpathyPair[count];
        for (int k = 0; k < count; k++) pairs[k] = new EmpathyPair(systems[k % 16], systems[(k * 7 + 3) % 16], (ulong)(5000 + k));
        return pairs;
    }

    private static IsingEngine Engine(BackendKind kind)
    {
        if (kind != BackendKind.Managed) NativeBackends.RequireAvailable(kind);
        return IsingEngine.Create(kind);
    }

    private static readonly EmpathyOptions Short = EmpathyOptions.Default with { Anneal = AnnealOptions.Default with { Steps = 10 } };

    [TestCaseSource(nameof(Backends))]
    public void TiledBatchEqualsTheOneCallBatchAndReportsEveryTile(BackendKind kind)
    {
        using IsingEngine engine = Engine(kind);
        EmpathyPair[] pairs = Pairs(2 * IsingEngine.BatchTile + 37);
        var expected = new EmpathyResult[pairs.Length];
        engine.EmpathyBatch(pairs, expected, Short);

        var actual = new EmpathyResult[pairs.Length];
        var progress = new Recorder();
        using var cts = new CancellationTokenSource();
        engine.EmpathyBatch(pairs, actual, Short, cts.Token, progress);
        for (int k = 0; k < pairs.Length; k++) Bits.Same(expected[k], actual[k], $"pair {k}");
        Assert.That(progress.Reports.Select(r => r.Done), Is.EqualTo(new long[] { IsingEngine.BatchTile, 2 * IsingEngine.BatchTile, pairs.Length }));
        Assert.That(progress.Reports.Select(r => r.Total), Is.All.EqualTo(pairs.Length));
    }

    [TestCaseSource(nameof(Backends))]
    public void CancellingAfterTheFirstTileKeepsItAndLeavesTheRestUntouched(BackendKind kind)
    {
        using IsingEngine engine = Engine(kind);
        EmpathyPair[] pairs = Pairs(3 * IsingEngine.BatchTile);
        var expected = new EmpathyResult[pairs.Length];
        engine.EmpathyBatch(pairs, expected, Short);

        var actual = new EmpathyResult[pairs.Length];
        using var cts = new CancellationTokenSource();
        var progress = new Recorder(_ => cts.Cancel());
        Assert.Throws<OperationCanceledException>(() => engine.EmpathyBatch(pairs, actual, Short, cts.Token, progress));
        Assert.That(progress.Reports, Has.Count.EqualTo(1), "one tile finished before the cancellation was seen");
        for (int k = 0; k < IsingEngine.BatchTile; k++) Bits.Same(expected[k], actual[k], $"pair {k} (finished tile)");
        for (int k = IsingEngine.BatchTile; k < pairs.Length; k++)
            Assert.That(actual[k], Is.EqualTo(default(EmpathyResult)), $"pair {k} is past the cancellation and must be untouched");
    }

    [Test]
    public void AnAlreadyCancelledTokenWritesNothing()
    {
        using IsingEngine engine = IsingEngine.Create(BackendKind.Managed);
        EmpathyPair[] pairs = Pairs(10);
        var actual = new EmpathyResult[pairs.Length];
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => engine.EmpathyBatch(pairs, actual, Short, cts.Token));
        Assert.That(actual, Is.All.EqualTo(default(EmpathyResult)));
    }
}
