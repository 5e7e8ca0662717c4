using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// What every option of the tree gets, whichever command declares it: a parser for numbers whose
/// complaint names the option, the value and what to type instead (System.CommandLine's own speaks
/// .NET type names), and a help default written the way a user types it. Choice options
/// (enumerations) parse through CliOptions.ParseChoice, which words its complaint the same way.
/// </summary>
internal static class OptionConventions
{
    /// <summary>Applies the conventions to every option of <paramref name="root"/> and its subcommands.</summary>
    public static void Apply(RootCommand root)
    {
        foreach (var command in Commands(root))
            foreach (var option in command.Options)
                AttachParser(option);
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction builtIn) help.Action = new TypedDefaultsHelp(builtIn);
    }
    private static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(Commands).Prepend(command);

    /// <summary>Gives number options the parser below; options shared by several commands get it once.</summary>
    private static void AttachParser(Option option)
    {
        switch (option)
        {
            case Option<int> { CustomParser: null } o: o.CustomParser = r => Number(r, o, out int v) ? v : default; break;
            case Option<int?> { CustomParser: null } o: o.CustomParser = r => Number(r, o, out int v) ? v : null; break;
            case Option<long> { CustomParser: null } o: o.CustomParser = r => Number(r, o, out long v) ? v : default; break;
            case Option<ulong> { CustomParser: null } o: o.CustomParser = r => Number(r, o, out ulong v) ? v : default; break;
            case Option<double> { CustomParser: null } o: o.CustomParser = r => Number(r, o, out double v) ? v : default; break;
            case Option<double?> { CustomParser: null } o: o.CustomParser = r => Number(r, o, out double v) ? v : null; break;
        }
    }

    /// <summary>
    /// Parses the option's last token as <typeparamref name="T"/> (invariant culture). A bad value is a
    /// parse error: "--agents: 'abc' is not a whole number; give an integer such as 100".
    /// </summary>
    private static bool Number<T>(ArgumentResult result, Option option, out T value) where T : INumber<T>, IMinMaxValue<T>
    {
        value = default!;
        if (result.Tokens.Count == 0) return false;
        string text = result.Tokens[^1].Value;
        bool whole = typeof(T) != typeof(double);
        if (T.TryParse(text, whole ? NumberStyles.Integer : NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }
        string example = option.HasDefaultValue && option.GetDefaultValue() is { } d && DefaultText(d) is { } t ? t : whole ? "1" : "0.5";
        string problem;
        if (!whole)
            problem = $"'{text}' is not a number; give a decimal number such as {example}";
        else if (BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            problem = $"'{text}' is out of range; give a whole number from {T.MinValue.ToString(null, CultureInfo.InvariantCulture)} " +
                      $"to {T.MaxValue.ToString(null, CultureInfo.InvariantCulture)}";
        else
            problem = $"'{text}' is not a whole number; give an integer such as {example}";
        result.AddError($"{option.Name}: {problem}");
        return false;
    }

    /// <summary>A default value as it is typed on the command line (null: nothing worth showing).</summary>
    public static string? DefaultText(object? value) => value switch
    {
        null => null,
        bool => null,   // a flag: off unless given, as every flag's description says
        EmpathyWeights w => string.Join(',', new[] { w.Overlap, w.Energy, w.Coupling, w.Magnetization }.Select(Decimal)),
        Enum e => CliOptions.NameOf(e),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A weight with at least one decimal (<c>0.0</c>, <c>0.4</c>), as CLI.md writes the default.</summary>
    private static string Decimal(double x) =>
        x == Math.Floor(x) && Math.Abs(x) < 1e15 ? x.ToString("0.0", CultureInfo.InvariantCulture) : x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// System.CommandLine's help with each <c>[default: ...]</c> as typed: the built-in help prints the
    /// default's ToString (<c>Auto</c>, <c>EmpathyWeights { Overlap = 0.4, ... }</c>) and keeps its
    /// formatter internal, so its text is rewritten, option by option in the order it lists them.
    /// </summary>
    private sealed class TypedDefaultsHelp(HelpAction builtIn) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            var buffer = new StringWriter();
            configuration.Output = buffer;
            int code;
            try { code = builtIn.Invoke(parseResult); }
            finally { configuration.Output = output; }
            output.Write(Rewrite(buffer.ToString(), parseResult.CommandResult.Command));
            return code;
        }

        private static string Rewrite(string help, Command command)
        {
            var options = command.Options.Concat(command.Parents.OfType<Command>().SelectMany(c => c.Options.Where(o => o.Recursive)));
            int cursor = 0;
            foreach (var option in options.Where(o => o.HasDefaultValue))
            {
                object? value = option.GetDefaultValue();
                if (DefaultText(value) is not { } typed || typed == value?.ToString()) continue;
                // The option's own row starts with its aliases; a long row may wrap, so any run of
                // whitespace in the default's text may have become a line break and indentation.
                var row = new Regex($@"^\s+(?:\S+, )*{Regex.Escape(option.Name)}\b", RegexOptions.Multiline).Match(help, cursor);
                if (!row.Success) continue;
                string raw = string.Join(@"\s+", value!.ToString()!.Split(' ').Select(Regex.Escape));
                var shown = new Regex($@"\[default:\s+{raw}\]").Match(help, row.Index);
                if (!shown.Success) continue;
                help = string.Concat(help.AsSpan(0, shown.Index), $"[default: {typed}]", help.AsSpan(shown.Index + shown.Length));
                cursor = shown.Index;
            }
            return help;
        }
    }
}
