using System.CommandLine;
using System.CommandLine.Parsing;

namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// The one line a parse failure prints. Values are checked by the options' parsers, which already
/// name the option, the value and what to type (<see cref="OptionConventions"/>, CliOptions); what is
/// left to word here is a token no command or option matches, answered with the nearest name.
/// </summary>
internal static class ParseErrors
{
    /// <summary>The message for a parse result that has errors.</summary>
    public static string Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        if (parsed.UnmatchedTokens.Count > 0) return Unmatched(parsed.UnmatchedTokens[0], command);
        // A value's complaint (from the options' parsers) comes before "required" ones: it is what
        // the user typed wrong; a missing option may only be the next thing they would have typed.
        var valueError = parsed.Errors.FirstOrDefault(e => e.SymbolResult is ArgumentResult or OptionResult { IdentifierToken: not null });
        if (valueError is not null) return ErrorReporter.OneLine(valueError.Message);
        var missing = parsed.Errors.Select(e => e.SymbolResult).OfType<OptionResult>().FirstOrDefault(r => r is { IdentifierToken: null, Option.Required: true })?.Option;
        if (missing is not null)
            return $"{missing.Name}: {Path(command)} needs it; give it as {missing.Name} {missing.HelpName ?? "VALUE"} ({Path(command)} --help describes it)";
        if (command.Subcommands.Count > 0 && parsed.Errors.Any(e => e.Message.StartsWith("Required command", StringComparison.Ordinal)))
            return $"no command given; give one of {string.Join(", ", command.Subcommands.Select(c => c.Name))} ({Path(command)} --help describes them)";
        return ErrorReporter.OneLine(parsed.Errors[0].Message);
    }

    private static string Unmatched(string token, Command command)
    {
        string path = Path(command);
        if (token.StartsWith('-'))
        {
            // The options this command accepts: its own, and the recursive ones of the commands above it (--help).
            var names = command.Options.Concat(command.Parents.OfType<Command>().SelectMany(c => c.Options.Where(o => o.Recursive)))
                .Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
            string? nearest = Suggestions.Nearest(token.Split('=')[0], names);
            return nearest is null
                ? $"{token}: not an option of {path}; {path} --help lists its options"
                : $"{token}: not an option of {path}; did you mean {nearest}?";
        }
        if (command.Subcommands.Count > 0)
        {
            string? nearest = Suggestions.Nearest(token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            return nearest is null
                ? $"{token}: not a command of {path}; {path} --help lists the commands"
                : $"{token}: not a command of {path}; did you mean {path} {nearest}?";
        }
        return $"{token}: {path} takes options only, not bare values (a value follows its option, as in --seed 7); {path} --help lists them";
    }

    private static string Path(Command command) => command is RootCommand ? "ising" : $"ising {command.Name}";
}
