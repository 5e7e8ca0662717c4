using System.CommandLine;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising social</c>: self's attention over K others (MODEL.md §7); empathy with other k
/// uses seed <c>--seed + k</c>. Without <c>--others</c> it generates <c>--agents</c> others
/// with generator seeds other-seed + k.
/// </summary>
internal static class SocialCommand
{
    private static readonly Option<int> Agents = CliOptions.Agents(5, "Number of generated others (ignored with --others)");

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("social", "Social attention of self over K others: weights, scores, collective emotion");
        command.WithCommon().WithGenerators().With(CliOptions.SelfFile, CliOptions.OthersFiles, Agents).WithAnneal().With(CliOptions.Weights);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var self = SystemSources.Self(pr);
        var others = SystemSources.Others(pr, pr.GetValue(Agents), "--agents");
        foreach (var other in others)
            SystemSources.RequireSameSize(self, other, pr.GetValue(CliOptions.OthersFiles) is null ? "--n" : "--others");
        var options = CliOptions.EmpathyOptionsOf(pr);
        var seed = pr.GetValue(CliOptions.Seed);
        using var engine = Engines.Create(pr);
        var r = engine.SocialAttention(self, others, seed, options);

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.NumberArray("weights", r.Weights);
                w.NumberArray("scores", r.Scores);
                w.Emotion("collectiveEmotion", r.CollectiveEmotion);
                w.WriteNumber("mostEmpathicIndex", r.MostEmpathicIndex);
                w.WriteString("backend", engine.BackendName);
                w.WriteNumber("agents", others.Length);
                w.WriteNumber("seedBase", seed);
                w.WriteStartArray("results");
                foreach (var e in r.Results)
                {
                    w.WriteStartObject();
                    w.EmpathyFields(e);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"Social attention over {others.Length} others ({engine.BackendName}, seed base {seed})");
        for (var k = 0; k < others.Length; k++)
        {
            var mark = k == r.MostEmpathicIndex ? "  <- most empathic" : "";
            HumanOutput.Field($"other {k}", $"score {r.Scores[k]:F4}  weight {r.Weights[k]:F4}{mark}");
        }
        HumanOutput.Field("collective emotion", HumanOutput.Emotion(r.CollectiveEmotion));
        return ExitCodes.Success;
    }
}
