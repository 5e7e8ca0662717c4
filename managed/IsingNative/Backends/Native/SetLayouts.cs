using System.Runtime.CompilerServices;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// The public value types an agent set hands to the native library without a copy (whole
/// K×K result buffers would otherwise be converted field by field) must have the generated C
/// struct's size and field placement. <see cref="Mismatches"/> proves it without reflection
/// (trimming- and NativeAOT-safe): a value with a distinct number in every field is
/// reinterpreted as the C struct (and back) and every field is read where the C side reads
/// it. A test asserts it, and <see cref="NativeAgentSet"/> refuses to run if it ever fails.
/// </summary>
internal static class SetLayouts
{
    /// <summary>Every disagreement between a public type and its C struct (empty when they agree).</summary>
    public static List<string> Mismatches()
    {
        var problems = new List<string>();
        void Expect(bool same, string what) { if (!same) problems.Add(what); }

        Size<AgentPair, IsnPair>(problems);
        var pair = new AgentPair(11, 12, 13);
        IsnPair p = Unsafe.As<AgentPair, IsnPair>(ref pair);
        Expect(p.self_index == 11 && p.other_index == 12 && p.seed == 13, "AgentPair is not isn_pair");

        Size<AgentEdge, IsnEdge>(problems);
        var edge = new AgentEdge(21, 22);
        IsnEdge e = Unsafe.As<AgentEdge, IsnEdge>(ref edge);
        Expect(e.self_index == 21 && e.other_index == 22, "AgentEdge is not isn_edge");

        Size<EmpathyResult, IsnEmpathyResult>(problems);
        var result = new EmpathyResult(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        IsnEmpathyResult r = Unsafe.As<EmpathyResult, IsnEmpathyResult>(ref result);
        Expect(r.score == 1 && r.state_overlap == 2 && r.energy_error == 3 && r.magnetization_error == 4
            && r.coupling_similarity == 5 && r.predicted_energy == 6 && r.actual_energy == 7
            && r.steps == 8 && r.trials == 9 && r.accepted == 10, "EmpathyResult is not isn_empathy_result");

        Size<Observables, IsnObservables>(problems);
        Size<EmotionVector, IsnEmotion>(problems);
        var observables = new Observables(1, 2, 3, new EmotionVector(4, 5, 6, 7));
        IsnObservables o = Unsafe.As<Observables, IsnObservables>(ref observables);
        Expect(o.energy == 1 && o.magnetization == 2 && o.frustration == 3 && o.emotion.valence == 4
            && o.emotion.arousal == 5 && o.emotion.tension == 6 && o.emotion.coherence == 7, "Observables is not isn_observables");

        Size<QuickEstimate, IsnQuickEstimate>(problems);
        var quick = new QuickEstimate(1, 2, 3);
        IsnQuickEstimate q = Unsafe.As<QuickEstimate, IsnQuickEstimate>(ref quick);
        Expect(q.score == 1 && q.coupling_similarity == 2 && q.energy_difference == 3, "QuickEstimate is not isn_quick_estimate");

        Size<AnnealStats, IsnAnnealStats>(problems);
        var stats = new AnnealStats(1, 2, 3, 4);
        IsnAnnealStats s = Unsafe.As<AnnealStats, IsnAnnealStats>(ref stats);
        Expect(s.steps == 1 && s.trials == 2 && s.accepted == 3 && s.energy == 4, "AnnealStats is not isn_anneal_stats");
        return problems;
    }

    /// <summary>Checked once per process.</summary>
    public static readonly bool Agree = Mismatches().Count == 0;

    private static void Size<TPublic, TNative>(List<string> problems) where TPublic : unmanaged where TNative : unmanaged
    {
        if (Unsafe.SizeOf<TPublic>() != Unsafe.SizeOf<TNative>())
            problems.Add($"{typeof(TPublic).Name}: sizeof {Unsafe.SizeOf<TPublic>()}, {typeof(TNative).Name}: {Unsafe.SizeOf<TNative>()}");
    }
}
