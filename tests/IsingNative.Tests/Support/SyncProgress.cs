namespace IsingNative.Tests.Support;

/// <summary>A progress sink that reports synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SyncProgress(Action<BatchProgress> report) : IProgress<BatchProgress>
{
    public void Report(BatchProgress value) => report(value);
}
