using IsingNative.Core;

namespace IsingNative;

/// <summary>
/// The swarm's rules for one agent in one round (docs/SWARM.md), written once: the single
/// process <see cref="SwarmSimulation"/> and a cluster's agents both call them, so both end
/// in the same bits.
/// </summary>
public static class SwarmRules
{
    /// <summary>
    /// The seed of agent <paramref name="self"/>'s anneal of <paramref name="other"/> in round
    /// <paramref name="round"/>: <c>seed + round·K² + self·K + other</c> (64-bit wrap-around),
    /// i.e. entry (self, other) of round r's empathy matrix with seed base <c>seed + r·K²</c>.
    /// </summary>
    /// <param name="seed">The run seed.</param>
    /// <param name="round">The round, from 0.</param>
    /// <param name="agentCount">K.</param>
    /// <param name="self">The attending agent.</param>
    /// <param name="other">The neighbour.</param>
    public static ulong EmpathySeed(ulong seed, int round, int agentCount, int self, int other)
    {
        ulong k = (ulong)agentCount;
        return unchecked(seed + (ulong)round * k * k + (ulong)self * k + (ulong)other);
    }

    /// <summary>The seed base of round <paramref name="round"/>'s edges: <c>seed + round·K²</c>.</summary>
    /// <param name="seed">The run seed.</param>
    /// <param name="round">The round, from 0.</param>
    /// <param name="agentCount">K.</param>
    public static ulong RoundSeedBase(ulong seed, int round, int agentCount) => EmpathySeed(seed, round, agentCount, 0, 0);

    /// <summary>
    /// The seed of agent <paramref name="agent"/>'s spin noise in round <paramref name="round"/>:
    /// the diagonal entry <c>EmpathySeed(seed, round, K, agent, agent)</c>, which no anneal
    /// uses (no agent attends to itself).
    /// </summary>
    /// <param name="seed">The run seed.</param>
    /// <param name="round">The round, from 0.</param>
    /// <param name="agentCount">K.</param>
    /// <param name="agent">The agent.</param>
    public static ulong NoiseSeed(ulong seed, int round, int agentCount, int agent) => EmpathySeed(seed, round, agentCount, agent, agent);

    /// <summary>
    /// One agent's round, after every empathy of the round has been computed from the state
    /// at its start: <see cref="Attend"/> then <see cref="Apply"/>. Mutates <paramref name="self"/> only.
    /// </summary>
    /// <param name="engine">Applies the response.</param>
    /// <param name="options">Strength and noise of the response.</param>
    /// <param name="round">The round, from 0.</param>
    /// <param name="agentCount">K.</param>
    /// <param name="agent">This agent's index.</param>
    /// <param name="self">This agent (mutated).</param>
    /// <param name="selfAtStart">Its observables at the start of the round.</param>
    /// <param name="neighbours">Its neighbours, in graph order.</param>
    /// <param name="results">Its empathy towards each neighbour, same order.</param>
    /// <param name="neighboursAtStart">Each neighbour's observables at the start of the round, same order.</param>
    /// <param name="systemAtStart">Gives a neighbour's system as it was at the start of the round (asked only for the chosen one, and only to blend).</param>
    /// <param name="weights">Scratch for the attention weights, at least as long as <paramref name="neighbours"/>.</param>
    public static SwarmAgentRound Respond(IsingEngine engine, SwarmOptions options, int round, int agentCount, int agent,
        SwarmAgent self, Observables selfAtStart, ReadOnlySpan<int> neighbours, ReadOnlySpan<EmpathyResult> results,
        ReadOnlySpan<Observables> neighboursAtStart, Func<int, IsingSystem> systemAtStart, Span<double> weights) =>
        Apply(engine, options, round, agentCount, agent, self, selfAtStart,
            Attend(neighbours, results, neighboursAtStart, weights), systemAtStart);

    /// <summary>
    /// Social attention of one agent over its neighbours (ALGORITHM.md §7: weights proportional
    /// to the scores, uniform when their sum is ≤ 1e-8; the weighted collective emotion; the
    /// first argmax). Pure: reads only its arguments.
    /// </summary>
    /// <param name="neighbours">The agent's neighbours, in graph order.</param>
    /// <param name="results">Its empathy towards each neighbour, same order.</param>
    /// <param name="neighboursAtStart">Each neighbour's observables at the start of the round, same order.</param>
    /// <param name="weights">Receives the attention weights (at least as long as <paramref name="neighbours"/>).</param>
    public static SwarmAttention Attend(ReadOnlySpan<int> neighbours, ReadOnlySpan<EmpathyResult> results,
        ReadOnlySpan<Observables> neighboursAtStart, Span<double> weights)
    {
        if (results.Length != neighbours.Length || neighboursAtStart.Length != neighbours.Length || weights.Length < neighbours.Length)
            throw new ArgumentException($"results ({results.Length}), neighboursAtStart ({neighboursAtStart.Length}) and weights ({weights.Length}) must match the {neighbours.Length} neighbours.", nameof(results));
        if (neighbours.IsEmpty) return new SwarmAttention(0, 0, -1, 0, default);
        int best = SocialAttentionCore.Aggregate(results, neighboursAtStart, weights[..neighbours.Length], out EmotionVector collective);
        double sum = 0;
        for (int k = 0; k < results.Length; k++) sum += results[k].Score;
        return new SwarmAttention(neighbours.Length, sum, neighbours[best], results[best].Score, collective);
    }

    /// <summary>
    /// The compassionate response (ALGORITHM.md §11) of one agent to the neighbour its
    /// attention chose: blend towards that neighbour's round-start couplings when the score is
    /// above 0.5, else spin noise with <see cref="NoiseSeed"/>; then one memory entry (own
    /// round-start emotion, the score). Nothing happens without neighbours. Mutates
    /// <paramref name="self"/> only.
    /// </summary>
    /// <param name="engine">Applies the response.</param>
    /// <param name="options">Strength and noise of the response.</param>
    /// <param name="round">The round, from 0.</param>
    /// <param name="agentCount">K.</param>
    /// <param name="agent">This agent's index.</param>
    /// <param name="self">This agent (mutated).</param>
    /// <param name="selfAtStart">Its observables at the start of the round.</param>
    /// <param name="attention">Its <see cref="Attend"/> result.</param>
    /// <param name="systemAtStart">Gives the chosen neighbour's round-start system (asked only to blend).</param>
    public static SwarmAgentRound Apply(IsingEngine engine, SwarmOptions options, int round, int agentCount, int agent,
        SwarmAgent self, Observables selfAtStart, SwarmAttention attention, Func<int, IsingSystem> systemAtStart)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(systemAtStart);
        if (attention.Neighbours == 0)
            return new SwarmAgentRound(agent, 0, 0, -1, 0, SwarmResponse.None, 0, selfAtStart.Emotion, default, self.System.Energy(), self.Drift());
        double score = attention.Score;
        IsingSystem target = score > 0.5 ? systemAtStart(attention.Chosen) : self.System;   // noise never reads the other
        double amount = engine.CompassionateResponse(self.System, target, score, NoiseSeed(options.Seed, round, agentCount, agent),
            options.Strength, options.Noise);
        self.Memory.Record(selfAtStart.Emotion, score);
        return new SwarmAgentRound(agent, attention.Neighbours, attention.ScoreSum, attention.Chosen, score,
            score > 0.5 ? SwarmResponse.Blend : SwarmResponse.Noise, amount, selfAtStart.Emotion, attention.Collective,
            self.System.Energy(), self.Drift());
    }

    /// <summary>The round's statistics from every agent's record, summed in agent order.</summary>
    /// <param name="round">The round.</param>
    /// <param name="agents">One record per agent, in agent order.</param>
    public static SwarmRoundStats Summarize(int round, ReadOnlySpan<SwarmAgentRound> agents)
    {
        double scoreSum = 0, bestSum = 0, energy = 0, drift = 0;
        long edges = 0;
        int attending = 0, blends = 0, noise = 0;
        double cv = 0, ca = 0, ct = 0, cc = 0, ev = 0, ea = 0, et = 0, ec = 0;
        foreach (ref readonly var r in agents)
        {
            scoreSum += r.ScoreSum;
            edges += r.Neighbours;
            energy += r.Energy;
            drift += r.Drift;
            ev += r.Emotion.Valence; ea += r.Emotion.Arousal; et += r.Emotion.Tension; ec += r.Emotion.Coherence;
            if (r.Response == SwarmResponse.Blend) blends++;
            else if (r.Response == SwarmResponse.Noise) noise++;
            if (r.Neighbours == 0) continue;
            attending++;
            bestSum += r.Score;
            cv += r.Collective.Valence; ca += r.Collective.Arousal; ct += r.Collective.Tension; cc += r.Collective.Coherence;
        }
        double k = Math.Max(agents.Length, 1), m = Math.Max(attending, 1);
        return new SwarmRoundStats(round, edges == 0 ? 0 : scoreSum / edges, bestSum / m,
            new EmotionVector(cv / m, ca / m, ct / m, cc / m), new EmotionVector(ev / k, ea / k, et / k, ec / k),
            energy / k, drift / k, blends, noise);
    }
}
