using System.CommandLine;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary><c>ising quick</c>: the annealing-free Tier 3c estimate (MODEL.md §7).</summary>
internal static class QuickCommand
{
    private static readonly Option<double> Scale = new("--scale")
    {
        Description = "Energy scale of the estimate (> 0)",
        DefaultValueFactory = _ => 100.0,
    };

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("quick", "Fast empathy estimate without annealing: 0.7·(1 - min(|ΔE|/scale, 1)) + 0.3·couplingSimilarity");
        command.WithCommon().WithGenerators().With(CliOptions.SelfFile, CliOptions.OtherFile, Scale);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        SystemSources.RequireMemoryForGenerated(pr, SystemSources.GeneratedPairCount(pr), "--n");
        var self = SystemSources.Self(pr);
        var other = SystemSources.Other(pr);
        SystemSources.RequireSameSize(self, other, pr.GetValue(CliOptions.OtherFile) is null ? "--n" : "--other");
        var scale = pr.GetValue(Scale);
        if (!(scale > 0) || !double.IsFinite(scale))
            throw new CliInputException($"--scale: must be a finite number > 0 (was {scale})");
        using var engine = Engines.Create(pr);
        var q = engine.Quick(self, other, scale);

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.Number("score", q.Score);
                w.Number("couplingSimilarity", q.CouplingSimilarity);
                w.Number("energyDifference", q.EnergyDifference);
                w.Number("scale", scale);
                w.WriteString("backend", engine.BackendName);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"Quick estimate (n = {other.Size}, {engine.BackendName})");
        HumanOutput.Field("score", q.Score);
        HumanOutput.Field("coupling similarity", q.CouplingSimilarity);
        HumanOutput.Field("energy difference", q.EnergyDifference);
        return ExitCodes.Success;
    }
}
