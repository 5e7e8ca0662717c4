namespace IsingNative;

/// <summary>
/// The emotion of a system (MODEL.md §2, ALGORITHM.md §3): no learned weights, every
/// component is a closed-form function of the observables.
/// </summary>
/// <param name="Valence"><c>tanh(-E/n)</c>, in [-1, 1].</param>
/// <param name="Arousal"><c>1 - |m|</c>, in [0, 1].</param>
/// <param name="Tension">The frustration <c>f</c>, in [0, 1].</param>
/// <param name="Coherence"><c>|m|</c>, in [0, 1].</param>
public readonly record struct EmotionVector(double Valence, double Arousal, double Tension, double Coherence);

/// <summary>The observables of one system's current spins (ALGORITHM.md §3).</summary>
/// <param name="Energy"><c>E(s) = -Σ_{i&lt;j} J_ij s_i s_j - Σ_i h_i s_i</c>.</param>
/// <param name="Magnetization"><c>m = (1/n) Σ s_i</c>.</param>
/// <param name="Frustration">Fraction of non-zero bonds that are unsatisfied.</param>
/// <param name="Emotion">The emotion vector derived from the three above.</param>
public readonly record struct Observables(double Energy, double Magnetization, double Frustration, EmotionVector Emotion);

/// <summary>What one anneal did (ALGORITHM.md §4.5).</summary>
/// <param name="Steps">The number of β steps of the schedule (after adaptive steps were applied).</param>
/// <param name="Trials">Trials actually run (fewer than Steps*TrialsPerStep after an early stop).</param>
/// <param name="Accepted">Accepted flips.</param>
/// <param name="Energy">The §3 energy of the final spins (never the incrementally tracked one).</param>
public readonly record struct AnnealStats(int Steps, long Trials, long Accepted, double Energy);

/// <summary>The empathy of one system towards another, with every component (ALGORITHM.md §5).</summary>
/// <param name="Score">The weighted score, clamped to [0, 1].</param>
/// <param name="StateOverlap">Agreement of predicted and actual spins, Z2-symmetric, in [0.5, 1].</param>
/// <param name="EnergyError">Relative error of the predicted energy.</param>
/// <param name="MagnetizationError"><c>| |m_pred| - |m_act| |</c>.</param>
/// <param name="CouplingSimilarity">§6 similarity of the two coupling matrices, in [0, 1].</param>
/// <param name="PredictedEnergy">Energy of the annealed (predicted) spins under the other's J, h.</param>
/// <param name="ActualEnergy">Energy of the other's actual spins.</param>
/// <param name="Steps">β steps of the anneal.</param>
/// <param name="Trials">Trials the anneal ran.</param>
/// <param name="Accepted">Flips the anneal accepted.</param>
public readonly record struct EmpathyResult(double Score, double StateOverlap, double EnergyError,
    double MagnetizationError, double CouplingSimilarity, double PredictedEnergy, double ActualEnergy,
    int Steps, long Trials, long Accepted);

/// <summary>One empathy request of a batch: <paramref name="Self"/> towards <paramref name="Other"/>.</summary>
/// <param name="Self">The empathising system (only its couplings matter).</param>
/// <param name="Other">The system being simulated (its J, h are annealed; its spins are the truth).</param>
/// <param name="Seed">The anneal's seed.</param>
public readonly record struct EmpathyPair(IsingSystem Self, IsingSystem Other, ulong Seed);

/// <summary>The result of social attention (ALGORITHM.md §7).</summary>
/// <param name="Weights">Attention weights, summing to 1.</param>
/// <param name="Scores">Empathy score towards each other.</param>
/// <param name="CollectiveEmotion">Attention-weighted mean of the others' emotions.</param>
/// <param name="MostEmpathicIndex">First index of the highest score.</param>
/// <param name="Results">The full empathy result towards each other.</param>
public sealed record SocialAttentionResult(double[] Weights, double[] Scores, EmotionVector CollectiveEmotion,
    int MostEmpathicIndex, EmpathyResult[] Results);

/// <summary>The annealing-free estimate (ALGORITHM.md §7, Tier 3c).</summary>
/// <param name="Score"><c>0.7*(1 - min(|Es - Eo|/scale, 1)) + 0.3*c</c>.</param>
/// <param name="CouplingSimilarity">The §6 similarity <c>c</c>.</param>
/// <param name="EnergyDifference"><c>|Es - Eo|</c>.</param>
public readonly record struct QuickEstimate(double Score, double CouplingSimilarity, double EnergyDifference);

/// <summary>The states visited by fixed-β sampling (ALGORITHM.md §10).</summary>
/// <param name="States">The recorded states, each of length n.</param>
/// <param name="Energies">The §3 energy of each recorded state.</param>
/// <param name="Acceptance">Accepted / trials over the whole chain (burn-in included).</param>
/// <param name="Trials">Trials run.</param>
/// <param name="Accepted">Flips accepted.</param>
public sealed record SampleResult(sbyte[][] States, double[] Energies, double Acceptance, long Trials, long Accepted);
