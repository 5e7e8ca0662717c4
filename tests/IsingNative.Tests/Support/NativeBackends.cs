using IsingNative.Backends.Native;

namespace IsingNative.Tests.Support;

/// <summary>
/// The native backends as test cases: each test asks <see cref="RequireAvailable"/> and is
/// ignored (with the reason the engine reports) where the backend is absent, so the suite
/// passes with and without the native library and GPU.
/// </summary>
internal static class NativeBackends
{
    /// <summary>NativeCpu and Gpu, always both (absent ones are ignored by the test).</summary>
    public static IEnumerable<BackendKind> Kinds() => [BackendKind.NativeCpu, BackendKind.Gpu];

    /// <summary>Ignores the current test, with the engine's reason, unless <paramref name="kind"/> is available.</summary>
    public static void RequireAvailable(BackendKind kind)
    {
        BackendInfo info = IsingEngine.DescribeBackends().Single(b => b.Kind == kind);
        if (!info.Available) Assert.Ignore($"{info.Name} unavailable here: {info.Detail}");
    }

    /// <summary>Ignores the current test unless the native library loaded and passed its checks.</summary>
    public static void RequireLibrary()
    {
        if (!NativeLibraryState.Current.Usable) Assert.Ignore($"native library unavailable here: {NativeLibraryState.Current.Detail}");
    }
}

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
