namespace IsingNative.Core;

/// <summary>
/// The §7 social-attention aggregation, written once for the managed backend (the native
/// library has its own in core/social.h, with the same operation order): attention weights
/// proportional to the scores (uniform when their sum is ≤ 1e-8), the attention-weighted
/// collective emotion and the first argmax.
/// </summary>
internal static class SocialAttentionCore
{
    /// <summary>Fills <paramref name="weights"/> from <paramref name="results"/>' scores; returns the first argmax.</summary>
    /// <param name="results">The empathy towards each other, in order.</param>
    /// <param name="emotions">The others' observables, in the same order.</param>
    /// <param name="weights">Receives one weight per other.</param>
    /// <param name="collective">The attention-weighted mean emotion.</param>
    public static int Aggregate(ReadOnlySpan<EmpathyResult> results, ReadOnlySpan<Observables> emotions,
        Span<double> weights, out EmotionVector collective)
    {
        int count = results.Length;
        double sum = 0.0;
        int best = 0;
        for (int k = 0; k < count; k++)
        {
            double score = results[k].Score;
            sum += score;
            if (score > results[best].Score) best = k;
        }
        for (int k = 0; k < count; k++) weights[k] = sum <= 1e-8 ? 1.0 / count : results[k].Score / sum;
        double v = 0, a = 0, t = 0, c = 0;
        for (int k = 0; k < count; k++)
        {
            EmotionVector e = emotions[k].Emotion;
            v = v + weights[k] * e.Valence;
            a = a + weights[k] * e.Arousal;
            t = t + weights[k] * e.Tension;
            c = c + weights[k] * e.Coherence;
        }
        collective = new EmotionVector(v, a, t, c);
        return best;
    }
}
