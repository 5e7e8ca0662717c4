using Microsoft.Extensions.Logging;

namespace IsingNative.Tests.Support;

/// <summary>An <see cref="ILogger"/> that keeps every entry at or above its level, for tests of what the engine logs.</summary>
internal sealed class CollectingLogger(LogLevel minimum = LogLevel.Trace) : ILogger
{
    public sealed record Entry(LogLevel Level, EventId Id, string Message);

    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries { get { lock (_entries) return _entries.ToArray(); } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        lock (_entries) _entries.Add(new Entry(logLevel, eventId, formatter(state, exception)));
    }
}
