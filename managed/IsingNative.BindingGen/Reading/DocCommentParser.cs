// Turns a raw C comment (/* */, /** */, //, ///, trailing /**< */) into plain text
// sections. Plain comments count as documentation because the header uses them
// that way; section banners such as "/* ---- enums ---- */" are dropped. Doxygen
// @brief/@param/@return(s) (or \brief ...) become summary/param/returns.
using System.Text.RegularExpressions;
using IsingNative.BindingGen.Model;

namespace IsingNative.BindingGen.Reading;

internal static partial class DocCommentParser
{
    [GeneratedRegex(@"^[-=*#~_/]{3,}")]
    private static partial Regex BannerLine();

    [GeneratedRegex(@"^[@\\](?<cmd>brief|short|param|returns?|result)(\[[a-z,]*\])?(\s+|$)(?<rest>.*)$")]
    private static partial Regex Command();

    public static DocComment Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return DocComment.Empty;
        }

        List<string> lines = StripMarkers(raw);
        var summary = new List<string>();
        var parameters = new List<(string, IReadOnlyList<string>)>();
        var returns = new List<string>();
        List<string> current = summary;
        foreach (string line in lines)
        {
            Match command = Command().Match(line.Trim());
            if (!command.Success)
            {
                if (line.Length == 0 && current != summary)
                {
                    current = summary;   // a blank line ends a @param/@return paragraph
                }
                current.Add(line);
                continue;
            }
            string rest = command.Groups["rest"].Value;
            switch (command.Groups["cmd"].Value)
            {
                case "brief" or "short":
                    current = summary;
                    if (rest.Length > 0) summary.Add(rest);
                    break;
                case "param":
                    int space = rest.IndexOfAny([' ', '\t']);
                    string name = space < 0 ? rest : rest[..space];
                    var text = new List<string>();
                    if (space >= 0) text.Add(rest[(space + 1)..].Trim());
                    parameters.Add((name, text));
                    current = text;
                    break;
                default:
                    current = returns;
                    if (rest.Length > 0) returns.Add(rest);
                    break;
            }
        }
        return new DocComment(Tidy(summary), parameters.Select(p => (p.Item1, Tidy(p.Item2.ToList()))).ToList(), Tidy(returns));
    }

    /// <summary>Removes comment delimiters, leading " * " decorations, banners and common indentation.</summary>
    private static List<string> StripMarkers(string raw)
    {
        var lines = new List<string>();
        foreach (string rawLine in raw.Replace("\r\n", "\n").Split('\n'))
        {
            string trimmed = rawLine.Trim();
            string? stripped = null;
            foreach (string opener in s_openers)
            {
                if (trimmed.StartsWith(opener, StringComparison.Ordinal))
                {
                    stripped = trimmed[opener.Length..];
                    break;
                }
            }
            // A continuation line of a block comment: drop a leading "*" decoration.
            stripped ??= trimmed.StartsWith('*') && !trimmed.StartsWith("*/", StringComparison.Ordinal) ? trimmed[1..] : trimmed;
            if (stripped.EndsWith("*/", StringComparison.Ordinal))
            {
                stripped = stripped[..^2].TrimEnd('*');
            }
            // One space after the delimiter is decoration; more is the author's indentation.
            if (stripped.StartsWith(' '))
            {
                stripped = stripped[1..];
            }
            lines.Add(stripped.TrimEnd());
        }

        // Drop banners, then the indentation all remaining lines share.
        lines = lines.Where(l => !BannerLine().IsMatch(l.Trim())).ToList();
        int common = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return lines.Select(l => l.Trim().Length == 0 ? "" : l[common..]).ToList();
    }

    // Longest first, so that "/**<" wins over "/**" and "/*".
    private static readonly string[] s_openers = ["/**<", "/*!<", "///<", "//!<", "/**", "/*!", "/*", "///", "//!", "//"];

    /// <summary>Drops leading/trailing blank lines and collapses runs of blank lines.</summary>
    private static IReadOnlyList<string> Tidy(List<string> lines)
    {
        var result = new List<string>();
        foreach (string line in lines)
        {
            if (line.Length == 0 && (result.Count == 0 || result[^1].Length == 0))
            {
                continue;
            }
            result.Add(line);
        }
        while (result.Count > 0 && result[^1].Length == 0)
        {
            result.RemoveAt(result.Count - 1);
        }
        return result;
    }
}
