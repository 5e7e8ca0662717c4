using Microsoft.Extensions.Logging;

namespace IsingNative.Diagnostics;

/// <summary>
/// The engine's log messages (docs/MANAGED-API.md, "Observability"), generated at compile time
/// so that a disabled level costs one check and no formatting. Category: the logger the host
/// passes to <see cref="IsingEngine.Create"/>.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, EventName = "BackendChosen", Level = LogLevel.Information,
        Message = "IsingNative engine on {Backend} (threads: {Threads}), {Why}; backends here: {Backends}")]
    public static partial void BackendChosen(ILogger logger, string backend, int threads, string why, string backends);

    [LoggerMessage(EventId = 2, EventName = "AutoSkipped", Level = LogLevel.Warning,
        Message = "IsingNative Auto could not create {Backend} ({Reason}); trying the next backend")]
    public static partial void AutoSkipped(ILogger logger, string backend, string reason);

    [LoggerMessage(EventId = 3, EventName = "Fallback", Level = LogLevel.Warning,
        Message = "IsingNative engine left {Backend} for {Fallback} after a device fault: {Reason}")]
    public static partial void Fallback(ILogger logger, string backend, string fallback, string reason);
}
