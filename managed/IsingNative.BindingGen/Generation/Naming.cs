// The naming rule (documented in Program.cs): C type names become PascalCase C#
// type names, enum members become PascalCase after dropping the words every member
// of the enum shares; everything else keeps its exact C spelling.
using System.Text;

namespace IsingNative.BindingGen.Generation;

internal static class Naming
{
    private static readonly HashSet<string> s_keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked",
        "class", "const", "continue", "decimal", "default", "delegate", "do", "double", "else",
        "enum", "event", "explicit", "extern", "false", "finally", "fixed", "float", "for",
        "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params",
        "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed",
        "short", "sizeof", "stackalloc", "static", "string", "struct", "switch", "this",
        "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>
    /// "isn_system_view" → "IsnSystemView", "sk_canvas_t" → "SkCanvas" (a trailing "_t"
    /// word is dropped), "ISN_STATUS" → "IsnStatus", "fooBar" → "FooBar".
    /// </summary>
    public static string TypeName(string cName)
    {
        var words = Words(cName);
        if (words.Count > 1 && words[^1] == "t")
        {
            words.RemoveAt(words.Count - 1);
        }
        return Pascal(words);
    }

    /// <summary>
    /// C# member names for the constants of one enum, in order: the longest run of
    /// leading words shared by every member is dropped ("ISN_STATUS_OK" → "Ok"), but
    /// never all of a member's words and never so much that a name starts with a digit.
    /// </summary>
    public static IReadOnlyList<string> EnumMemberNames(IReadOnlyList<string> cNames)
    {
        var split = cNames.Select(Words).ToList();
        int shared = split.Count == 0 ? 0 : split.Min(w => w.Count) - 1;
        for (int k = 0; k < shared; k++)
        {
            string word = split[0][k];
            if (split.Any(w => !string.Equals(w[k], word, StringComparison.OrdinalIgnoreCase)))
            {
                shared = k;
                break;
            }
        }
        while (shared > 0 && split.Any(w => char.IsAsciiDigit(w[shared][0])))
        {
            shared--;
        }
        return split.Select(w => Pascal(w.Skip(shared).ToList())).ToList();
    }

    /// <summary>A C identifier usable in C#: keywords get the verbatim prefix "@".</summary>
    public static string Identifier(string cName) => s_keywords.Contains(cName) ? "@" + cName : cName;

    private static List<string> Words(string cName) =>
        cName.Split('_', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Pascal(IReadOnlyList<string> words)
    {
        var builder = new StringBuilder();
        foreach (string word in words)
        {
            bool singleCase = word.ToUpperInvariant() == word || word.ToLowerInvariant() == word;
            builder.Append(char.ToUpperInvariant(word[0]));
            // ALLCAPS and lowercase words are normalised; camelCase words keep their humps.
            builder.Append(singleCase ? word[1..].ToLowerInvariant() : word[1..]);
        }
        string name = builder.Length == 0 ? "_" : builder.ToString();
        return char.IsAsciiDigit(name[0]) ? "_" + name : name;
    }
}
