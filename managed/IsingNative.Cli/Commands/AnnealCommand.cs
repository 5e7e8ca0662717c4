using System.CommandLine;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising anneal</c>: the Theory-of-Mind anneal of one system's J and h from random spins
/// (MODEL.md §3, ALGORITHM.md §4); the system's own spins are not used by the anneal and
/// are only reported for comparison.
/// </summary>
internal static class AnnealCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("anneal", "Anneal one system's J and h from random spins; prints final energy and spins");
        command.WithCommon().With(CliOptions.SystemFile).WithGenerators().WithAnneal();
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var options = CliOptions.AnnealOptionsOf(pr);
        SystemSources.RequireMemoryForGenerated(pr, pr.GetValue(CliOptions.SystemFile) is null ? 1 : 0, "--n");
        var system = SystemSources.SingleSystem(pr);
        WorkBudget.Require("--steps/--trials-per-step", 1, "one anneal", options, system.Size);
        var seed = pr.GetValue(CliOptions.Seed);
        using var engine = Engines.Create(pr);
        var spins = new sbyte[system.Size];
        AnnealStats stats;
        using (new Progress($"anneal: n = {system.Size} on {engine.BackendName}"))
            stats = engine.Anneal(system, seed, spins, options);
        double? ownEnergy = system.HasSpins ? system.Energy() : null;

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.Number("energy", stats.Energy);
                w.SpinArray("spins", spins);
                w.WriteNumber("trials", stats.Trials);
                w.WriteNumber("accepted", stats.Accepted);
                w.WriteNumber("steps", stats.Steps);
                w.WriteNumber("n", system.Size);
                w.WriteNumber("seed", seed);
                if (ownEnergy is { } e) w.Number("systemEnergy", e);
                w.WriteString("backend", engine.BackendName);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"Anneal of n = {system.Size} ({engine.BackendName}, seed {seed})");
        HumanOutput.Field("final energy", stats.Energy);
        if (ownEnergy is { } own) HumanOutput.Field("system's own energy", own);
        HumanOutput.Field("spins", HumanOutput.Spins(spins));
        HumanOutput.Field("steps", stats.Steps);
        HumanOutput.Field("trials", stats.Trials);
        HumanOutput.Field("accepted", stats.Accepted);
        return ExitCodes.Success;
    }
}
