using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace IsingNative.Cli.Tests.Support;

/// <summary>
/// Runs the built <c>ising</c> command line (managed/IsingNative.Cli) the way a user does:
/// <c>dotnet ising.dll ARGS</c> with stdin at end of file, stdout and stderr captured, and the
/// process tree killed past a deadline so a hanging command fails its test instead of the run.
/// The child inherits this process's environment, so ISINGNATIVE_LIBRARY_PATH selects its
/// native library exactly as it selects the suite's.
/// </summary>
internal static class IsingProcess
{
    /// <summary>What one run left behind.</summary>
    internal sealed record Result(int ExitCode, string Stdout, string Stderr, bool TimedOut)
    {
        /// <summary>The first 300 characters of stderr, for failure messages.</summary>
        public string StderrHead => Stderr.Length <= 300 ? Stderr : Stderr[..300] + "...";
    }

    private static readonly Lazy<string> s_cliDll = new(LocateCli);
    private static readonly Lazy<string> s_dotnet = new(LocateDotnet);

    /// <summary>
    /// ising.dll: ISING_CLI_DLL when set; otherwise the CLI built beside this assembly, found by
    /// walking up to IsingNative.sln (this project references the CLI project, so building the
    /// tests builds it in the same configuration).
    /// </summary>
    public static string CliDll => s_cliDll.Value;

    /// <summary>Runs <c>ising ARGS</c>; fails the test when it is still running after <paramref name="timeout"/> (default 120 s).</summary>
    /// <param name="args">The arguments after <c>ising</c>.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="environment">Variables to set in the child's environment besides this process's.</param>
    public static Result Run(IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        using var process = Start(args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool exited = process.WaitForExit(limit);
        if (!exited)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* exited meanwhile */ }
            process.WaitForExit();
        }
        else
        {
            process.WaitForExit();   // the parameterless wait also drains the redirected streams
        }
        return new Result(exited ? process.ExitCode : -1, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), !exited);
    }

    /// <summary>Starts <c>ising ARGS</c> with stdin at end of file and stdout/stderr redirected (for tests that signal it).</summary>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(s_dotnet.Value)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        // ArgumentList, never a joined string: an empty argument and paths with spaces reach the CLI as they are.
        start.ArgumentList.Add(CliDll);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (var a in args) start.ArgumentList.Add(a);

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        process.StandardInput.Close();   // stdin at end of file (the bash checks' </dev/null): nothing waits on a terminal
        return process;
    }

    private static string LocateCli()
    {
        var fromEnv = Environment.GetEnvironmentVariable("ISING_CLI_DLL");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (!File.Exists(fromEnv)) Assert.Fail($"ISING_CLI_DLL={fromEnv}: no such file");
            return Path.GetFullPath(fromEnv);
        }
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        // tests/IsingNative.Cli.Tests/bin/<Configuration>/<tfm>/: the CLI is built in the same configuration and framework.
        string tfm = here.Name;
        string configuration = typeof(IsingProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "IsingNative.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "managed", "IsingNative.Cli", "bin", configuration, tfm, "ising.dll");
            if (!File.Exists(dll)) Assert.Fail($"{dll} not built (dotnet build IsingNative.sln -c {configuration}), or set ISING_CLI_DLL");
            return dll;
        }
        Assert.Fail($"no IsingNative.sln above {here.FullName}: set ISING_CLI_DLL to the ising.dll to test");
        return null!;
    }

    // The host that runs this suite when it is dotnet itself; DOTNET_HOST_PATH (set by the SDK for its
    // children); else dotnet from PATH.
    private static string LocateDotnet()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath)) return hostPath;
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) return self;
        return "dotnet";
    }
}
