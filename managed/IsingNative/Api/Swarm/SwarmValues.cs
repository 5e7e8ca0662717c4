namespace IsingNative;

/// <summary>How a swarm evolves (docs/SWARM.md). Every field has the library's default.</summary>
public sealed record SwarmOptions
{
    /// <summary>The run seed: every anneal and every noise draw is a function of it (docs/SWARM.md §2).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The empathy computations' schedule and weights.</summary>
    public EmpathyOptions Empathy { get; init; } = EmpathyOptions.Default;

    /// <summary>Blend strength of the compassionate response, in [0, 1] (MODEL.md §8; default 0.1).</summary>
    public double Strength { get; init; } = IsingEngine.DefaultStrength;

    /// <summary>Noise level of the compassionate response, in [0, 1] (default 0.05).</summary>
    public double Noise { get; init; } = IsingEngine.DefaultNoise;

    /// <summary>Each agent's emotional-memory capacity, ≥ 1 (default 32).</summary>
    public int MemoryCapacity { get; init; } = EmotionalMemory.DefaultCapacity;

    /// <summary>
    /// When set, each agent's attention runs the full empathy only on its <see cref="PreFilter.TopK"/>
    /// neighbours ranked best by the filter's estimate (docs/SWARM.md §3); null: every neighbour.
    /// </summary>
    public PreFilter? PreFilter { get; init; }

    /// <summary>The default options.</summary>
    public static SwarmOptions Default { get; } = new();

    /// <summary>Throws naming the offending member and value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Empathy, nameof(Empathy));
        Empathy.Validate();
        Validation.CheckUnit(Strength, nameof(Strength));
        Validation.CheckUnit(Noise, nameof(Noise));
        PreFilter?.Validate(nameof(PreFilter));
        if (MemoryCapacity < 1)
            throw new ArgumentOutOfRangeException(nameof(MemoryCapacity), MemoryCapacity, $"MemoryCapacity must be >= 1, got {MemoryCapacity}.");
    }
}

/// <summary>Which compassionate response an agent applied in a round.</summary>
public enum SwarmResponse
{
    /// <summary>No response: the agent has no neighbours.</summary>
    None = 0,

    /// <summary>It blended its couplings towards its most empathic neighbour's (score &gt; 0.5).</summary>
    Blend = 1,

    /// <summary>It flipped its spins with thermal noise (score ≤ 0.5).</summary>
    Noise = 2,
}

/// <summary>What one agent did in one round (docs/SWARM.md §1).</summary>
/// <param name="Agent">The agent's index.</param>
/// <param name="Neighbours">How many neighbours it attended to (with a pre-filter: those it kept).</param>
/// <param name="ScoreSum">The sum of its empathy scores towards them, in neighbour order.</param>
/// <param name="RespondedTo">The most empathic neighbour (first argmax), or −1 without neighbours.</param>
/// <param name="Score">Its empathy towards that neighbour (0 without neighbours).</param>
/// <param name="Response">The response applied.</param>
/// <param name="Amount">The blend factor b or the flip probability τ applied (0 for none).</param>
/// <param name="Emotion">Its own emotion at the start of the round (what its memory recorded).</param>
/// <param name="Collective">The attention-weighted emotion of its neighbours (zero without neighbours).</param>
/// <param name="Energy">Its energy after the round.</param>
/// <param name="Drift">‖J − J₀‖ (Frobenius) of its couplings after the round against its initial ones.</param>
public readonly record struct SwarmAgentRound(int Agent, int Neighbours, double ScoreSum, int RespondedTo, double Score,
    SwarmResponse Response, double Amount, EmotionVector Emotion, EmotionVector Collective, double Energy, double Drift);

/// <summary>One agent's social attention in a round (<see cref="SwarmRules.Attend"/>).</summary>
/// <param name="Neighbours">How many neighbours it attended to.</param>
/// <param name="ScoreSum">The sum of its scores, in neighbour order.</param>
/// <param name="Chosen">The most empathic neighbour (first argmax), or −1 without neighbours.</param>
/// <param name="Score">Its score towards the chosen neighbour.</param>
/// <param name="Collective">The attention-weighted emotion of its neighbours.</param>
public readonly record struct SwarmAttention(int Neighbours, double ScoreSum, int Chosen, double Score, EmotionVector Collective);

/// <summary>
/// The statistics of one round, computed from the agents' <see cref="SwarmAgentRound"/>s in
/// agent order (so a cluster that gathers the same records gets the same bits).
/// </summary>
/// <param name="Round">The round's index, from 0.</param>
/// <param name="MeanEmpathy">Mean empathy over every edge of the graph.</param>
/// <param name="MeanResponseScore">Mean over agents with neighbours of their best score (the one they responded to).</param>
/// <param name="CollectiveEmotion">Mean over agents with neighbours of the collective emotion each perceived.</param>
/// <param name="MeanEmotion">Mean over all agents of their own emotion at the start of the round.</param>
/// <param name="MeanEnergy">Mean energy of the agents after the round.</param>
/// <param name="CouplingDrift">Mean over agents of ‖J − J₀‖ after the round.</param>
/// <param name="Blends">How many agents blended their couplings.</param>
/// <param name="NoiseResponses">How many agents responded with spin noise.</param>
public sealed record SwarmRoundStats(int Round, double MeanEmpathy, double MeanResponseScore, EmotionVector CollectiveEmotion,
    EmotionVector MeanEmotion, double MeanEnergy, double CouplingDrift, int Blends, int NoiseResponses);

/// <summary>Progress of a swarm run: rounds finished and the edges of the current round done.</summary>
/// <param name="Round">Rounds completed so far in this run.</param>
/// <param name="Rounds">Rounds this run will do.</param>
/// <param name="EdgesDone">Empathies of the current round finished.</param>
/// <param name="Edges">Empathies per round.</param>
public readonly record struct SwarmProgress(int Round, int Rounds, long EdgesDone, long Edges);

/// <summary>
/// An agent's whole state as plain arrays, for checkpoints and transport (a cluster persists
/// one per agent after each round). <see cref="SwarmAgent.FromState"/> restores it exactly.
/// </summary>
/// <param name="Couplings">n×n couplings, row-major.</param>
/// <param name="Fields">n fields.</param>
/// <param name="Spins">n spins (±1).</param>
/// <param name="InitialCouplings">The couplings at round 0 (for the drift).</param>
/// <param name="MemoryCapacity">The memory's capacity.</param>
/// <param name="MemoryEmotions">The remembered emotions, oldest first.</param>
/// <param name="MemoryScores">The remembered scores, oldest first.</param>
public sealed record SwarmAgentState(double[] Couplings, double[] Fields, sbyte[] Spins, double[] InitialCouplings,
    int MemoryCapacity, EmotionVector[] MemoryEmotions, double[] MemoryScores);
