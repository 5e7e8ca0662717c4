using System.Diagnostics;

namespace IsingNative.Cluster.Tests;

/// <summary>
/// <c>ising-silo</c>'s settings come from the Generic Host's configuration: appsettings.json
/// beside it, <c>--config FILE</c>, <c>ISING_</c> environment variables and the command line. A
/// bad value from any of them is refused before the silo starts, naming the option and the
/// value (exit code 2); a Redis server that does not answer is a failure naming it (exit code 1).
/// Each case is a child process that exits within a second or two: nothing starts.
/// </summary>
public class SiloConfigurationTests
{
    private readonly List<string> _files = [];

    [TearDown]
    public void Clean()
    {
        foreach (var f in _files) File.Delete(f);
        _files.Clear();
    }

    private static (int Code, string Stdout, string Stderr) RunSilo(string[] args, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SiloStartTests.SiloDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"ising-silo {string.Join(' ', args)} was still running after 60 s: it started instead of refusing");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private string Json(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ising-silo-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        _files.Add(path);
        return path;
    }


    [Test]
    public void HelpNamesEveryOptionItsKeyAndTheEnvironmentForm()
    {
        var (code, stdout, _) = RunSilo(["--help"]);
        Assert.That(code, Is.Zero);
        foreach (var option in new[] { "--port", "--gateway", "--primary", "--state", "--backend", "--threads", "--cluster-id",
                     "--service-id", "--clustering", "--redis", "--advertise", "--config" })
            Assert.That(stdout, Does.Contain(option));
        Assert.That(stdout, Does.Contain("ISING_Redis__ConnectionString").And.Contain("Redis:ConnectionString"));
    }

    [TestCase(new[] { "--prot", "1" }, "ising-silo: --prot: unknown option")]
    [TestCase(new[] { "--port" }, "ising-silo: --port: a value is missing.")]
    [TestCase(new[] { "--port", "70000" }, "ising-silo: --port: expected an integer in [1, 65535], got '70000'.")]
    [TestCase(new[] { "--port", "1", "--gateway", "1" }, "ising-silo: --gateway: the gateway port must differ from --port (1).")]
    [TestCase(new[] { "--backend", "tpu" }, "ising-silo: --backend: expected auto, managed, native-cpu or gpu, got 'tpu'.")]
    [TestCase(new[] { "--threads", "0" }, "ising-silo: --threads: expected an integer in [1, 4096], got '0'.")]
    [TestCase(new[] { "--clustering", "zookeeper" }, "ising-silo: --clustering: expected localhost or redis, got 'zookeeper'.")]
    [TestCase(new[] { "--clustering", "redis" }, "ising-silo: --redis: redis clustering needs the Redis server")]
    [TestCase(new[] { "--redis", "127.0.0.1:6379,nosuchoption=1" }, "ising-silo: --redis: expected HOST:PORT")]
    [TestCase(new[] { "--redis", "127.0.0.1:6379", "--state", "dir" }, "ising-silo: --state: not used with redis clustering")]
    [TestCase(new[] { "--redis", "127.0.0.1:6379", "--primary", "11111" }, "ising-silo: --primary: not used with redis clustering")]
    [TestCase(new[] { "--redis", "127.0.0.1:6379", "--advertise", "10.0.0.300" }, "ising-silo: --advertise: expected an IP address (e.g. 10.0.0.11), got '10.0.0.300'.")]
    [TestCase(new[] { "--advertise", "10.0.0.3" }, "ising-silo: --advertise: only with redis clustering")]
    [TestCase(new[] { "--cluster-id", " " }, "ising-silo: --cluster-id: expected a non-empty id, got ' '.")]
    public void ABadOptionIsNamedWithItsValue(string[] args, string message)
    {
        var (code, _, stderr) = RunSilo(args);
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith(message));
    }

    [Test]
    public void AnEnvironmentVariableIsReadAndCheckedLikeItsOption()
    {
        var (code, _, stderr) = RunSilo([], new Dictionary<string, string> { ["ISING_Port"] = "abc" });
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith("ising-silo: --port: expected an integer in [1, 65535], got 'abc'."));

        // The command line wins over the environment.
        (code, _, stderr) = RunSilo(["--threads", "0"], new Dictionary<string, string> { ["ISING_Threads"] = "2", ["ISING_Backend"] = "tpu" });
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith("ising-silo: --backend: expected auto, managed, native-cpu or gpu, got 'tpu'."));
        (code, _, stderr) = RunSilo(["--threads", "0"], new Dictionary<string, string> { ["ISING_Threads"] = "2" });
        Assert.That(stderr, Does.StartWith("ising-silo: --threads: expected an integer in [1, 4096], got '0'."));
    }

    [Test]
    public void AConfigFileIsReadAndCheckedAndTheCommandLineWinsOverIt()
    {
        string file = Json("""{ "Clustering": "redis", "Redis": { "ConnectionString": "127.0.0.1:6379" }, "Threads": "0" }""");
        var (code, _, stderr) = RunSilo(["--config", file]);
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith("ising-silo: --threads: expected an integer in [1, 4096], got '0'."));

        (code, _, stderr) = RunSilo(["--config", file, "--threads", "2", "--clustering", "localhost", "--state", ""]);
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith("ising-silo: --state: the directory is empty."), "--clustering localhost replaced the file's redis");

        string broken = Json("{ \"Port\": ");
        (code, _, stderr) = RunSilo(["--config", broken]);
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith($"ising-silo: --config: '{broken}' cannot be read as JSON settings"));

        string missing = Path.Combine(Path.GetTempPath(), $"ising-silo-{Guid.NewGuid():N}.json");
        (code, _, stderr) = RunSilo(["--config", missing]);
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith($"ising-silo: --config: '{missing}' does not exist."));
    }

    [Test]
    public void ARedisServerThatDoesNotAnswerIsAFailureNamingIt()
    {
        int[] free = SiloStartTests.DistinctFreePorts(3);
        int nobody = free[2];
        var clock = Stopwatch.StartNew();
        var (code, _, stderr) = RunSilo(["--port", $"{free[0]}", "--gateway", $"{free[1]}", "--redis", $"127.0.0.1:{nobody}"]);
        Assert.That(code, Is.EqualTo(1), stderr);
        Assert.That(stderr, Does.StartWith($"ising-silo: --redis: no Redis server answered at 127.0.0.1:{nobody}"));
        TestContext.Out.WriteLine($"refused in {clock.Elapsed.TotalSeconds:F1} s: {stderr.Trim()}");
    }
}
