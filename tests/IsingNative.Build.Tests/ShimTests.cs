using System.Diagnostics;

namespace IsingNative.Build.Tests;

/// <summary>
/// build.sh and build.ps1 hand their arguments, one by one, and the driver's exit code through unchanged, and say
/// how to get the .NET SDK when there is none. PowerShell runs on Linux too: tools/ci/pwsh.sh installs it as a
/// .NET tool (build/tools/pwsh) on first use.
/// </summary>
[NonParallelizable]
public class ShimTests
{
    private static readonly string Root = FindRoot();
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public enum Shim { Bash, PowerShell }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IsingNative.sln"))) return d.FullName;
        throw new InvalidOperationException("no IsingNative.sln above the test folder");
    }

    private static readonly string DotnetRoot =
        Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    private static (int Code, string Out, string Err) Run(Shim shim, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        ProcessStartInfo psi;
        if (shim == Shim.Bash)
        {
            if (OperatingSystem.IsWindows()) Assert.Ignore("build.sh is the shim of Linux and macOS");
            psi = new ProcessStartInfo("/bin/bash");
            psi.ArgumentList.Add(Path.Combine(Root, "build.sh"));
        }
        else
        {
            (string file, string[] prefix) = PowerShell();
            psi = new ProcessStartInfo(file);
            foreach (string a in prefix.Concat(["-NoLogo", "-NoProfile", "-NonInteractive", "-File", Path.Combine(Root, "build.ps1")]))
                psi.ArgumentList.Add(a);
        }
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.WorkingDirectory = Path.GetTempPath();
        psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        if (env is not null) foreach ((string k, string v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Limit))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{shim} {string.Join(' ', args)} did not finish within {Limit}");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// PowerShell 7: on Windows the installed pwsh; elsewhere the .NET tool tools/ci/pwsh.sh installs, started as
    /// `dotnet pwsh.dll` with the full path of dotnet (its own launcher would look dotnet up on PATH).
    /// </summary>
    private static (string File, string[] Prefix) PowerShell()
    {
        if (OperatingSystem.IsWindows()) return ("pwsh", []);
        string tools = Path.Combine(Root, "build", "tools", "pwsh");
        if (!File.Exists(Path.Combine(tools, "pwsh")))
        {
            using var install = Process.Start(new ProcessStartInfo("/bin/bash", [Path.Combine(Root, "tools", "ci", "pwsh.sh"), "-Version"]))!;
            install.WaitForExit();
            Assert.That(install.ExitCode, Is.Zero, "tools/ci/pwsh.sh could not install PowerShell");
        }
        string dll = Directory.EnumerateFiles(Path.Combine(tools, ".store"), "pwsh.dll", SearchOption.AllDirectories)
            .Single(f => f.Contains($"{Path.DirectorySeparatorChar}unix{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        return (Path.Combine(DotnetRoot, "dotnet"), [dll]);
    }

    [TestCase(Shim.Bash), TestCase(Shim.PowerShell)]
    public void HelpExitsZeroAndListsTheVerbs(Shim shim)
    {
        var (code, stdout, stderr) = Run(shim, null, "help");
        Assert.That(code, Is.Zero, stderr);
        foreach (string verb in new[] { "demo", "test", "fuzz [S]", "sanitize", "package", "native", "emu", "managed", "bindings", "bench", "deps", "clean" })
            Assert.That(stdout, Does.Contain($"\n  {verb} "), $"help lists {verb}");
    }

    [TestCase(Shim.Bash), TestCase(Shim.PowerShell)]
    public void AnArgumentWithSpacesArrivesAsOneAndAUsageErrorExitsTwo(Shim shim)
    {
        var (code, _, stderr) = Run(shim, null, "fuzz", "12 x");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("build fuzz: SECONDS must be a whole number of seconds of at least 1, got '12 x'"));
    }

    [TestCase(Shim.Bash), TestCase(Shim.PowerShell)]
    public void AnUnknownVerbIsNamedAndExitsTwo(Shim shim)
    {
        var (code, stdout, stderr) = Run(shim, null, "tset", "--fast");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith("build: unknown verb 'tset'"));
        Assert.That(stdout, Is.Empty, "nothing ran");
    }

    [TestCase(Shim.Bash), TestCase(Shim.PowerShell)]
    public void WithoutDotnetTheShimSaysWhereToGetIt(Shim shim)
    {
        string empty = Directory.CreateTempSubdirectory("isn-shim-").FullName;
        try
        {
            // No dotnet on PATH: only the dirname build.sh finds its folder with.
            if (!OperatingSystem.IsWindows()) File.CreateSymbolicLink(Path.Combine(empty, "dirname"), "/usr/bin/dirname");
            var env = new Dictionary<string, string> { ["PATH"] = empty };
            var (code, _, stderr) = Run(shim, env, "help");
            Assert.That(code, Is.EqualTo(127), stderr);
            Assert.That(stderr, Does.Contain("the .NET 10 SDK is required").And.Contain("https://dot.net/download"));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
