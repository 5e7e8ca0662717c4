using System.CommandLine;
using System.CommandLine.Invocation;
using IsingNative.Cli;
using IsingNative.Cli.Infrastructure;

// The `ising` command line (docs/CLI.md). Parsing and every exception end in
// ErrorReporter, so the exit codes 0/1/2/3 and the one-line messages live in one place.
var root = CliRoot.Build();

try
{
    var parsed = root.Parse(args);
    // A parse error (unknown option, value of the wrong type, a CliOptions parser's
    // complaint) is bad input: one line naming the argument, exit code 2, no help dump.
    if (parsed.Action is ParseErrorAction && parsed.Errors.Count > 0)
    {
        Console.Error.WriteLine($"ising: {ParseErrors.Describe(parsed)}");
        return ExitCodes.BadInput;
    }
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex)
{
    return ErrorReporter.Report(ex);
}
