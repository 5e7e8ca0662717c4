namespace IsingNative.Tests;

/// <summary>
/// The README's C# snippet is the packaged sample's code (samples/QuickStart/Program.cs, between
/// its "#region readme" markers), which CI builds and runs against the packed package
/// (tools/package/check.sh): so the README's code compiles and runs.
/// </summary>
public class ReadmeSnippetTests
{
    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IsingNative.sln"))) return d.FullName;
        Assert.Ignore("not run from a checkout (no IsingNative.sln above the test assembly)");
        return "";
    }

    [Test]
    public void TheReadmeSnippetIsTheSamplesCode()
    {
        string root = RepoRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        string sample = File.ReadAllText(Path.Combine(root, "samples", "QuickStart", "Program.cs")).ReplaceLineEndings("\n");

        const string fence = "```csharp\n";
        int start = readme.IndexOf(fence, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README.md has a ```csharp block");
        start += fence.Length;
        string snippet = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        const string open = "// #region readme\n", close = "// #endregion readme\n";
        int from = sample.IndexOf(open, StringComparison.Ordinal), to = sample.IndexOf(close, StringComparison.Ordinal);
        Assert.That(from, Is.GreaterThanOrEqualTo(0), "Program.cs has the region's start marker");
        Assert.That(to, Is.GreaterThan(from), "Program.cs has the region's end marker after its start");
        Assert.That(sample[(from + open.Length)..to], Is.EqualTo(snippet),
            "README.md's C# snippet differs from samples/QuickStart/Program.cs: change both");
    }
}
