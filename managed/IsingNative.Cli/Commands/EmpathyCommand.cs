using System.CommandLine;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising empathy</c>: self anneals the other's J and h (never its spins) and compares the
/// predicted state with the other's actual one (MODEL.md §3–6).
/// </summary>
internal static class EmpathyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("empathy", "Empathy of self towards other (anneal of the other's J, h; every score component)");
        command.WithCommon().WithGenerators().With(CliOptions.SelfFile, CliOptions.OtherFile, CliOptions.Lenient).WithAnneal().With(CliOptions.Weights);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var options = CliOptions.EmpathyOptionsOf(pr);
        SystemSources.RequireMemoryForGenerated(pr, SystemSources.GeneratedPairCount(pr), "--n");
        var self = SystemSources.Self(pr);
        var other = SystemSources.Other(pr);
        SystemSources.RequireSameSize(self, other, pr.GetValue(CliOptions.OtherFile) is null ? "--n" : "--other");
        WorkBudget.Require("--steps/--trials-per-step", 1, "one anneal", options.Anneal, other.Size);
        var seed = pr.GetValue(CliOptions.Seed);
        using var engine = Engines.Create(pr);
        EmpathyResult r;
        using (new Progress($"empathy: n = {other.Size} on {engine.BackendName}"))
            r = engine.Empathy(self, other, seed, options);

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.EmpathyFields(r);
                w.WriteString("backend", engine.BackendName);
                w.WriteNumber("n", other.Size);
                w.WriteNumber("seed", seed);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"Empathy of self towards other (n = {other.Size}, {engine.BackendName}, seed {seed})");
        HumanOutput.Field("score", r.Score);
        HumanOutput.Field("state overlap", r.StateOverlap);
        HumanOutput.Field("energy error", r.EnergyError);
        HumanOutput.Field("magnetization error", r.MagnetizationError);
        HumanOutput.Field("coupling similarity", r.CouplingSimilarity);
        HumanOutput.Field("predicted energy", r.PredictedEnergy);
        HumanOutput.Field("actual energy", r.ActualEnergy);
        HumanOutput.Field("anneal", $"{r.Steps} steps, {r.Trials} trials, {r.Accepted} accepted");
        return ExitCodes.Success;
    }
}
