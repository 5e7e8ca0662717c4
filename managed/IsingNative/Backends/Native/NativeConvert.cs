using IsingNative.Core;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// Field-by-field conversions between the engine's internal structs and the generated
/// C structs. Explicit copies (not reinterpret casts) so a reordered header cannot silently
/// swap two fields; every conversion is a handful of moves on the stack.
/// </summary>
internal static unsafe class NativeConvert
{
    public static IsnSystemView View(SystemView v) => new()
    {
        n = v.N, couplings = v.J, fields = v.H, spins = v.S,
    };

    public static IsnAnnealOptions Options(in AnnealParams p) => new()
    {
        steps = p.Steps,
        trials_per_step = p.TrialsPerStep,
        beta_start = p.BetaStart,
        beta_end = p.BetaEnd,
        adaptive_steps = p.AdaptiveSteps,
        acceptance = p.Acceptance,
        precision = p.Precision,
        early_stop_window = p.EarlyStopWindow,
        early_stop_beta = p.EarlyStopBeta,
        sweep_order = p.SweepOrder,
    };

    public static IsnEmpathyOptions Options(in AnnealParams p, in ScoreWeights w) => new()
    {
        anneal = Options(p),
        weights = new IsnWeights { overlap = w.Overlap, energy = w.Energy, coupling = w.Coupling, magnetization = w.Magnetization },
    };

    public static IsnEstimateOptions Options(in QuickParams p) => new()
    {
        method = (int)p.Method,
        scale = p.Scale,
        weights = new IsnWeights { overlap = p.Weights.Overlap, energy = p.Weights.Energy, coupling = p.Weights.Coupling, magnetization = p.Weights.Magnetization },
    };

    public static AnnealStats Stats(in IsnAnnealStats s) => new(s.steps, s.trials, s.accepted, s.energy);

    public static EmpathyResult Result(in IsnEmpathyResult r) => new(r.score, r.state_overlap, r.energy_error,
        r.magnetization_error, r.coupling_similarity, r.predicted_energy, r.actual_energy, r.steps, r.trials, r.accepted);

    public static Observables Observables(in IsnObservables o) => new(o.energy, o.magnetization, o.frustration,
        new EmotionVector(o.emotion.valence, o.emotion.arousal, o.emotion.tension, o.emotion.coherence));
}
