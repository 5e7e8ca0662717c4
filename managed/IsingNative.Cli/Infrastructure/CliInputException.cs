namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// Bad command-line input detected by the command line itself (exit code 2). The
/// message already names the option or file and says what is wrong.
/// </summary>
internal sealed class CliInputException : Exception
{
    /// <summary>Creates the exception with a message naming the offending option or file.</summary>
    public CliInputException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>
    /// Runs <paramref name="body"/> and re-throws any <see cref="ArgumentException"/> it
    /// raises as bad input of <paramref name="option"/>, so the user sees which command-line
    /// option carried the bad value rather than a library parameter name.
    /// </summary>
    public static T ForOption<T>(string option, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (ArgumentException ex)
        {
            throw new CliInputException($"{option}: {ErrorReporter.Describe(ex)}", ex);
        }
    }
}

/// <summary>
/// A failure whose message is written for the command line's user as it is (exit code 1), e.g.
/// no silo answering at the --cluster gateway: the input was well-formed, the world was not.
/// </summary>
internal class CliFailureException(string message, Exception? inner = null) : Exception(message, inner);
