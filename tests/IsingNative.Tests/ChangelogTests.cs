using System.Text.RegularExpressions;

namespace IsingNative.Tests;

/// <summary>
/// CHANGELOG.md is where every package's release notes come from (Directory.Build.props reads the section
/// of the header's version into PackageReleaseNotes), so the version being packed must have a section
/// with content, and the versions must read newest first.
/// </summary>
public class ChangelogTests
{
    private static readonly Regex VersionHeading = new(@"^## \[(?<version>\d+\.\d+\.\d+)\] - (?<date>\d{4}-\d{2}-\d{2})$", RegexOptions.Multiline);

    private static string Root()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IsingNative.sln"))) return d.FullName;
        Assert.Ignore("not run from a checkout (no IsingNative.sln above the test assembly)");
        return "";
    }

    private static string HeaderVersion(string root)
    {
        string header = File.ReadAllText(Path.Combine(root, "native", "include", "isingnative.h"));
        string Part(string name) => Regex.Match(header, $@"#define ISN_VERSION_{name} +(\d+)").Groups[1].Value;
        return $"{Part("MAJOR")}.{Part("MINOR")}.{Part("PATCH")}";
    }

    [Test]
    public void TheHeadersVersionHasASectionWithEntries()
    {
        string root = Root();
        string version = HeaderVersion(root);
        string changelog = File.ReadAllText(Path.Combine(root, "CHANGELOG.md")).ReplaceLineEndings("\n");
        var heading = VersionHeading.Matches(changelog).FirstOrDefault(m => m.Groups["version"].Value == version);
        Assert.That(heading, Is.Not.Null, $"CHANGELOG.md has no '## [{version}] - YYYY-MM-DD' section for isingnative.h's version");
        int next = changelog.IndexOf("\n## [", heading!.Index + heading.Length, StringComparison.Ordinal);
        string body = changelog[(heading.Index + heading.Length)..(next < 0 ? changelog.Length : next)];
        Assert.That(body, Does.Match(@"(?m)^- \S"), $"the {version} section lists no change: the package's release notes would be empty");
    }

    [Test]
    public void VersionsReadNewestFirst()
    {
        string changelog = File.ReadAllText(Path.Combine(Root(), "CHANGELOG.md")).ReplaceLineEndings("\n");
        var versions = VersionHeading.Matches(changelog).Select(m => (Version: Version.Parse(m.Groups["version"].Value), Date: m.Groups["date"].Value)).ToList();
        Assert.That(versions, Has.Count.GreaterThan(1));
        for (int k = 1; k < versions.Count; k++)
        {
            Assert.That(versions[k].Version, Is.LessThan(versions[k - 1].Version), $"{versions[k].Version} after {versions[k - 1].Version}");
            Assert.That(string.CompareOrdinal(versions[k].Date, versions[k - 1].Date), Is.LessThanOrEqualTo(0), $"{versions[k].Version}'s date");
        }
    }
}
