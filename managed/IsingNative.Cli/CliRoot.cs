using System.CommandLine;
using IsingNative.Cli.Commands;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli;

/// <summary>
/// The command tree of <c>ising</c>: every command with its options. Built in one place so the
/// program parses with it and the test suite can hold docs/CLI.md against it.
/// </summary>
internal static class CliRoot
{
    /// <summary>The root command with every subcommand added.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("ising: physics-grounded empathy between agents modelled as Ising spin systems");
        foreach (var command in new[]
                 {
                     InfoCommand.Build(), EnergyCommand.Build(), EmpathyCommand.Build(), QuickCommand.Build(),
                     SocialCommand.Build(), SwarmCommand.Build(), SimulateCommand.Build(), AnnealCommand.Build(), SampleCommand.Build(),
                     ValidateCommand.Build(), BenchCommand.Build(),
                 })
        {
            root.Subcommands.Add(command);
        }
        OptionConventions.Apply(root);
        return root;
    }
}
