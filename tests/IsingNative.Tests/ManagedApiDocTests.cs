using System.Reflection;
using System.Text.RegularExpressions;

namespace IsingNative.Tests;

/// <summary>
/// docs/MANAGED-API.md against the IsingNative assembly. The page's ```csharp blocks declare the
/// public surface in C# form: a type as <c>public [modifiers] class|struct|record|record struct|enum Name</c>,
/// optionally with a positional parameter list (the record's properties), a base list, then <c>;</c>
/// or a body in braces; inside a body each member is a <c>public</c> declaration whose name comes
/// before its <c>(</c>, <c>{</c>, <c>;</c> or <c>=</c> (<c>this[...]</c> for the indexer, the type's own
/// name for a constructor); an enum body lists its values. Comments (<c>//</c>) are ignored. Every type
/// and member the page names must exist, and every exported type must be on the page.
/// </summary>
public class ManagedApiDocTests
{
    private static readonly Regex TypeDeclaration = new(
        @"\bpublic\s+(?:(?:sealed|static|abstract|readonly|partial)\s+)*(?<kind>record\s+struct|class|struct|record|enum|interface)\s+(?<name>\w+)",
        RegexOptions.CultureInvariant);

    private static readonly Regex CodeBlock = new(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IsingNative.sln"))) return d.FullName;
        Assert.Ignore("not run from a checkout (no IsingNative.sln above the test assembly)");
        return "";
    }

    private static string ManagedApiPage() =>
        File.ReadAllText(Path.Combine(RepoRoot(), "docs", "MANAGED-API.md")).ReplaceLineEndings("\n");

    private static Assembly Library => typeof(IsingEngine).Assembly;

    [Test]
    public void EveryTypeAndMemberThePageNamesExists()
    {
        var problems = Problems(ManagedApiPage(), Library).Where(p => !p.StartsWith("not on the page", StringComparison.Ordinal)).ToList();
        Assert.That(problems, Is.Empty, "docs/MANAGED-API.md names what the assembly does not have:\n" + string.Join("\n", problems));
    }

    [Test]
    public void EveryPublicTypeIsOnThePage()
    {
        var problems = Problems(ManagedApiPage(), Library).Where(p => p.StartsWith("not on the page", StringComparison.Ordinal)).ToList();
        Assert.That(problems, Is.Empty, "docs/MANAGED-API.md leaves out public types:\n" + string.Join("\n", problems));
    }

    [Test]
    public void TheCheckReportsAMemberThatDoesNotExist()
    {
        const string page = "```csharp\npublic sealed class IsingSystem\n{\n    public int Size { get; }\n    public int Sizee { get; }\n" +
                            "    public void Renormalise(double factor);\n}\npublic enum Precision { Double, Quad }\n```\n";
        var problems = Problems(page, Library);
        Assert.That(problems, Does.Contain("IsingSystem.Sizee: no such public member"));
        Assert.That(problems, Does.Contain("IsingSystem.Renormalise: no such public member"));
        Assert.That(problems, Does.Contain("Precision.Quad: no such enum value"));
        Assert.That(problems, Has.None.Contains("IsingSystem.Size:"), "Size exists");
    }

    [Test]
    public void TheCheckReportsATypeThatDoesNotExistAndOneLeftOut()
    {
        const string page = "```csharp\npublic sealed record SwarmPlan(int Rounds);   // not a type\n```\n";
        var problems = Problems(page, Library);
        Assert.That(problems, Does.Contain("SwarmPlan: no such public type"));
        Assert.That(problems, Does.Contain($"not on the page: {nameof(IsingEngine)}"));
    }

    [Test]
    public void TheCheckReadsPositionalRecordParametersAsProperties()
    {
        const string page = "```csharp\npublic readonly record struct SwarmProgress(int Round, int Rounds, long EdgesDone,\n" +
                            "    long EdgesLeft);   // a comment (with parentheses)\n```\n";
        Assert.That(Problems(page, Library), Does.Contain("SwarmProgress.EdgesLeft: no such public member"));
        Assert.That(Problems(page, Library), Has.None.Contains("SwarmProgress.EdgesDone"));
    }

    /// <summary>
    /// What is wrong between <paramref name="page"/> and <paramref name="assembly"/>: types and members
    /// the page names that do not exist, and ("not on the page: T") exported types it leaves out.
    /// </summary>
    private static List<string> Problems(string page, Assembly assembly)
    {
        var exported = assembly.GetExportedTypes().Where(t => !t.IsNested).ToDictionary(t => t.Name);
        var problems = new List<string>();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match block in CodeBlock.Matches(page))
        {
            string code = Regex.Replace(block.Groups["code"].Value, @"//[^\n]*", "");
            foreach (Match declaration in TypeDeclaration.Matches(code))
            {
                string name = declaration.Groups["name"].Value;
                declared.Add(name);
                if (!exported.TryGetValue(name, out var type))
                {
                    problems.Add($"{name}: no such public type");
                    continue;
                }
                var (parameters, body) = Parts(code, declaration.Index + declaration.Length);
                if (declaration.Groups["kind"].Value == "enum")
                {
                    foreach (var value in (body ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        string valueName = value.Split('=')[0].Trim();
                        if (!Enum.GetNames(type).Contains(valueName)) problems.Add($"{name}.{valueName}: no such enum value");
                    }
                    continue;
                }
                var members = ParameterNames(parameters).Concat(MemberNames(body, name));
                foreach (var member in members)
                    if (!HasMember(type, member)) problems.Add($"{name}.{member}: no such public member");
            }
        }
        problems.AddRange(exported.Keys.Where(t => !declared.Contains(t)).Order(StringComparer.Ordinal).Select(t => $"not on the page: {t}"));
        return problems;
    }

    /// <summary>The positional parameter list and the body after a type's name (either may be null).</summary>
    private static (string? Parameters, string? Body) Parts(string code, int at)
    {
        string? parameters = null, body = null;
        int i = SkipSpace(code, at);
        if (i < code.Length && code[i] == '(')
        {
            int end = Closing(code, i, '(', ')');
            parameters = code[(i + 1)..end];
            i = end + 1;
        }
        // A base list or constraint runs up to the body or the terminating semicolon.
        while (i < code.Length && code[i] != '{' && code[i] != ';') i++;
        if (i < code.Length && code[i] == '{')
            body = code[(i + 1)..Closing(code, i, '{', '}')];
        return (parameters, body);
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        return i;
    }

    private static int Closing(string s, int open, char opening, char closing)
    {
        int depth = 0;
        for (int i = open; i < s.Length; i++)
        {
            if (s[i] == opening) depth++;
            else if (s[i] == closing && --depth == 0) return i;
        }
        throw new FormatException($"docs/MANAGED-API.md: unbalanced '{opening}' at offset {open}");
    }

    /// <summary>The names of a positional parameter list: the last identifier before each top-level comma or default.</summary>
    private static IEnumerable<string> ParameterNames(string? parameters)
    {
        if (string.IsNullOrWhiteSpace(parameters)) yield break;
        int depth = 0, start = 0;
        for (int i = 0; i <= parameters.Length; i++)
        {
            char c = i < parameters.Length ? parameters[i] : ',';
            if (c is '<' or '(' or '[') depth++;
            else if (c is '>' or ')' or ']') depth--;
            else if (c == ',' && depth == 0)
            {
                string parameter = parameters[start..i].Split('=')[0];
                var name = Regex.Match(parameter, @"(\w+)\s*$").Groups[1].Value;
                if (name.Length > 0) yield return name;
                start = i + 1;
            }
        }
    }

    /// <summary>The names of the <c>public</c> members declared at the top level of a type's body.</summary>
    private static IEnumerable<string> MemberNames(string? body, string typeName)
    {
        if (body is null) yield break;
        int depth = 0;
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c is '{' or '(') depth++;
            else if (c is '}' or ')') depth--;
            else if (depth == 0 && string.CompareOrdinal(body, i, "public", 0, 6) == 0 && (i == 0 || !char.IsLetterOrDigit(body[i - 1])))
            {
                int end = body.IndexOfAny(['(', '{', ';', '='], i);
                string head = body[(i + 6)..(end < 0 ? body.Length : end)];
                if (head.Contains("this[", StringComparison.Ordinal)) yield return "this[]";
                else
                {
                    string name = Regex.Match(head, @"(\w+)\s*$").Groups[1].Value;
                    yield return name == typeName ? ".ctor" : name;
                }
                i = (end < 0 ? body.Length : end) - 1;
            }
        }
    }

    private static bool HasMember(Type type, string member)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        return member switch
        {
            ".ctor" => type.GetConstructors().Length > 0,
            "this[]" => type.GetProperties(flags).Any(p => p.GetIndexParameters().Length > 0),
            _ => type.GetMember(member, flags).Length > 0,
        };
    }
}
