using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// The public value types an agent set hands to the native library without a copy
/// (whole K×K result buffers would otherwise be converted field by field): each has the
/// generated C struct's size and field offsets. <see cref="Mismatches"/> proves it, a test
/// asserts it, and <see cref="NativeAgentSet"/> refuses to run if it ever fails.
/// </summary>
internal static class SetLayouts
{
    /// <summary>Every field whose offset differs between a public type and its C struct (empty when they agree).</summary>
    public static List<string> Mismatches()
    {
        var problems = new List<string>();
        Compare<AgentPair, IsnPair>(problems, ("Self", "self_index"), ("Other", "other_index"), ("Seed", "seed"));
        Compare<AgentEdge, IsnEdge>(problems, ("Self", "self_index"), ("Other", "other_index"));
        Compare<EmpathyResult, IsnEmpathyResult>(problems, ("Score", "score"), ("StateOverlap", "state_overlap"),
            ("EnergyError", "energy_error"), ("MagnetizationError", "magnetization_error"),
            ("CouplingSimilarity", "coupling_similarity"), ("PredictedEnergy", "predicted_energy"),
            ("ActualEnergy", "actual_energy"), ("Steps", "steps"), ("Trials", "trials"), ("Accepted", "accepted"));
        Compare<Observables, IsnObservables>(problems, ("Energy", "energy"), ("Magnetization", "magnetization"),
            ("Frustration", "frustration"), ("Emotion", "emotion"));
        Compare<EmotionVector, IsnEmotion>(problems, ("Valence", "valence"), ("Arousal", "arousal"),
            ("Tension", "tension"), ("Coherence", "coherence"));
        Compare<QuickEstimate, IsnQuickEstimate>(problems, ("Score", "score"),
            ("CouplingSimilarity", "coupling_similarity"), ("EnergyDifference", "energy_difference"));
        Compare<AnnealStats, IsnAnnealStats>(problems, ("Steps", "steps"), ("Trials", "trials"),
            ("Accepted", "accepted"), ("Energy", "energy"));
        return problems;
    }

    /// <summary>Checked once per process.</summary>
    public static readonly bool Agree = Mismatches().Count == 0;

    private static void Compare<TPublic, TNative>(List<string> problems, params (string Public, string Native)[] fields)
        where TPublic : unmanaged where TNative : unmanaged
    {
        if (Unsafe.SizeOf<TPublic>() != Unsafe.SizeOf<TNative>())
            problems.Add($"{typeof(TPublic).Name}: sizeof {Unsafe.SizeOf<TPublic>()}, {typeof(TNative).Name}: {Unsafe.SizeOf<TNative>()}");
        foreach (var (pub, native) in fields)
        {
            // A positional record's property is backed by "<Name>k__BackingField".
            nint a = Marshal.OffsetOf<TPublic>($"<{pub}>k__BackingField");
            nint b = Marshal.OffsetOf<TNative>(native);
            if (a != b) problems.Add($"{typeof(TPublic).Name}.{pub} at {a}, {typeof(TNative).Name}.{native} at {b}");
        }
    }
}
