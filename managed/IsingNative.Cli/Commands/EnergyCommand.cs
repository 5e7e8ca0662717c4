using System.CommandLine;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary><c>ising energy</c>: the observables and emotion of one system (MODEL.md §1–2).</summary>
internal static class EnergyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("energy", "Observables of one system: energy, magnetization, frustration, emotion");
        command.WithCommon().With(CliOptions.SystemFile, CliOptions.Lenient).WithGenerators();
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        SystemSources.RequireMemoryForGenerated(pr, pr.GetValue(CliOptions.SystemFile) is null ? 1 : 0, "--n");
        var system = SystemSources.SingleSystem(pr);
        using var engine = Engines.Create(pr);
        var o = engine.Observe(system);

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.WriteNumber("n", system.Size);
                w.Number("energy", o.Energy);
                w.Number("magnetization", o.Magnetization);
                w.Number("frustration", o.Frustration);
                w.Emotion("emotion", o.Emotion);
                w.WriteBoolean("hasSpins", system.HasSpins);
                w.WriteString("backend", engine.BackendName);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"System of n = {system.Size} ({engine.BackendName})");
        if (!system.HasSpins) HumanOutput.Field("note", "no spins given: all spins are +1");
        HumanOutput.Field("energy", o.Energy);
        HumanOutput.Field("magnetization", o.Magnetization);
        HumanOutput.Field("frustration", o.Frustration);
        HumanOutput.Field("emotion", HumanOutput.Emotion(o.Emotion));
        return ExitCodes.Success;
    }
}
