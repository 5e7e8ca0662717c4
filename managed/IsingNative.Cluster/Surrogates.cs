namespace IsingNative.Cluster;

// Orleans surrogates for the library's value types: the library stays free of Orleans (it is
// trimmable and NativeAOT-compatible), so the wire shapes live here. Every double travels as
// its bits (Orleans' codec writes doubles as 8 raw bytes), which the cluster's bit identity
// depends on.

/// <summary>Wire shape of <see cref="EmotionVector"/>.</summary>
[GenerateSerializer, Immutable]
public readonly struct EmotionVectorSurrogate
{
    /// <summary>Valence.</summary>
    [Id(0)] public readonly double Valence;
    /// <summary>Arousal.</summary>
    [Id(1)] public readonly double Arousal;
    /// <summary>Tension.</summary>
    [Id(2)] public readonly double Tension;
    /// <summary>Coherence.</summary>
    [Id(3)] public readonly double Coherence;

    /// <summary>From the library's value.</summary>
    public EmotionVectorSurrogate(EmotionVector e) { Valence = e.Valence; Arousal = e.Arousal; Tension = e.Tension; Coherence = e.Coherence; }

    /// <summary>To the library's value.</summary>
    public EmotionVector ToValue() => new(Valence, Arousal, Tension, Coherence);
}

/// <summary>Converts <see cref="EmotionVector"/>.</summary>
[RegisterConverter]
public sealed class EmotionVectorConverter : IConverter<EmotionVector, EmotionVectorSurrogate>
{
    /// <inheritdoc/>
    public EmotionVector ConvertFromSurrogate(in EmotionVectorSurrogate surrogate) => surrogate.ToValue();
    /// <inheritdoc/>
    public EmotionVectorSurrogate ConvertToSurrogate(in EmotionVector value) => new(value);
}

/// <summary>Wire shape of <see cref="Observables"/>.</summary>
[GenerateSerializer, Immutable]
public readonly record struct ObservablesSurrogate(
    [property: Id(0)] double Energy, [property: Id(1)] double Magnetization, [property: Id(2)] double Frustration,
    [property: Id(3)] EmotionVector Emotion);

/// <summary>Converts <see cref="Observables"/>.</summary>
[RegisterConverter]
public sealed class ObservablesConverter : IConverter<Observables, ObservablesSurrogate>
{
    /// <inheritdoc/>
    public Observables ConvertFromSurrogate(in ObservablesSurrogate s) => new(s.Energy, s.Magnetization, s.Frustration, s.Emotion);
    /// <inheritdoc/>
    public ObservablesSurrogate ConvertToSurrogate(in Observables v) => new(v.Energy, v.Magnetization, v.Frustration, v.Emotion);
}

/// <summary>Wire shape of <see cref="SwarmAgentRound"/>.</summary>
[GenerateSerializer, Immutable]
public readonly record struct SwarmAgentRoundSurrogate(
    [property: Id(0)] int Agent, [property: Id(1)] int Neighbours, [property: Id(2)] double ScoreSum,
    [property: Id(3)] int RespondedTo, [property: Id(4)] double Score, [property: Id(5)] int Response,
    [property: Id(6)] double Amount, [property: Id(7)] EmotionVector Emotion, [property: Id(8)] EmotionVector Collective,
    [property: Id(9)] double Energy, [property: Id(10)] double Drift);

/// <summary>Converts <see cref="SwarmAgentRound"/>.</summary>
[RegisterConverter]
public sealed class SwarmAgentRoundConverter : IConverter<SwarmAgentRound, SwarmAgentRoundSurrogate>
{
    /// <inheritdoc/>
    public SwarmAgentRound ConvertFromSurrogate(in SwarmAgentRoundSurrogate s) =>
        new(s.Agent, s.Neighbours, s.ScoreSum, s.RespondedTo, s.Score, (SwarmResponse)s.Response, s.Amount, s.Emotion, s.Collective, s.Energy, s.Drift);
    /// <inheritdoc/>
    public SwarmAgentRoundSurrogate ConvertToSurrogate(in SwarmAgentRound v) =>
        new(v.Agent, v.Neighbours, v.ScoreSum, v.RespondedTo, v.Score, (int)v.Response, v.Amount, v.Emotion, v.Collective, v.Energy, v.Drift);
}

/// <summary>Wire and storage shape of <see cref="SwarmAgentState"/>.</summary>
[GenerateSerializer, Immutable]
public readonly record struct SwarmAgentStateSurrogate(
    [property: Id(0)] double[] Couplings, [property: Id(1)] double[] Fields, [property: Id(2)] sbyte[] Spins,
    [property: Id(3)] double[] InitialCouplings, [property: Id(4)] int MemoryCapacity,
    [property: Id(5)] EmotionVector[] MemoryEmotions, [property: Id(6)] double[] MemoryScores);

/// <summary>Converts <see cref="SwarmAgentState"/>.</summary>
[RegisterConverter]
public sealed class SwarmAgentStateConverter : IConverter<SwarmAgentState, SwarmAgentStateSurrogate>
{
    /// <inheritdoc/>
    public SwarmAgentState ConvertFromSurrogate(in SwarmAgentStateSurrogate s) =>
        new(s.Couplings, s.Fields, s.Spins, s.InitialCouplings, s.MemoryCapacity, s.MemoryEmotions, s.MemoryScores);
    /// <inheritdoc/>
    public SwarmAgentStateSurrogate ConvertToSurrogate(in SwarmAgentState v) =>
        new(v.Couplings, v.Fields, v.Spins, v.InitialCouplings, v.MemoryCapacity, v.MemoryEmotions, v.MemoryScores);
}

/// <summary>
/// Wire and storage shape of <see cref="SwarmOptions"/>, flattened (its empathy options,
/// anneal schedule and weights included).
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct SwarmOptionsSurrogate(
    [property: Id(0)] ulong Seed, [property: Id(1)] double Strength, [property: Id(2)] double Noise, [property: Id(3)] int MemoryCapacity,
    [property: Id(4)] int Steps, [property: Id(5)] int TrialsPerStep, [property: Id(6)] double BetaStart, [property: Id(7)] double BetaEnd,
    [property: Id(8)] bool AdaptiveSteps, [property: Id(9)] int Acceptance, [property: Id(10)] int Precision, [property: Id(11)] int SweepOrder,
    [property: Id(12)] bool HasEarlyStop, [property: Id(13)] int EarlyStopWindow, [property: Id(14)] double EarlyStopBetaThreshold,
    [property: Id(15)] double WeightOverlap, [property: Id(16)] double WeightEnergy, [property: Id(17)] double WeightCoupling,
    [property: Id(18)] double WeightMagnetization, [property: Id(19)] int PreFilterTopK, [property: Id(20)] int PreFilterMethod);

/// <summary>Converts <see cref="SwarmOptions"/> (value equality survives the round trip).</summary>
[RegisterConverter]
public sealed class SwarmOptionsConverter : IConverter<SwarmOptions, SwarmOptionsSurrogate>
{
    /// <inheritdoc/>
    public SwarmOptions ConvertFromSurrogate(in SwarmOptionsSurrogate s) => new()
    {
        Seed = s.Seed,
        Strength = s.Strength,
        Noise = s.Noise,
        MemoryCapacity = s.MemoryCapacity,
        Empathy = new EmpathyOptions
        {
            Anneal = new AnnealOptions
            {
                Steps = s.Steps,
                TrialsPerStep = s.TrialsPerStep,
                BetaStart = s.BetaStart,
                BetaEnd = s.BetaEnd,
                AdaptiveSteps = s.AdaptiveSteps,
                Acceptance = (AcceptanceRule)s.Acceptance,
                Precision = (Precision)s.Precision,
                SweepOrder = (SweepOrder)s.SweepOrder,
                EarlyStop = s.HasEarlyStop ? new EarlyStop(s.EarlyStopWindow, s.EarlyStopBetaThreshold) : null,
            },
            Weights = new EmpathyWeights(s.WeightOverlap, s.WeightEnergy, s.WeightCoupling, s.WeightMagnetization),
        },
        PreFilter = s.PreFilterTopK > 0 ? new PreFilter(s.PreFilterTopK, (QuickMethod)s.PreFilterMethod) : null,
    };

    /// <inheritdoc/>
    public SwarmOptionsSurrogate ConvertToSurrogate(in SwarmOptions v)
    {
        AnnealOptions a = v.Empathy.Anneal;
        EmpathyWeights w = v.Empathy.Weights;
        return new(v.Seed, v.Strength, v.Noise, v.MemoryCapacity, a.Steps, a.TrialsPerStep, a.BetaStart, a.BetaEnd, a.AdaptiveSteps,
            (int)a.Acceptance, (int)a.Precision, (int)a.SweepOrder, a.EarlyStop is not null, a.EarlyStop?.Window ?? 0,
            a.EarlyStop?.BetaThreshold ?? 0, w.Overlap, w.Energy, w.Coupling, w.Magnetization,
            v.PreFilter?.TopK ?? 0, (int)(v.PreFilter?.Method ?? default));
    }
}
