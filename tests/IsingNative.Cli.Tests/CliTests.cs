using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using IsingNative.Cli.Tests.Support;

namespace IsingNative.Cli.Tests;

/// <summary>
/// End-to-end checks of the <c>ising</c> command line against shared/spec/CLI.md, each one a child
/// process of the built CLI (<see cref="IsingProcess"/>): every command's JSON keys, exit code 2 with
/// one line on stderr for bad input and 3 for an unavailable backend, never a stack trace, and file
/// handling (FIFOs, devices, directories, oversized files refused from their metadata at once).
/// One test case per check (category "Cli", like every fixture of this project, which the build runs
/// as its "command line" stage). The cases are separate processes with their own scratch folders, so they run in parallel
/// with each other (only with each other: NUnit runs the non-parallel fixtures in a shift of their own),
/// as many at once as NUnit's default level, the number of cores: each child is a CPU-bound dotnet start.
/// </summary>
[TestFixture, Category("Cli"), Parallelizable(ParallelScope.All)]
public class CliTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures");
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(5);   // validate and bench --quick take ~20 s on a loaded 2-core machine
    private static readonly TimeSpan RefusalLimit = TimeSpan.FromSeconds(60);   // a refusal comes from metadata and options: at once
    private static readonly Regex StackTraceLine = new(@"^\s+at ", RegexOptions.Multiline);

    /// <summary>What a case needs in its scratch folder before it runs (the Unix-only ones are ignored elsewhere).</summary>
    [Flags]
    public enum Needs { None = 0, Garbage = 1, Fifo = 2, DevZero = 4, HugeFile = 8 }

    // Arguments name {fix} (the fixtures) and {tmp} (the case's scratch folder); see Expand.

    private static IEnumerable<TestCaseData> JsonCases()
    {
        static TestCaseData C(string name, string keys, params string[] args) => new TestCaseData(keys, args).SetName(name);
        yield return C("info", "backends auto devices", "info", "--json");
        yield return C("energy file", "n energy magnetization frustration emotion.valence emotion.arousal emotion.tension emotion.coherence",
                       "energy", "--system", "{fix}/three.json", "--json");
        yield return C("empathy gen", "score stateOverlap energyError magnetizationError couplingSimilarity steps trials backend",
                       "empathy", "--n", "20", "--self-seed", "42", "--other-seed", "99", "--seed", "7", "--json");
        yield return C("empathy files", "score stateOverlap couplingSimilarity",
                       "empathy", "--self", "{fix}/three.json", "--other", "{fix}/three.json", "--seed", "1", "--json");
        yield return C("quick", "method score couplingSimilarity energyDifference", "quick", "--n", "20", "--self-seed", "1", "--other-seed", "2", "--json");
        yield return C("quick seed", "method score couplingSimilarity energyDifference scale",
                       "quick", "--n", "20", "--self-seed", "1", "--other-seed", "2", "--method", "seed", "--scale", "50", "--json");
        yield return C("quick quench files", "method score couplingSimilarity energyDifference",
                       "quick", "--self", "{fix}/three.json", "--other", "{fix}/three.json", "--method", "quench", "--weights", "seed-code", "--json");
        yield return C("social", "weights scores collectiveEmotion mostEmpathicIndex backend",
                       "social", "--n", "20", "--agents", "5", "--seed", "3", "--json");
        yield return C("social files", "weights scores",
                       "social", "--self", "{fix}/three.json", "--others", "{fix}/three.json,{fix}/three.json", "--json");
        yield return C("swarm", "agents pairs seconds pairsPerSecond meanScore backend",
                       "swarm", "--agents", "12", "--n", "10", "--seed", "5", "--heatmap", "{tmp}/h.png", "--json");
        yield return C("anneal", "energy spins trials accepted",
                       "anneal", "--system", "{fix}/three.json", "--steps", "50", "--trials-per-step", "5", "--json");
        yield return C("anneal sequential", "energy spins trials accepted",
                       "anneal", "--system", "{fix}/three.json", "--steps", "50", "--trials-per-step", "3", "--sweep", "sequential", "--json");
        yield return C("sample", "states energies acceptance",
                       "sample", "--system", "{fix}/three.json", "--beta", "0.5", "--samples", "20", "--thin", "2", "--burn-in", "5", "--json");
        yield return C("validate", "checks passed", "validate", "--json");
        yield return C("bench --quick", "rows", "bench", "--quick", "--json");
    }

    /// <summary>Exit 0 and stdout one JSON document holding every dotted key.</summary>
    [TestCaseSource(nameof(JsonCases))]
    public void Json(string keys, string[] args)
    {
        using var scratch = new Scratch();
        var r = IsingProcess.Run(scratch.Expand(args), CommandLimit);
        Assert.That(r.TimedOut, Is.False, $"did not return within {CommandLimit.TotalSeconds} s");
        Assert.That(r.ExitCode, Is.Zero, $"exit {r.ExitCode}: {r.StderrHead}");
        using var doc = ParseJson(r.Stdout);
        var missing = keys.Split(' ').Where(k => !HasKey(doc.RootElement, k)).ToList();
        Assert.That(missing, Is.Empty, "missing keys: " + string.Join(", ", missing));
    }

    [TestCase(TestName = "swarm heatmap is a PNG")]
    public void SwarmHeatmapIsAPng()
    {
        using var scratch = new Scratch();
        var png = Path.Combine(scratch.Dir, "h.png");
        var r = IsingProcess.Run(["swarm", "--agents", "12", "--n", "10", "--seed", "5", "--heatmap", png, "--json"], CommandLimit);
        Assert.That(r.ExitCode, Is.Zero, $"exit {r.ExitCode}: {r.StderrHead}");
        Assert.That(File.Exists(png), $"{png} not written");
        byte[] magic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.That(File.ReadAllBytes(png).Take(8).ToArray(), Is.EqualTo(magic), "the heatmap does not start with the PNG signature");
    }

    /// <summary>Same seed, same answer, through the whole command line.</summary>
    [TestCase(TestName = "same seed, same JSON")]
    public void SameSeedSameJson()
    {
        string[] args = ["empathy", "--n", "16", "--self-seed", "4", "--other-seed", "5", "--seed", "11", "--json"];
        var a = IsingProcess.Run(args, CommandLimit);
        var b = IsingProcess.Run(args, CommandLimit);
        Assert.That(a.ExitCode, Is.Zero, $"exit {a.ExitCode}: {a.StderrHead}");
        Assert.That(a.Stdout, Is.Not.Empty);
        Assert.That(b.Stdout, Is.EqualTo(a.Stdout));
    }

    /// <summary>`ising quick` says which method it ran: quench unless --method seed, in JSON and in the title.</summary>
    [TestCase(TestName = "quick names its method")]
    public void QuickNamesItsMethod()
    {
        string[] pair = ["quick", "--n", "12", "--pattern", "spin-glass", "--self-seed", "3", "--other-seed", "4"];
        string? MethodOf(params string[] extra)
        {
            var r = IsingProcess.Run([.. pair, .. extra, "--json"], CommandLimit);
            Assert.That(r.ExitCode, Is.Zero, $"exit {r.ExitCode}: {r.StderrHead}");
            using var doc = ParseJson(r.Stdout);
            return doc.RootElement.GetProperty("method").GetString();
        }
        Assert.That(MethodOf(), Is.EqualTo("quench"), "the default");
        Assert.That(MethodOf("--method", "seed"), Is.EqualTo("seed"));
        Assert.That(MethodOf("--method", "quench"), Is.EqualTo("quench"));
        var human = IsingProcess.Run([.. pair, "--method", "seed"], CommandLimit);
        Assert.That(human.ExitCode, Is.Zero, $"exit {human.ExitCode}: {human.StderrHead}");
        Assert.That(human.Stdout, Does.Contain("method seed"));
    }

    private static IEnumerable<TestCaseData> BadInputCases()
    {
        static TestCaseData C(string name, params string[] args) => new TestCaseData(Needs.None, args).SetName(name);
        yield return C("no such file", "energy", "--system", "{tmp}/missing.json");
        yield return new TestCaseData(Needs.Garbage, new[] { "energy", "--system", "{tmp}/garbage.json" }).SetName("not JSON");
        yield return C("asymmetric J", "energy", "--system", "{fix}/asymmetric.json");
        yield return C("diagonal", "energy", "--system", "{fix}/diagonal.json");
        yield return C("spin of 2", "energy", "--system", "{fix}/bad-spin.json");
        yield return C("wrong sizes", "energy", "--system", "{fix}/wrong-size.json");
        yield return C("missing key", "energy", "--system", "{fix}/missing-fields.json");
        yield return C("NaN-like string", "energy", "--system", "{fix}/nan.json");
        yield return C("n = 0", "empathy", "--n", "0");
        yield return C("negative steps", "anneal", "--system", "{fix}/three.json", "--steps", "-5");
        yield return C("unknown option", "empathy", "--frobnicate");
        yield return C("negative weights", "empathy", "--n", "10", "--weights", "-1,0,0,0");
        yield return C("bad backend name", "empathy", "--n", "10", "--backend", "quantum");
        yield return C("bad sweep order", "empathy", "--n", "10", "--sweep", "diagonal");
        yield return C("bad quick method", "quick", "--n", "10", "--method", "anneal");
        yield return C("quick negative weights", "quick", "--n", "10", "--method", "quench", "--weights", "0,-1,0,0");
    }

    /// <summary>Bad input: exit 2, a message on stderr, no stack trace.</summary>
    [TestCaseSource(nameof(BadInputCases))]
    public void BadInput(Needs needs, string[] args)
    {
        using var scratch = new Scratch(needs);
        ExpectExit(2, scratch.Expand(args));
    }

    private static IEnumerable<TestCaseData> RefusalCases()
    {
        static TestCaseData C(string name, Needs needs, string texts, params string[] args) => new TestCaseData(needs, texts, args).SetName(name);
        // Inputs that cannot hang or flood (issue 12): refused from metadata and options, at once.
        yield return C("duplicate key", Needs.None, "--system|duplicate-key.json|duplicate key \"couplings\"", "energy", "--system", "{fix}/duplicate-key.json");
        // A misspelt key is refused naming the file, the key and the nearest key (ignored, it would leave every spin +1).
        yield return C("unknown key", Needs.None, "--system|misspelt-spins.json|unknown key \"spin\" at line 4, column 3|did you mean \"spins\"?|--lenient",
            "energy", "--system", "{fix}/misspelt-spins.json");
        yield return C("unknown key in --others", Needs.None, "--others|misspelt-spins.json|unknown key \"spin\"",
            "social", "--self", "{fix}/three.json", "--others", "{fix}/three.json,{fix}/misspelt-spins.json");
        yield return C("unknown key in --other", Needs.None, "--other|misspelt-spins.json|unknown key \"spin\"",
            "quick", "--self", "{fix}/three.json", "--other", "{fix}/misspelt-spins.json");
        yield return C("FIFO never opened", Needs.Fifo, "--system|{tmp}/pipe.json|FIFO", "energy", "--system", "{tmp}/pipe.json");
        yield return C("FIFO in --others", Needs.Fifo, "--others|{tmp}/pipe.json", "social", "--self", "{fix}/three.json", "--others", "{fix}/three.json,{tmp}/pipe.json");
        yield return C("/dev/zero", Needs.DevZero, "--system|/dev/zero", "energy", "--system", "/dev/zero");
        yield return C("directory as system", Needs.None, "--self|{tmp}", "empathy", "--self", "{tmp}", "--other", "{fix}/three.json");
        yield return C("empty file name", Needs.None, "--system|empty", "energy", "--system", "");
        yield return C("file over the size limit", Needs.HugeFile, "--system|{tmp}/huge.json|18,253,611,008", "energy", "--system", "{tmp}/huge.json");
        yield return C("social over memory", Needs.None, "--agents/--n|memory", "social", "--agents", "100000", "--n", "10000");
        yield return C("swarm over trials", Needs.None, "--agents|46,340", "swarm", "--agents", "46340", "--n", "1");
        yield return C("swarm over memory", Needs.None, "--agents/--n|memory", "swarm", "--agents", "2000", "--n", "16384", "--steps", "1", "--trials-per-step", "1");
        yield return C("sample over memory", Needs.None, "--samples|memory", "sample", "--n", "16384", "--beta", "1", "--samples", "2000000000");
        yield return C("heatmap empty", Needs.None, "--heatmap|empty", "swarm", "--agents", "4", "--n", "5", "--heatmap", "");
        yield return C("heatmap directory", Needs.None, "--heatmap|{tmp}|directory", "swarm", "--agents", "4", "--n", "5", "--heatmap", "{tmp}");
        yield return C("heatmap missing dir", Needs.None, "--heatmap|{tmp}/nope/h.png", "swarm", "--agents", "4", "--n", "5", "--heatmap", "{tmp}/nope/h.png");
        yield return C("heatmap onto a FIFO", Needs.Fifo, "--heatmap|{tmp}/pipe.json|FIFO", "swarm", "--agents", "4", "--n", "5", "--heatmap", "{tmp}/pipe.json");
    }

    /// <summary>
    /// Refused at once: exit 2 within 60 s, exactly one line on stderr containing every text of
    /// <paramref name="texts"/> ('|'-separated: the option, the file, the reason), nothing on stdout,
    /// and nothing created.
    /// </summary>
    [TestCaseSource(nameof(RefusalCases))]
    public void Refusal(Needs needs, string texts, string[] args)
    {
        using var scratch = new Scratch(needs);
        var before = scratch.Listing();
        var r = IsingProcess.Run(scratch.Expand(args), RefusalLimit);
        Assert.That(r.TimedOut, Is.False, $"did not return within {RefusalLimit.TotalSeconds} s");
        Assert.That(r.ExitCode, Is.EqualTo(2), $"exit {r.ExitCode}, expected 2; stderr: {r.StderrHead}");
        Assert.That(r.Stderr.Count(c => c == '\n'), Is.EqualTo(1), $"expected one line on stderr: {r.StderrHead}");
        foreach (var text in scratch.Expand(texts.Split('|')))
            Assert.That(r.Stderr, Does.Contain(text), $"stderr lacks '{text}': {r.StderrHead}");
        Assert.That(r.Stdout, Is.Empty, "wrote to stdout");
        Assert.That(scratch.Listing(), Is.EqualTo(before), "the refused command created or removed files");
    }

    /// <summary>
    /// <c>--lenient</c> reads a file with an unknown key as the reader did before keys were
    /// checked: the misspelt spins are ignored, so the system has none (every spin +1).
    /// </summary>
    [TestCase("energy", "--system", TestName = "lenient energy reads a file with an unknown key")]
    [TestCase("anneal", "--system", TestName = "lenient anneal reads a file with an unknown key")]
    public void LenientReadsAFileWithAnUnknownKey(string command, string option)
    {
        var file = Path.Combine(Fixtures, "misspelt-spins.json");
        string[] schedule = command == "anneal" ? ["--steps", "5", "--trials-per-step", "2"] : [];
        var r = IsingProcess.Run([command, option, file, "--lenient", .. schedule, "--json"], CommandLimit);
        Assert.That(r.ExitCode, Is.Zero, $"exit {r.ExitCode}: {r.StderrHead}");
        using var doc = ParseJson(r.Stdout);
        if (command == "energy")
        {
            // The fixture is three.json with "spins" misspelt: the same J and h, every spin +1.
            var three = IsingSystemFile.Load(Path.Combine(Fixtures, "three.json"));
            var allUp = IsingSystem.FromArrays(three.Size, three.Couplings, three.Fields);
            Assert.That(doc.RootElement.GetProperty("hasSpins").GetBoolean(), Is.False);
            Assert.That(doc.RootElement.GetProperty("energy").GetDouble(), Is.EqualTo(allUp.Energy()));
        }
        else
        {
            Assert.That(doc.RootElement.TryGetProperty("systemEnergy", out _), Is.False, "a system without spins has no energy of its own");
        }
        var strict = IsingProcess.Run([command, option, file, .. schedule, "--json"], RefusalLimit);
        Assert.That(strict.ExitCode, Is.EqualTo(2), "the control: without --lenient the same file is refused");
    }

    [TestCase(TestName = "gpu unavailable")]
    public void GpuUnavailable()
    {
        var info = IsingProcess.Run(["info", "--json"], CommandLimit);
        Assert.That(info.ExitCode, Is.Zero, $"info --json: exit {info.ExitCode}: {info.StderrHead}");
        using (var doc = ParseJson(info.Stdout))
        {
            if (doc.RootElement.GetProperty("backends").EnumerateArray().Any(b => b.GetString() == "gpu"))
                Assert.Ignore("a GPU backend is present: the exit-3 check needs it absent");
        }
        ExpectExit(3, ["empathy", "--n", "10", "--backend", "gpu"]);
    }

    [TestCase(TestName = "json only on stdout")]
    public void JsonOnlyOnStdout() => ExpectExit(0, ["empathy", "--n", "10", "--json"]);

    [TestCase(TestName = "stdout parses as one JSON document")]
    public void StdoutParsesAsOneJsonDocument()
    {
        var r = IsingProcess.Run(["empathy", "--n", "10", "--json"], CommandLimit);
        Assert.That(r.ExitCode, Is.Zero, $"exit {r.ExitCode}: {r.StderrHead}");
        ParseJson(r.Stdout).Dispose();
    }

    // The exit code; for a failure code a message on stderr; never a stack trace.
    private static void ExpectExit(int want, IEnumerable<string> args)
    {
        var r = IsingProcess.Run(args, CommandLimit);
        Assert.That(r.TimedOut, Is.False, $"did not return within {CommandLimit.TotalSeconds} s");
        Assert.That(r.ExitCode, Is.EqualTo(want), $"exit {r.ExitCode}, expected {want}; stderr: {r.StderrHead}");
        Assert.That(StackTraceLine.IsMatch(r.Stderr), Is.False, "stack trace on stderr: " + r.StderrHead);
        if (want != 0) Assert.That(r.Stderr, Is.Not.Empty, "no message on stderr");
    }

    private static JsonDocument ParseJson(string text)
    {
        try { return JsonDocument.Parse(text); }
        catch (JsonException e)
        {
            Assert.Fail($"stdout is not one JSON document ({e.Message}): {(text.Length <= 300 ? text : text[..300] + "...")}");
            throw;
        }
    }

    private static bool HasKey(JsonElement root, string dotted)
    {
        var node = root;
        foreach (var part in dotted.Split('.'))
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node)) return false;
        }
        return true;
    }

    /// <summary>A case's own scratch folder, prepared for what it <see cref="Needs"/>, removed afterwards.</summary>
    private sealed class Scratch : IDisposable
    {
        public string Dir { get; } = Directory.CreateTempSubdirectory("ising-cli-").FullName;

        public Scratch(Needs needs = Needs.None)
        {
            try { Prepare(needs); }
            catch { Dispose(); throw; }
        }

        // Forward slashes: the texts the CLI echoes are the paths as given, on every platform.
        public IEnumerable<string> Expand(IEnumerable<string> items) =>
            items.Select(s => s.Replace("{fix}", Fixtures.Replace('\\', '/')).Replace("{tmp}", Dir.Replace('\\', '/'))).ToList();

        public List<string> Listing() =>
            Directory.EnumerateFileSystemEntries(Dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        private void Prepare(Needs needs)
        {
            if (needs.HasFlag(Needs.Garbage)) File.WriteAllText(Path.Combine(Dir, "garbage.json"), "not json");
            if (needs.HasFlag(Needs.Fifo)) MakeFifo(Path.Combine(Dir, "pipe.json"));
            if (needs.HasFlag(Needs.DevZero) && (OperatingSystem.IsWindows() || !File.Exists("/dev/zero")))
                Assert.Ignore("no /dev/zero here (a Unix device)");
            if (needs.HasFlag(Needs.HugeFile)) MakeSparse(Path.Combine(Dir, "huge.json"), 17L << 30);
        }

        private static void MakeFifo(string path)
        {
            if (OperatingSystem.IsWindows()) Assert.Ignore("FIFOs are a Unix file type");
            var start = new ProcessStartInfo("mkfifo") { UseShellExecute = false, RedirectStandardError = true };
            start.ArgumentList.Add(path);
            try
            {
                using var p = Process.Start(start)!;
                string err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) Assert.Ignore($"mkfifo failed here: {err.Trim()}");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Assert.Ignore($"no mkfifo here: {e.Message}");
            }
        }

        // A file of the given length with no data written (a hole), as `truncate -s` makes it.
        private static void MakeSparse(string path, long length)
        {
            if (OperatingSystem.IsWindows()) Assert.Ignore("a 17 GiB file would be allocated on NTFS (not sparse without FSCTL_SET_SPARSE)");
            try
            {
                using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                f.SetLength(length);
            }
            catch (IOException e)
            {
                Assert.Ignore($"no sparse {length}-byte file here: {e.Message}");
            }
        }

        public void Dispose()
        {
            try { Directory.Delete(Dir, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a child still holding a file (Windows): the temp folder keeps it */ }
        }
    }
}
