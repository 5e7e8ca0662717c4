using System.CommandLine;
using System.Diagnostics;
using IsingNative.Cli.Infrastructure;
using IsingNative.Cli.Validation;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising validate</c>: the physics self-check report on the chosen backend. Exit code 1
/// when any check fails, so it can gate a build.
/// </summary>
internal static class ValidateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("validate", "Physics self-check: detailed balance vs exact enumeration, ΔE consistency, Philox, ground state, cross-backend identity");
        command.WithCommon();
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var seed = pr.GetValue(CliOptions.Seed);
        using var engine = Engines.Create(pr);
        var clock = Stopwatch.StartNew();
        var checks = new List<Check>();
        using (var progress = new Progress("validate"))
        {
            void Add(string label, Func<Check> run)
            {
                progress.Update($"validate: {label}");
                checks.Add(run());
            }

            Add("philox", ContractChecks.PhiloxKnownAnswers);
            Add("observables", () => ContractChecks.Observables(engine, seed));
            Add("delta-energy", () => PhysicsChecks.DeltaEnergy(engine, seed));
            // Small systems (32 and 64 states) at moderate β: the chain mixes within a few
            // sweeps, so 400k samples pin the distribution down to ~1e-3 in TV.
            Add("detailed balance", () => PhysicsChecks.DetailedBalance(engine, "seed-n5", IsingSystem.SeedPattern(5, seed), 0.5, seed));
            Add("detailed balance", () => PhysicsChecks.DetailedBalance(engine, "spin-glass-n6", IsingSystem.SpinGlass(6, seed + 1), 1.0, seed + 1));
            Add("seed-compatible", () => PhysicsChecks.SeedCompatibleDeviates(engine, IsingSystem.SeedPattern(5, seed), 1.0, seed + 2));
            Add("ground state", () => PhysicsChecks.GroundState(engine, seed));
            Add("reproducibility", () => ContractChecks.Reproducibility(engine, seed));
            Add("coupling similarity", () => ContractChecks.CouplingSimilarity(engine, seed));
            Add("cross-backend", () => ContractChecks.CrossBackend(seed));
        }
        var passed = checks.All(c => c.Passed);

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.WriteStartArray("checks");
                foreach (var c in checks)
                {
                    w.WriteStartObject();
                    w.WriteString("name", c.Name);
                    w.WriteBoolean("passed", c.Passed);
                    w.WriteString("detail", c.Detail);
                    if (c.Skipped) w.WriteBoolean("skipped", true);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("passed", passed);
                w.WriteString("backend", engine.BackendName);
                w.Number("seconds", clock.Elapsed.TotalSeconds);
            });
        }
        else
        {
            HumanOutput.Title($"Physics self-check on {engine.BackendName} (seed {seed})");
            foreach (var c in checks)
            {
                var status = c.Skipped ? "SKIP" : c.Passed ? "PASS" : "FAIL";
                Console.WriteLine($"  [{status}] {c.Name}");
                Console.WriteLine($"         {c.Detail}");
            }
            Console.WriteLine($"{checks.Count(c => c.Passed)}/{checks.Count} passed in {clock.Elapsed.TotalSeconds:F1} s: {(passed ? "OK" : "FAILED")}");
        }
        return passed ? ExitCodes.Success : ExitCodes.Failure;
    }
}
