using IsingNative.Tests.Support;
using Microsoft.Extensions.Logging;

namespace IsingNative.Tests;

/// <summary>What <see cref="IsingEngine.Create"/> tells the logger a host passes it (docs/MANAGED-API.md, "Observability").</summary>
public class EngineLogTests
{
    [Test]
    public void AutoLogsTheBackendItChoseAndEveryBackendsDetail()
    {
        var logger = new CollectingLogger();
        using var engine = IsingEngine.Create(BackendKind.Auto, 1, logger);

        var entries = logger.Entries;
        Assert.That(entries.Select(e => (e.Level, e.Id.Name)), Does.Contain((LogLevel.Information, "BackendChosen")));
        string message = entries.Single(e => e.Id.Name == "BackendChosen").Message;
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.StartWith($"IsingNative engine on {engine.BackendName} (threads: 1), Auto's choice"));
            foreach (BackendInfo b in IsingEngine.DescribeBackends())
                Assert.That(message, Does.Contain($"{b.Name} {(b.Available ? "available" : "unavailable")} ({b.Detail})"));
        });
    }

    [Test]
    public void AnExplicitBackendIsLoggedAsRequested()
    {
        var logger = new CollectingLogger();
        using var engine = IsingEngine.Create(BackendKind.Managed, 2, logger);

        Assert.That(logger.Entries.Select(e => (e.Level, e.Message)).ToArray(), Has.Length.EqualTo(1)
            .And.Exactly(1).Matches<(LogLevel Level, string Message)>(e =>
                e.Level == LogLevel.Information && e.Message.StartsWith("IsingNative engine on managed (threads: 2), as requested;", StringComparison.Ordinal)));
    }
}
