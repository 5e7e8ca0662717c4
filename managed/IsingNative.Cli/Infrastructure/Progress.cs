using System.Diagnostics;
using System.Runtime.InteropServices;

namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// A status line on stderr for long work (<c>swarm</c>, <c>anneal</c>, <c>social</c>, <c>bench</c>).
/// CLI.md: progress only when stderr is a terminal, so redirected runs and <c>--json</c>
/// pipelines stay clean. The line is refreshed by a timer so that even a single long library
/// call shows that time is passing. Given to a library call as its
/// <see cref="IProgress{BatchProgress}"/>, it shows the percentage done and an ETA (elapsed
/// time × work left ÷ work done, so it settles as the tiles finish); a counting progress also
/// owns <see cref="Cancellation"/>, cancelled by the first Ctrl+C or SIGTERM (the library stops
/// between tiles and the command exits with code 1, "ising: cancelled", keeping what it keeps
/// for Ctrl+C: a service manager's or a batch system's stop must not lose more than a user's);
/// a second one ends the process at once.
/// </summary>
internal sealed class Progress : IDisposable, IProgress<BatchProgress>
{
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly Lock _gate = new();
    private readonly string? _unit;
    private readonly CancellationTokenSource? _cancel;
    private readonly ConsoleCancelEventHandler? _onCancel;
    private readonly PosixSignalRegistration? _onTerminate;
    private string _label;
    private BatchProgress? _done;
    private TimeSpan _doneAt;
    private int _lastLength;
    private bool _disposed;

    /// <summary>
    /// Starts showing <paramref name="label"/> with the elapsed time. With a
    /// <paramref name="unit"/> (such as "empathies") the line counts reported work in that
    /// unit and Ctrl+C cancels <see cref="Cancellation"/>.
    /// </summary>
    public Progress(string label, string? unit = null)
    {
        _label = label;
        _unit = unit;
        if (unit is not null)
        {
            _cancel = new CancellationTokenSource();
            _onCancel = (_, e) =>
            {
                // The first Ctrl+C asks the work to stop; a second one (work that does not
                // notice) falls through to the default: the process ends.
                if (_cancel.IsCancellationRequested) return;
                e.Cancel = true;
                _cancel.Cancel();
            };
            Console.CancelKeyPress += _onCancel;
            try
            {
                _onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
                {
                    if (_cancel.IsCancellationRequested) return;
                    context.Cancel = true;
                    _cancel.Cancel();
                });
            }
            catch (PlatformNotSupportedException)
            {
                // No SIGTERM here (Windows): Ctrl+C alone cancels.
            }
        }
        if (_enabled) _timer = new Timer(_ => Draw(), null, 0, 250);
    }

    /// <summary>Cancelled by Ctrl+C or SIGTERM while this progress counts work (never cancelled otherwise).</summary>
    public CancellationToken Cancellation => _cancel?.Token ?? CancellationToken.None;

    /// <summary>Changes the text shown (for example the metric now being measured).</summary>
    public void Update(string label)
    {
        lock (_gate) _label = label;
        Draw();
    }

    /// <summary>Work done so far (from the library, on the calling thread).</summary>
    public void Report(BatchProgress value)
    {
        lock (_gate)
        {
            _done = value;
            _doneAt = _clock.Elapsed;
        }
        Draw();
    }

    /// <summary>The status line for <paramref name="done"/> of the work after <paramref name="elapsed"/>.</summary>
    internal static string Line(string label, string? unit, BatchProgress? done, TimeSpan elapsed, TimeSpan doneAt)
    {
        var time = $"{elapsed.TotalSeconds:F1} s";
        if (done is not { Total: > 0 } d) return $"{label}  [{time}]";
        var fraction = Math.Clamp((double)d.Done / d.Total, 0, 1);
        var eta = d.Done > 0 && d.Done < d.Total
            // Rate of the finished work, measured when it was reported; the time since then
            // counts as already spent on the work left.
            ? $", ETA {Math.Max(0, doneAt.TotalSeconds * (d.Total - d.Done) / d.Done - (elapsed - doneAt).TotalSeconds):F1} s"
            : "";
        return $"{label}: {d.Done:N0} of {d.Total:N0} {unit} ({fraction * 100:F0}%)  [{time}{eta}]";
    }

    private void Draw()
    {
        if (!_enabled) return;
        lock (_gate)
        {
            if (_disposed) return;
            var line = Line(_label, _unit, _done, _clock.Elapsed, _doneAt);
            var pad = Math.Max(0, _lastLength - line.Length);
            Console.Error.Write("\r" + line + new string(' ', pad));
            _lastLength = line.Length;
        }
    }

    /// <summary>Stops the timer, erases the status line and lets Ctrl+C end the process again.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        if (_onCancel is not null) Console.CancelKeyPress -= _onCancel;
        _onTerminate?.Dispose();
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_enabled && _lastLength > 0)
                Console.Error.Write("\r" + new string(' ', _lastLength) + "\r");
        }
        _cancel?.Dispose();
    }
}
