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
        command.WithCommon().WithGenerators().With(CliOptions.SelfFile, CliOptions.OthersFiles, CliOptions.Lenient, Agents).WithAnneal().With(CliOptions.Weights);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var options = CliOptions.EmpathyOptionsOf(pr);
        var generateSelf = pr.GetValue(CliOptions.SelfFile) is null;
        var generateOthers = pr.GetValue(CliOptions.OthersFiles) is not { Length: > 0 };
        var agents = pr.GetValue(Agents);
        if (generateOthers && agents < 1) throw new CliInputException($"--agents: must be at least 1 (was {agents})");
        using var engine = Engines.Create(pr);
        var copies = MemoryBudget.CopiesSystems(engine);
        if (generateOthers)
        {
            // Everything the options ask for is checked before the first system is generated.
            var n = pr.GetValue(CliOptions.N);
            WorkBudget.Require("--agents", agents, $"{agents:N0} others mean {agents:N0} anneals", options.Anneal, n);
            SystemSources.RequireMemoryForGenerated(pr, agents + (generateSelf ? 1L : 0L), generateSelf ? "--agents/--n" : "--agents", copies);
        }
        else if (generateSelf)
        {
            SystemSources.RequireMemoryForGenerated(pr, 1, "--n", copies);
        }

        var self = SystemSources.Self(pr);
        var others = SystemSources.Others(pr, agents, "--agents");
        foreach (var other in others)
            SystemSources.RequireSameSize(self, other, generateOthers ? "--n" : "--others");
        if (!generateOthers) WorkBudget.Require("--others", others.Length, $"{others.Length:N0} others mean {others.Length:N0} anneals", options.Anneal, self.Size);
        var seed = pr.GetValue(CliOptions.Seed);
        SocialAttentionResult r;
        using (new Progress($"social: {others.Length:N0} empathies, n = {self.Size}, on {engine.BackendName}"))
            r = engine.SocialAttention(self, others, seed, options);

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
