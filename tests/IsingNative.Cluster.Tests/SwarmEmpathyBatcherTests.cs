using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IsingNative.Cluster.Tests;

/// <summary>The silo's batcher hands the host's logger to its engine (docs/CLUSTER.md §5, "Observing a silo").</summary>
public class SwarmEmpathyBatcherTests
{
    /// <summary>Keeps every entry, as the host's logging would show it.</summary>
    private sealed class CollectingLogger : ILogger<SwarmEmpathyBatcher>
    {
        public readonly List<(LogLevel Level, string? Event, string Message)> Entries = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries) Entries.Add((logLevel, eventId.Name, formatter(state, exception)));
        }
    }

    [Test]
    public void TheEnginesBackendChoiceGoesToTheBatchersLogger()
    {
        var log = new CollectingLogger();
        using var batcher = new SwarmEmpathyBatcher(Options.Create(new SwarmSiloOptions { Backend = BackendKind.Managed, Threads = 1 }), log);

        Assert.That(log.Entries.Where(e => e.Event == "BackendChosen").Select(e => (e.Level, e.Message)).ToArray(),
            Has.Length.EqualTo(1).And.All.Matches<(LogLevel Level, string Message)>(e => e.Level == LogLevel.Information
                && e.Message.StartsWith($"IsingNative engine on {batcher.Engine.BackendName} (threads: 1), as requested", StringComparison.Ordinal)));
    }
}
