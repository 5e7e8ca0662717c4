namespace IsingNative;

/// <summary>
/// One anneal step by step (<see cref="IsingEngine.AnnealTrace"/>). Entry t of each array
/// describes step t of the §4.3 schedule; there are <see cref="AnnealStats.Steps"/> entries,
/// fewer when the early stop ended the anneal inside a step (that step is the last entry,
/// with the trials it ran).
/// </summary>
/// <param name="Stats">What the anneal did; equal to <see cref="IsingEngine.Anneal"/>'s result.</param>
/// <param name="Spins">The final spins; equal to <see cref="IsingEngine.Anneal"/>'s.</param>
/// <param name="Betas">β_t of each step.</param>
/// <param name="Energies">The §3 energy of the spins after each step (the last is <c>Stats.Energy</c>).</param>
/// <param name="Accepted">Flips accepted in each step (they sum to <c>Stats.Accepted</c>).</param>
/// <param name="Trials">Trials run in each step: TrialsPerStep, or fewer in a step the early stop ended (they sum to <c>Stats.Trials</c>).</param>
public sealed record AnnealTrace(AnnealStats Stats, sbyte[] Spins, double[] Betas, double[] Energies, long[] Accepted, long[] Trials);
