namespace IsingNative.Tests.Support;

/// <summary>Bit-for-bit comparisons (NaN payloads and the sign of zero included).</summary>
internal static class Bits
{
    public static void Same(double expected, double actual, string what)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
            Assert.Fail($"{what}: expected {expected:R} (0x{BitConverter.DoubleToInt64Bits(expected):X16}), " +
                        $"got {actual:R} (0x{BitConverter.DoubleToInt64Bits(actual):X16})");
    }

    public static void Same(EmpathyResult e, EmpathyResult a, string what)
    {
        Same(e.Score, a.Score, what + ".Score");
        Same(e.StateOverlap, a.StateOverlap, what + ".StateOverlap");
        Same(e.EnergyError, a.EnergyError, what + ".EnergyError");
        Same(e.MagnetizationError, a.MagnetizationError, what + ".MagnetizationError");
        Same(e.CouplingSimilarity, a.CouplingSimilarity, what + ".CouplingSimilarity");
        Same(e.PredictedEnergy, a.PredictedEnergy, what + ".PredictedEnergy");
        Same(e.ActualEnergy, a.ActualEnergy, what + ".ActualEnergy");
        if (e.Steps != a.Steps || e.Trials != a.Trials || e.Accepted != a.Accepted)
            Assert.Fail($"{what}: steps/trials/accepted expected {e.Steps}/{e.Trials}/{e.Accepted}, got {a.Steps}/{a.Trials}/{a.Accepted}");
    }

    public static void Same(AnnealStats e, AnnealStats a, string what)
    {
        Same(e.Energy, a.Energy, what + ".Energy");
        if (e.Steps != a.Steps || e.Trials != a.Trials || e.Accepted != a.Accepted)
            Assert.Fail($"{what}: steps/trials/accepted expected {e.Steps}/{e.Trials}/{e.Accepted}, got {a.Steps}/{a.Trials}/{a.Accepted}");
    }

    public static void Same(EmotionVector e, EmotionVector a, string what)
    {
        Same(e.Valence, a.Valence, what + ".Valence");
        Same(e.Arousal, a.Arousal, what + ".Arousal");
        Same(e.Tension, a.Tension, what + ".Tension");
        Same(e.Coherence, a.Coherence, what + ".Coherence");
    }

    public static void Same(Observables e, Observables a, string what)
    {
        Same(e.Energy, a.Energy, what + ".Energy");
        Same(e.Magnetization, a.Magnetization, what + ".Magnetization");
        Same(e.Frustration, a.Frustration, what + ".Frustration");
        Same(e.Emotion, a.Emotion, what + ".Emotion");
    }

    public static void Same(QuickEstimate e, QuickEstimate a, string what)
    {
        Same(e.Score, a.Score, what + ".Score");
        Same(e.CouplingSimilarity, a.CouplingSimilarity, what + ".CouplingSimilarity");
        Same(e.EnergyDifference, a.EnergyDifference, what + ".EnergyDifference");
    }

    public static void Same(ReadOnlySpan<sbyte> e, ReadOnlySpan<sbyte> a, string what)
    {
        if (!e.SequenceEqual(a))
        {
            int i = 0;
            while (i < Math.Min(e.Length, a.Length) && e[i] == a[i]) i++;
            Assert.Fail($"{what}: spins differ (lengths {e.Length}/{a.Length}, first difference at {i})");
        }
    }
}
