// Turns object-like macros whose body is one numeric literal ("#define N 42",
// "#define M (-1)", "#define K 0x10u", "#define X 1.5") or the name of an earlier
// such macro into C# constants typed by C's literal rules. Anything else (include
// guards, ISN_API, expressions) is skipped with a note. clang attaches no comments
// to macros, so their docs come from the source text: the comment block ending on
// the line above, or a comment trailing the definition.
using IsingNative.BindingGen.Clang;
using IsingNative.BindingGen.Model;

namespace IsingNative.BindingGen.Reading;

internal sealed unsafe class MacroReader(void* translationUnit, Action<string> note)
{
    private readonly List<ConstantDeclaration> _constants = [];
    private readonly Dictionary<string, ConstantDeclaration> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _sourceLines = new(StringComparer.Ordinal);

    public IReadOnlyList<ConstantDeclaration> Constants => _constants;

    public void Read(CXCursor macro)
    {
        var tokens = Cx.Tokens(translationUnit, macro);
        string name = tokens.Count > 0 ? tokens[0].Text : Cx.Spelling(macro);
        if (LibClang.clang_Cursor_isMacroFunctionLike(macro) != 0)
        {
            note($"skipped function-like macro '{name}'");
            return;
        }
        var body = tokens.Skip(1).ToList();
        if (body.Count == 0)
        {
            return;   // include guards and empty markers
        }
        if (_byName.ContainsKey(name))
        {
            note($"skipped redefinition of macro '{name}'");
            return;
        }
        if (!TryEvaluate(body, out string? csType, out string? value))
        {
            note($"skipped macro '{name}': '{string.Join(" ", body.Select(t => t.Text))}' is not a numeric literal");
            return;
        }
        SourcePosition position = Cx.Position(macro);
        var constant = new ConstantDeclaration(name, csType, value, DocCommentParser.Parse(CommentNear(position)));
        _constants.Add(constant);
        _byName.Add(name, constant);
    }

    private bool TryEvaluate(List<(CXTokenKind Kind, string Text)> body, out string csType, out string value)
    {
        csType = value = "";
        body = StripParentheses(body);
        bool negative = false;
        if (body.Count > 1 && body[0].Text is "-" or "+")
        {
            negative = body[0].Text == "-";
            body = StripParentheses(body.Skip(1).ToList());
        }
        if (body.Count != 1)
        {
            return false;
        }
        (CXTokenKind kind, string text) = body[0];
        if (kind == CXTokenKind.Identifier && _byName.TryGetValue(text, out ConstantDeclaration? other)
            && (!negative || other.CsType is "int" or "long" or "float" or "double"))
        {
            csType = other.CsType;
            value = negative ? "-" + text : text;
            return true;
        }
        return kind == CXTokenKind.Literal && CLiteral.TryParse(text, negative, out csType, out value);
    }

    private static List<(CXTokenKind Kind, string Text)> StripParentheses(List<(CXTokenKind Kind, string Text)> body)
    {
        while (body.Count >= 2 && body[0].Text == "(" && body[^1].Text == ")")
        {
            body = body.Skip(1).Take(body.Count - 2).ToList();
        }
        return body;
    }

    /// <summary>The comment trailing the macro's line, else the comment block ending on the line above.</summary>
    private string? CommentNear(SourcePosition position)
    {
        if (!_sourceLines.TryGetValue(position.File, out string[]? lines))
        {
            lines = File.ReadAllText(position.File).Replace("\r\n", "\n").Split('\n');
            _sourceLines[position.File] = lines;
        }
        int index = position.Line - 1;
        if (index < 0 || index >= lines.Length)
        {
            return null;
        }

        // Numeric macros contain no string literals, so the first "/*" or "//" starts a comment.
        string line = lines[index];
        int trailing = IndexOfComment(line);
        if (trailing >= 0)
        {
            return line[trailing..];
        }

        int last = index - 1;
        if (last < 0)
        {
            return null;
        }
        string above = lines[last].Trim();
        if (above.StartsWith("//", StringComparison.Ordinal))
        {
            int first = last;
            while (first > 0 && lines[first - 1].TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                first--;
            }
            return string.Join("\n", lines[first..(last + 1)]);
        }
        if (above.EndsWith("*/", StringComparison.Ordinal))
        {
            for (int first = last; first >= 0; first--)
            {
                int open = lines[first].IndexOf("/*", StringComparison.Ordinal);
                if (open >= 0)
                {
                    // A comment that trails code on its own line documents that code, not us.
                    return lines[first][..open].Trim().Length == 0 ? string.Join("\n", lines[first..(last + 1)]) : null;
                }
            }
        }
        return null;
    }

    private static int IndexOfComment(string line)
    {
        int block = line.IndexOf("/*", StringComparison.Ordinal);
        int single = line.IndexOf("//", StringComparison.Ordinal);
        return block < 0 ? single : single < 0 ? block : Math.Min(block, single);
    }
}
