using System.Diagnostics;

namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// A status line on stderr for long work (<c>swarm</c>, <c>bench</c>). CLI.md: progress only
/// when stderr is a terminal, so redirected runs and <c>--json</c> pipelines stay clean.
/// The line is refreshed by a timer so that even a single long library call shows that
/// time is passing.
/// </summary>
internal sealed class Progress : IDisposable
{
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly Lock _gate = new();
    private string _label;
    private int _lastLength;
    private bool _disposed;

    /// <summary>Starts showing <paramref name="label"/> with the elapsed time.</summary>
    public Progress(string label)
    {
        _label = label;
        if (_enabled) _timer = new Timer(_ => Draw(), null, 0, 250);
    }

    /// <summary>Changes the text shown (for example the metric now being measured).</summary>
    public void Update(string label)
    {
        lock (_gate) _label = label;
        Draw();
    }

    private void Draw()
    {
        if (!_enabled) return;
        lock (_gate)
        {
            if (_disposed) return;
            var line = $"{_label}  [{_clock.Elapsed.TotalSeconds:F1} s]";
            var pad = Math.Max(0, _lastLength - line.Length);
            Console.Error.Write("\r" + line + new string(' ', pad));
            _lastLength = line.Length;
        }
    }

    /// <summary>Stops the timer and erases the status line.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_enabled && _lastLength > 0)
                Console.Error.Write("\r" + new string(' ', _lastLength) + "\r");
        }
    }
}
