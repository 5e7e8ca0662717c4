using System.CommandLine;
using IsingNative.Cli.Imaging;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising anneal</c>: the Theory-of-Mind anneal of one system's J and h from random spins
/// (MODEL.md §3, ALGORITHM.md §4); the system's own spins are not used by the anneal and
/// are only reported for comparison. <c>--trace</c> also writes the anneal step by step.
/// </summary>
internal static class AnnealCommand
{
    private static readonly Option<string?> TracePath = new("--trace")
    {
        Description = "Write the anneal step by step: .csv (step, beta, energy, accepted, trials, acceptance_rate), "
                      + "or a figure of energy, β and acceptance rate against step, 800×900, .png or .svg",
        HelpName = "trace.csv|trace.png|trace.svg",
    };

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("anneal", "Anneal one system's J and h from random spins; prints final energy and spins");
        command.WithCommon().With(CliOptions.SystemFile, CliOptions.Lenient).WithGenerators().WithAnneal().With(TracePath);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var options = CliOptions.AnnealOptionsOf(pr);
        var trace = pr.GetValue(TracePath);
        var traceFormat = trace is null ? default : FigureFile.Check("--trace", trace, allowCsv: true);
        SystemSources.RequireMemoryForGenerated(pr, pr.GetValue(CliOptions.SystemFile) is null ? 1 : 0, "--n");
        var system = SystemSources.SingleSystem(pr);
        WorkBudget.Require("--steps/--trials-per-step", 1, "one anneal", options, system.Size);
        var seed = pr.GetValue(CliOptions.Seed);
        using var engine = Engines.Create(pr);
        var spins = new sbyte[system.Size];
        AnnealStats stats;
        using (new Progress($"anneal: n = {system.Size} on {engine.BackendName}"))
            stats = engine.Anneal(system, seed, spins, options);
        AnnealTrace? steps = null;
        if (trace is not null)
        {
            // The library's trace runs the managed reference loop, bit-identical to every
            // backend: its last step ends where the anneal above ended.
            using (new Progress($"anneal trace: n = {system.Size}, {stats.Steps:N0} steps"))
                steps = engine.AnnealTrace(system, seed, options);
            TraceFigure.Write("--trace", trace, traceFormat, steps, new TraceFigure.Caption(system.Size, seed, options, engine.BackendName));
        }
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
                if (steps is not null)
                {
                    w.WriteStartObject("trace");
                    w.WriteString("path", Path.GetFullPath(trace!));
                    w.WriteString("format", traceFormat.ToString().ToLowerInvariant());
                    w.WriteNumber("steps", steps.Betas.Length);
                    w.WriteEndObject();
                }
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
        if (steps is not null)
            HumanOutput.Field("trace", $"{trace} ({steps.Betas.Length} steps, {traceFormat.ToString().ToLowerInvariant()})");
        return ExitCodes.Success;
    }
}
