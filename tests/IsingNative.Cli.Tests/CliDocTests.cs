using System.Text.RegularExpressions;
using IsingNative.Cli.Tests.Support;

namespace IsingNative.Cli.Tests;

/// <summary>
/// docs/CLI.md against the command tree <c>ising</c> parses with (<see cref="CliCommandTree"/>). The page
/// names options in inline code (<c>`--agents K`</c>); each command has a section headed
/// <c>### `ising NAME ...`</c>, and "## 2. Options" holds the options several commands share. An option
/// of a command is documented when its section or §2 names it; every option the page names anywhere
/// must be an option of some command.
/// </summary>
[TestFixture, Category("Cli")]
public class CliDocTests
{
    private static readonly Regex Fence = new(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    private static readonly Regex InlineCode = new(@"`([^`\n]+)`", RegexOptions.CultureInvariant);
    private static readonly Regex OptionName = new(@"(?<![\w-])--[a-z][a-z0-9-]*", RegexOptions.CultureInvariant);
    private static readonly Regex Heading = new(@"^(##+) (.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
    private static readonly Regex CommandHeading = new(@"^`ising ([a-z-]+)", RegexOptions.CultureInvariant);

    private static string CliPage()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IsingNative.sln")))
                return File.ReadAllText(Path.Combine(d.FullName, "docs", "CLI.md")).ReplaceLineEndings("\n");
        Assert.Ignore("not run from a checkout (no IsingNative.sln above the test assembly)");
        return "";
    }

    [Test]
    public void EveryOptionOfEveryCommandIsDocumented()
    {
        var problems = Problems(CliPage(), CliCommandTree.Root).Where(p => !p.Contains("no command has", StringComparison.Ordinal)).ToList();
        Assert.That(problems, Is.Empty, "docs/CLI.md leaves out:\n" + string.Join("\n", problems));
    }

    [Test]
    public void EveryOptionThePageNamesExists()
    {
        var problems = Problems(CliPage(), CliCommandTree.Root).Where(p => p.Contains("no command has", StringComparison.Ordinal)).ToList();
        Assert.That(problems, Is.Empty, "docs/CLI.md names options the CLI does not have:\n" + string.Join("\n", problems));
    }

    [Test]
    public void TheCheckReportsAnOptionLeftOutAndOneMadeUp()
    {
        var tree = new CliCommandTree.Command("ising", [new("--help", [], true)],
        [
            new("swarm", [new("--agents", [], false), new("--histogram", [], false), new("--json", [], false)], []),
            new("quick", [new("--scale", [], false)], []),
        ]);
        const string page = "## 2. Options\n\n`--json` everywhere; `--help`.\n\n## 4. Commands\n\n### `ising swarm [--agents K]`\n\n" +
                            "`--agents K`, `--heatmap out.png`.\n\n### `ising quick`\n\n`--scale S`\n";
        var problems = Problems(page, tree);
        Assert.That(problems, Is.EquivalentTo(new[]
        {
            "swarm --histogram: not in its section or §2",
            "--heatmap: named in \"`ising swarm [--agents K]`\" but no command has it",
        }));
    }

    [Test]
    public void TheCheckReportsACommandWithoutASection()
    {
        var tree = new CliCommandTree.Command("ising", [], [new("bench", [new("--quick", [], false)], [])]);
        Assert.That(Problems("## 2. Options\n\n`--quick`\n", tree), Is.EquivalentTo(new[] { "bench: no section headed ### `ising bench`" }));
    }

    /// <summary>What the page and the tree disagree about, one line each.</summary>
    private static List<string> Problems(string page, CliCommandTree.Command root)
    {
        var sections = Sections(Fence.Replace(page, ""));
        var shared = sections.Where(s => s.Title.EndsWith("Options", StringComparison.Ordinal)).SelectMany(s => s.Options).ToHashSet();
        var everywhere = sections.SelectMany(s => s.Options).ToHashSet();
        var problems = new List<string>();

        foreach (var option in root.Options)
            if (!everywhere.Contains(option.Name))
                problems.Add($"{option.Name}: not on the page");
        foreach (var command in root.SelfAndDescendants().Skip(1))
        {
            var section = sections.FirstOrDefault(s => CommandHeading.Match(s.Title) is { Success: true } m && m.Groups[1].Value == command.Name);
            if (section is null)
            {
                problems.Add($"{command.Name}: no section headed ### `ising {command.Name}`");
                continue;
            }
            foreach (var option in command.Options)
                if (!section.Options.Contains(option.Name) && !shared.Contains(option.Name))
                    problems.Add($"{command.Name} {option.Name}: not in its section or §2");
        }

        var known = root.SelfAndDescendants().SelectMany(c => c.Options).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
        foreach (var section in sections)
            foreach (var name in section.Options.Where(n => !known.Contains(n)).Order(StringComparer.Ordinal))
                problems.Add($"{name}: named in \"{section.Title}\" but no command has it");
        return problems;
    }

    private sealed record Section(string Title, HashSet<string> Options);

    /// <summary>The page cut at its headings, each part with the option names in its inline code (heading included).</summary>
    private static List<Section> Sections(string page)
    {
        var headings = Heading.Matches(page);
        var sections = new List<Section>();
        for (int k = 0; k < headings.Count; k++)
        {
            int end = k + 1 < headings.Count ? headings[k + 1].Index : page.Length;
            string text = page[headings[k].Index..end];
            var options = InlineCode.Matches(text).SelectMany(code => OptionName.Matches(code.Groups[1].Value)).Select(m => m.Value).ToHashSet();
            sections.Add(new Section(headings[k].Groups[2].Value.Trim(), options));
        }
        return sections;
    }
}
