using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IsingNative.Cluster.Tests;

/// <summary>
/// <c>ising-silo</c> refuses at start what cannot work, as a child process: a port another
/// program listens on (Orleans reuses ports, so it would otherwise say "ready" and share
/// them), and a <c>--state</c> that is a file. Exit code 2, one line naming the option.
/// </summary>
public class SiloStartTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>managed/IsingNative.Silo/bin/&lt;configuration&gt;/net10.0/ising-silo.dll of this checkout.</summary>
    internal static string SiloDll()
    {
        string configuration = TestContext.CurrentContext.TestDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}")
            ? "Debug" : "Release";
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
        {
            if (!File.Exists(Path.Combine(d.FullName, "IsingNative.sln"))) continue;
            string dll = Path.Combine(d.FullName, "managed", "IsingNative.Silo", "bin", configuration, "net10.0", "ising-silo.dll");
            if (File.Exists(dll)) return dll;
            Assert.Fail($"{dll} is not built (the test project references the silo project, so building the tests builds it)");
        }
        Assert.Ignore("not run from a checkout (no IsingNative.sln above the test assembly)");
        return "";
    }

    private static (int Code, string Stderr) RunSilo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SiloDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"ising-silo {string.Join(' ', args)} was still running after {Limit.TotalSeconds} s: it started instead of refusing");
        }
        return (process.ExitCode, stderr.Result);
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>
    /// Free ports, all different: the listeners are held open together, so the kernel cannot hand
    /// out one port twice (consecutive FreePort() calls can, once a port is released).
    /// </summary>
    internal static int[] DistinctFreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }

    [TestCase("--port")]
    [TestCase("--gateway")]
    public void APortInUseIsRefusedAtStart(string option)
    {
        // A listener with SO_REUSEPORT, as a running silo's Orleans listener has.
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        int busy = ((IPEndPoint)taken.LocalEndPoint!).Port;
        int free = FreePort();
        var (code, stderr) = option == "--port"
            ? RunSilo("--port", busy.ToString(), "--gateway", free.ToString())
            : RunSilo("--port", free.ToString(), "--gateway", busy.ToString());
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith($"ising-silo: {option}: port {busy} is in use"));
    }

    [Test]
    public void AStateThatIsAFileIsRefusedAtStart()
    {
        string file = Path.GetTempFileName();
        try
        {
            int[] free = DistinctFreePorts(2);
            var (code, stderr) = RunSilo("--port", free[0].ToString(), "--gateway", free[1].ToString(), "--state", file);
            Assert.That(code, Is.EqualTo(2), stderr);
            Assert.That(stderr, Does.StartWith($"ising-silo: --state: '{file}' is a file, not a directory."));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
