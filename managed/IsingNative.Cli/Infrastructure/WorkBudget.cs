namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// A ceiling on the single-spin trials one command may ask for, checked from the options
/// before anything is generated, so that a typing slip (<c>--agents 46340</c>: 2.1·10⁹
/// pairs) is refused at once instead of running for hours. 2^40 ≈ 1.1·10¹² trials is
/// hours of work even on a GPU; with the default schedule (100 steps × 10 trials) it allows
/// a swarm of about 33,000 agents.
/// </summary>
internal static class WorkBudget
{
    /// <summary>Most single-spin trials (anneals × steps × trials per step) of one command.</summary>
    public const double MaxTrials = 1L << 40;

    /// <summary>Throws bad input naming <paramref name="options"/> when <paramref name="trials"/> exceed <see cref="MaxTrials"/>.</summary>
    public static void RequireTrials(string options, double trials, string what)
    {
        if (trials > MaxTrials)
            throw new CliInputException(
                $"{options}: {what} make {trials:0.##e+0} single-spin trials, more than the {MaxTrials:0.##e+0} one command may run");
    }

    /// <summary>Throws bad input naming <paramref name="options"/> when <paramref name="anneals"/> anneals of the schedule exceed <see cref="MaxTrials"/>.</summary>
    public static void Require(string options, long anneals, string what, AnnealOptions schedule, int n)
    {
        double perAnneal = (double)schedule.StepsFor(Math.Max(n, 1)) * schedule.TrialsPerStep;
        double trials = anneals * perAnneal;
        if (trials > MaxTrials)
            throw new CliInputException(
                $"{options}: {what} at {perAnneal:N0} trials each, {trials:0.##e+0} single-spin trials in all, more than the " +
                $"{MaxTrials:0.##e+0} one command may run; use {(anneals > 1 ? "fewer agents or " : "")}a shorter schedule (--steps, --trials-per-step)");
    }
}
