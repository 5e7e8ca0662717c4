namespace IsingNative;

/// <summary>
/// What an <see cref="EmotionalMemory"/> recalls: the mean of each remembered value,
/// how many entries there are, and the trend of the score.
/// </summary>
/// <param name="Valence">Mean valence.</param>
/// <param name="Arousal">Mean arousal.</param>
/// <param name="Tension">Mean tension.</param>
/// <param name="Coherence">Mean coherence.</param>
/// <param name="Score">Mean score.</param>
/// <param name="Count">Number of remembered entries.</param>
/// <param name="Trend">
/// <c>mean(newer half) - mean(older half)</c> of the scores in chronological order, where
/// each half has <c>Count/2</c> entries (the middle entry of an odd count belongs to
/// neither); 0 when <c>Count &lt; 4</c>.
/// </param>
public readonly record struct MemoryRecall(double Valence, double Arousal, double Tension, double Coherence,
    double Score, int Count, double Trend);

/// <summary>
/// A ring buffer of (emotion, score) entries (MODEL.md §8). When full, a new entry
/// replaces the oldest. Not thread-safe.
/// </summary>
public sealed class EmotionalMemory
{
    private readonly EmotionVector[] _emotions;
    private readonly double[] _scores;
    private int _next;   // slot the next Record writes
    private int _count;

    /// <summary>The default capacity (MODEL.md §8).</summary>
    public const int DefaultCapacity = 32;

    /// <summary>Creates an empty memory.</summary>
    /// <param name="capacity">How many entries are kept, ≥ 1. Default 32.</param>
    public EmotionalMemory(int capacity = DefaultCapacity)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity must be >= 1, got {capacity}.");
        _emotions = new EmotionVector[capacity];
        _scores = new double[capacity];
    }

    /// <summary>The most entries kept.</summary>
    public int Capacity => _scores.Length;

    /// <summary>The number of entries now kept.</summary>
    public int Count => _count;

    /// <summary>Remembers one (emotion, score), forgetting the oldest entry when full.</summary>
    /// <param name="emotion">The emotion; every component must be finite.</param>
    /// <param name="score">The score; must be finite.</param>
    public void Record(EmotionVector emotion, double score)
    {
        if (!double.IsFinite(emotion.Valence) || !double.IsFinite(emotion.Arousal)
            || !double.IsFinite(emotion.Tension) || !double.IsFinite(emotion.Coherence))
            throw new ArgumentException($"emotion: every component must be finite, got {emotion}.", nameof(emotion));
        if (!double.IsFinite(score))
            throw new ArgumentOutOfRangeException(nameof(score), score, $"score must be finite, got {score}.");
        _emotions[_next] = emotion;
        _scores[_next] = score;
        _next = _next + 1 == Capacity ? 0 : _next + 1;
        if (_count < Capacity) _count++;
    }

    /// <summary>Recalls the means, the count and the score trend (all 0 when empty).</summary>
    public MemoryRecall Recall()
    {
        if (_count == 0) return default;
        double v = 0, a = 0, t = 0, c = 0, s = 0;
        for (int k = 0; k < _count; k++)
        {
            int slot = Slot(k);
            EmotionVector e = _emotions[slot];
            v += e.Valence; a += e.Arousal; t += e.Tension; c += e.Coherence; s += _scores[slot];
        }
        double trend = 0;
        if (_count >= 4)
        {
            int half = _count / 2;
            double older = 0, newer = 0;
            for (int k = 0; k < half; k++) older += _scores[Slot(k)];
            for (int k = _count - half; k < _count; k++) newer += _scores[Slot(k)];
            trend = newer / half - older / half;
        }
        double inv = _count;
        return new MemoryRecall(v / inv, a / inv, t / inv, c / inv, s / inv, _count, trend);
    }

    /// <summary>
    /// Copies the entries oldest first into <paramref name="emotions"/> and <paramref name="scores"/>
    /// (each at least <see cref="Count"/> long); recording them in that order into an empty memory
    /// of the same capacity restores an identical <see cref="Recall"/>.
    /// </summary>
    /// <param name="emotions">Receives the emotions.</param>
    /// <param name="scores">Receives the scores.</param>
    public void CopyTo(Span<EmotionVector> emotions, Span<double> scores)
    {
        if (emotions.Length < _count)
            throw new ArgumentException($"emotions: needs room for {_count} entries, has {emotions.Length}.", nameof(emotions));
        if (scores.Length < _count)
            throw new ArgumentException($"scores: needs room for {_count} entries, has {scores.Length}.", nameof(scores));
        for (int k = 0; k < _count; k++)
        {
            int slot = Slot(k);
            emotions[k] = _emotions[slot];
            scores[k] = _scores[slot];
        }
    }

    /// <summary>The slot of the k-th entry in chronological order (0 = oldest).</summary>
    private int Slot(int k)
    {
        int oldest = _count < Capacity ? 0 : _next;
        int slot = oldest + k;
        return slot >= Capacity ? slot - Capacity : slot;
    }
}
