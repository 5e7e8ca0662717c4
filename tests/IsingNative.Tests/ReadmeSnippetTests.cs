namespace IsingNative.Tests;

/// <summary>
/// The README's C# snippets are the packaged sample's code (samples/QuickStart, between each file's
/// "#region readme" markers), which CI builds and runs against the packed package
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

    /// <summary>The README's <paramref name="index"/>-th ```csharp block (from 0).</summary>
    private static string ReadmeSnippet(string root, int index)
    {
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        const string fence = "```csharp\n";
        int start = -1;
        for (int k = 0; k <= index; k++)
        {
            start = readme.IndexOf(fence, start + 1, StringComparison.Ordinal);
            Assert.That(start, Is.GreaterThanOrEqualTo(0), $"README.md has a ```csharp block number {k + 1}");
        }
        start += fence.Length;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>The lines of a sample file between its "#region readme" markers.</summary>
    private static string SampleRegion(string root, string file)
    {
        string sample = File.ReadAllText(Path.Combine(root, "samples", "QuickStart", file)).ReplaceLineEndings("\n");
        const string open = "// #region readme\n", close = "// #endregion readme\n";
        int from = sample.IndexOf(open, StringComparison.Ordinal), to = sample.IndexOf(close, StringComparison.Ordinal);
        Assert.That(from, Is.GreaterThanOrEqualTo(0), $"{file} has the region's start marker");
        Assert.That(to, Is.GreaterThan(from), $"{file} has the region's end marker after its start");
        return sample[(from + open.Length)..to];
    }

    [Test]
    public void TheReadmeSnippetIsTheSamplesCode()
    {
        string root = RepoRoot();
        Assert.That(SampleRegion(root, "Program.cs"), Is.EqualTo(ReadmeSnippet(root, 0)),
            "README.md's first C# snippet differs from samples/QuickStart/Program.cs: change both");
    }

    [Test]
    public void TheReadmeProgressSinkIsTheSamplesCode()
    {
        string root = RepoRoot();
        Assert.That(SampleRegion(root, "SynchronousProgress.cs"), Is.EqualTo(ReadmeSnippet(root, 1)),
            "README.md's second C# snippet differs from samples/QuickStart/SynchronousProgress.cs: change both");
    }

    [Test]
    public void TheReadmeReportsProgressOnTheCallingThread()
    {
        // MANAGED-API.md's advice for long calls: Progress<T> posts its reports to the thread pool,
        // so the last one may come after the call returned.
        Assert.That(ReadmeSnippet(RepoRoot(), 0), Does.Not.Contain("new Progress<"),
            "README.md's example passes a Progress<T>; use a synchronous IProgress<T> (docs/MANAGED-API.md)");
    }
}
