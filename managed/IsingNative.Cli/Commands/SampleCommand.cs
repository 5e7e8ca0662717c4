using System.CommandLine;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising sample</c>: fixed-β Metropolis sampling (MODEL.md §8, ALGORITHM.md §10). After
/// <c>--burn-in</c> sweeps one state is recorded every <c>--thin</c> sweeps (a sweep = n trials).
/// </summary>
internal static class SampleCommand
{
    private static readonly Option<double> Beta = new("--beta")
    {
        Description = "Inverse temperature of the chain",
        Required = true,
        HelpName = "B",
    };

    private static readonly Option<int> Samples = new("--samples")
    {
        Description = "Number of states to record",
        Required = true,
        HelpName = "M",
    };

    private static readonly Option<int> Thin = new("--thin")
    {
        Description = "Sweeps between recorded states",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int> BurnIn = new("--burn-in")
    {
        Description = "Sweeps before the first recorded state",
        DefaultValueFactory = _ => 0,
    };

    private static void RequireBudgets(int n, int samples, int thin, int burnIn)
    {
        // One sbyte[n] (plus its array header) and one energy per recorded state.
        MemoryBudget.Require("--samples", (double)samples * (n + 40), $"{samples:N0} recorded states of n = {n}");
        // A sweep is n trials.
        WorkBudget.RequireTrials("--samples/--thin/--burn-in", ((double)samples * thin + burnIn) * n,
            $"{burnIn:N0} + {samples:N0} × {thin:N0} sweeps of n = {n}");
    }

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("sample", "Fixed-β sampling: after burn-in sweeps record one state every thin sweeps");
        command.WithCommon().With(CliOptions.SystemFile, CliOptions.Lenient).WithGenerators()
            .With(Beta, Samples, Thin, BurnIn, CliOptions.Acceptance);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var beta = pr.GetValue(Beta);
        var samples = pr.GetValue(Samples);
        var thin = pr.GetValue(Thin);
        var burnIn = pr.GetValue(BurnIn);
        var acceptance = pr.GetValue(CliOptions.Acceptance);
        var seed = pr.GetValue(CliOptions.Seed);
        if (!double.IsFinite(beta) || beta < 0) throw new CliInputException($"--beta: must be a finite number >= 0 (was {beta})");
        if (samples < 1) throw new CliInputException($"--samples: must be at least 1 (was {samples})");
        if (thin < 1) throw new CliInputException($"--thin: must be at least 1 (was {thin})");
        if (burnIn < 0) throw new CliInputException($"--burn-in: must be at least 0 (was {burnIn})");

        // A generated system's n is known from the options: check before generating it.
        var generated = pr.GetValue(CliOptions.SystemFile) is null;
        var n = pr.GetValue(CliOptions.N);
        if (generated && n >= 1 && n <= IsingSystem.MaxSize) RequireBudgets(n, samples, thin, burnIn);
        SystemSources.RequireMemoryForGenerated(pr, generated ? 1 : 0, "--n");
        var system = SystemSources.SingleSystem(pr);
        if (!generated) RequireBudgets(system.Size, samples, thin, burnIn);
        using var engine = Engines.Create(pr);
        SampleResult r;
        try
        {
            using (new Progress($"sample: {samples:N0} states, n = {system.Size}, on {engine.BackendName}"))
                r = engine.Sample(system, beta, samples, thin, burnIn, seed, acceptance);
        }
        catch (ArgumentException ex) when (ex.ParamName is { } p)
        {
            // The library names its parameter; the user typed an option.
            var option = p switch { "beta" => "--beta", "samples" => "--samples", "thin" => "--thin", "burnIn" => "--burn-in", _ => p };
            throw new CliInputException($"{option}: {ErrorReporter.Describe(ex)}", ex);
        }

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.WriteStartArray("states");
                foreach (var s in r.States)
                {
                    w.WriteStartArray();
                    JsonOutput.WriteSpins(w, s);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.NumberArray("energies", r.Energies);
                w.Number("acceptance", r.Acceptance);
                w.WriteNumber("trials", r.Trials);
                w.WriteNumber("accepted", r.Accepted);
                w.WriteNumber("n", system.Size);
                w.Number("beta", beta);
                w.WriteString("backend", engine.BackendName);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title($"Sampling n = {system.Size} at β = {beta} ({engine.BackendName}, seed {seed})");
        HumanOutput.Field("samples", r.States.Length);
        HumanOutput.Field("acceptance", r.Acceptance);
        HumanOutput.Field("trials", r.Trials);
        HumanOutput.Field("mean energy", r.Energies.Length > 0 ? r.Energies.Average() : double.NaN);
        HumanOutput.Field("min energy", r.Energies.Length > 0 ? r.Energies.Min() : double.NaN);
        var shown = Math.Min(5, r.States.Length);
        for (var i = 0; i < shown; i++)
            HumanOutput.Field($"state {i}", $"{HumanOutput.Spins(r.States[i])}  E = {r.Energies[i]:F6}");
        if (r.States.Length > shown) HumanOutput.Field("...", $"{r.States.Length - shown} more (use --json)");
        return ExitCodes.Success;
    }
}
