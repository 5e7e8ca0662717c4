using System.Text.RegularExpressions;

namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// The single place where an exception becomes an exit code and a one-line message on
/// stderr (CLI.md: 2 bad input, 3 backend unavailable, 1 anything else; never a stack trace).
/// </summary>
internal static partial class ErrorReporter
{
    /// <summary>Classifies <paramref name="ex"/>, writes one line to stderr and returns the exit code.</summary>
    public static int Report(Exception ex)
    {
        var (code, message) = Classify(ex);
        Console.Error.WriteLine($"ising: {message}");
        return code;
    }

    /// <summary>Maps an exception to its exit code and the message to show (no stack trace).</summary>
    public static (int Code, string Message) Classify(Exception ex)
    {
        // Unwrap the wrappers that carry no meaning of their own (parallel loops, reflection).
        while (ex is AggregateException { InnerExceptions.Count: 1 } agg)
            ex = agg.InnerExceptions[0];

        return ex switch
        {
            CliInputException => (ExitCodes.BadInput, OneLine(ex.Message)),
            IsingInputException => (ExitCodes.BadInput, OneLine(ex.Message)),
            // The library's advice speaks .NET (BackendKind, packages); the command line's speaks options.
            // A GPU's reason already says what the machine lacks (a device, a runtime, a code object
            // and the command that builds one); the CPU backends are what runs meanwhile.
            BackendUnavailableException { Reason: { } reason, Backend: BackendKind.Gpu } => (ExitCodes.BackendUnavailable, OneLine(
                $"backend gpu is unavailable: {reason}. Meanwhile --backend auto or --backend native-cpu runs on the CPU (docs/GPU.md says what a GPU needs).")),
            BackendUnavailableException { Reason: { } reason } b => (ExitCodes.BackendUnavailable, OneLine(
                $"backend {IsingEngine.NameOf(b.Backend)} is unavailable: {reason}. Set {IsingNative.Interop.NativeLibraryResolver.EnvironmentVariable} to the library " +
                "file or its folder (./build.sh native builds it), or use --backend managed or --backend auto.")),
            BackendUnavailableException => (ExitCodes.BackendUnavailable, OneLine(ex.Message)),
            // ArgumentOutOfRange/ArgumentNull derive from ArgumentException; the library puts the
            // argument name and its value in the message (MANAGED-API.md).
            ArgumentException arg => (ExitCodes.BadInput, "invalid argument: " + Describe(arg)),
            // CLI.md: a huge n that cannot fit in memory is bad input, not a crash.
            OutOfMemoryException or InsufficientExecutionStackException =>
                (ExitCodes.BadInput, "input too large to fit in memory: " + OneLine(ex.Message)),
            FileNotFoundException fnf => (ExitCodes.BadInput, $"file not found: {fnf.FileName ?? OneLine(fnf.Message)}"),
            DirectoryNotFoundException or UnauthorizedAccessException =>
                (ExitCodes.BadInput, OneLine(ex.Message)),
            OperationCanceledException => (ExitCodes.Failure, "cancelled"),
            CliFailureException => (ExitCodes.Failure, OneLine(ex.Message)),
            NativeBackendException => (ExitCodes.Failure, "native backend failure: " + OneLine(ex.Message)),
            _ => (ExitCodes.Failure, $"{ex.GetType().Name}: {OneLine(ex.Message)}"),
        };
    }

    /// <summary>
    /// The message of an argument exception without the runtime's "Actual value was v." and
    /// " (Parameter 'x')" suffixes, which repeat what the library's message already says.
    /// </summary>
    public static string Describe(ArgumentException ex)
    {
        var message = ex.Message;
        if (ex is ArgumentOutOfRangeException { ActualValue: { } actual })
            message = message.Replace($"Actual value was {actual}.", "");
        return OneLine(message);
    }

    /// <summary>Collapses a message onto one line (CLI.md asks for a one-line reason).</summary>
    public static string OneLine(string message) =>
        ParameterSuffix().Replace(
            string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), "");

    // The runtime's " (Parameter 'x')" suffix, also when a library message embeds one.
    [GeneratedRegex(@" \(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();
}
