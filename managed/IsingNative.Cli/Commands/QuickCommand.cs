using System.CommandLine;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary><c>ising quick</c>: an annealing-free estimate of the empathy (MODEL.md §7): the quench (default) or the roadmap's formula.</summary>
internal static class QuickCommand
{
    private static readonly Option<double> Scale = new("--scale")
    {
        Description = "Energy scale of --method seed (> 0)",
        DefaultValueFactory = _ => 100.0,
    };

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("quick", "Fast, deterministic empathy estimate without annealing: --method quench (default) quenches the " +
            "other's couplings from all +1 and scores the result like `ising empathy`; --method seed is 0.7·(1 - min(|ΔE|/scale, 1)) + 0.3·couplingSimilarity");
        command.WithCommon().WithGenerators().With(CliOptions.SelfFile, CliOptions.OtherFile, CliOptions.Lenient, CliOptions.QuickMethodOption, Scale, CliOptions.Weights);
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
        var method = pr.GetValue(CliOptions.QuickMethodOption);
        var options = new EmpathyOptions { Weights = pr.GetValue(CliOptions.Weights)! };
        using var engine = Engines.Create(pr);
        var q = engine.Quick(self, other, method, options, scale);

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.WriteString("method", CliOptions.NameOf(method));
                w.Number("score", q.Score);
                w.Number("couplingSimilarity", q.CouplingSimilarity);
                w.Number("energyDifference", q.EnergyDifference);
                w.Number("scale", scale);
                w.WriteString("backend", engine.BackendName);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"Quick estimate, method {CliOptions.NameOf(method)} (n = {other.Size}, {engine.BackendName})");
        HumanOutput.Field("score", q.Score);
        HumanOutput.Field("coupling similarity", q.CouplingSimilarity);
        HumanOutput.Field("energy difference", q.EnergyDifference);
        return ExitCodes.Success;
    }
}
