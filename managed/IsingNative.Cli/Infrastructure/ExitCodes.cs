namespace IsingNative.Cli.Infrastructure;

/// <summary>The process exit codes of docs/CLI.md; outside checks depend on them.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Anything not covered below (including a failed <c>validate</c> check).</summary>
    public const int Failure = 1;

    /// <summary>Bad input: an argument, option value or file is wrong.</summary>
    public const int BadInput = 2;

    /// <summary>The requested backend is not available on this machine.</summary>
    public const int BackendUnavailable = 3;
}
