using System.CommandLine;

namespace IsingNative.Cli.Infrastructure;

/// <summary>Creates the engine a command runs on from <c>--backend</c>.</summary>
internal static class Engines
{
    /// <summary>
    /// The engine of <c>--backend</c>; a requested backend that is missing throws
    /// <see cref="BackendUnavailableException"/> (exit code 3). <c>auto</c> never fails.
    /// </summary>
    public static IsingEngine Create(ParseResult pr) => IsingEngine.Create(pr.GetValue(CliOptions.Backend));
}
