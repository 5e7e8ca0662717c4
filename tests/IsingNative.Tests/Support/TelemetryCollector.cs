using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IsingNative.Tests.Support;

/// <summary>
/// Listens to the "IsingNative" meter and activity source and keeps what the creating thread
/// records (the engine records on the calling thread), so that a fixture running beside this
/// one cannot add to the numbers a test checks.
/// </summary>
internal sealed class TelemetryCollector : IDisposable
{
    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    private readonly int _thread = Environment.CurrentManagedThreadId;
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly List<Measurement> _measurements = [];
    private readonly List<Activity> _stopped = [];

    public TelemetryCollector()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IsingEngine.TelemetryName) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IsingEngine.TelemetryName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Environment.CurrentManagedThreadId == _thread) lock (_stopped) _stopped.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Environment.CurrentManagedThreadId != _thread) return;
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        lock (_measurements) _measurements.Add(new Measurement(instrument.Name, value, copy));
    }

    /// <summary>Every measurement of <paramref name="instrument"/> so far, in order.</summary>
    public IReadOnlyList<Measurement> Of(string instrument)
    {
        lock (_measurements) return _measurements.Where(m => m.Instrument == instrument).ToArray();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements whose tags include every given one.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags)
        => Of(instrument).Where(m => tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value))).Sum(m => m.Value);

    /// <summary>The activities stopped so far, in order.</summary>
    public IReadOnlyList<Activity> Activities { get { lock (_stopped) return _stopped.ToArray(); } }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}
