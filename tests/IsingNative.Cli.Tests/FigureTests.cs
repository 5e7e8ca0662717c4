using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using IsingNative.Cli.Tests.Support;
using IsingNative.Tests.Support;

namespace IsingNative.Cli.Tests;

/// <summary>
/// The CLI's figures (<c>swarm --heatmap/--histogram</c>, <c>anneal --trace</c>), run as a
/// process on the built <c>ising.dll</c>: the PNGs have the documented fixed size, the SVGs are
/// XML carrying the title, axis labels and colour bar, the CSV reproduces the library's trace,
/// and a wrong extension is bad input naming the option, with nothing written.
/// </summary>
[Category("Cli"), NonParallelizable]
public class FigureTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("ising-fig-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Test]
    public void SwarmPngFiguresHaveTheirFixedSize()
    {
        var run = IsingProcess.Run(["swarm", "--agents", "7", "--n", "8", "--seed", "3", "--steps", "20",
            "--heatmap", PathOf("h.png"), "--histogram", PathOf("s.png"), "--json"]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(PngSize(PathOf("h.png")), Is.EqualTo((800, 700)));
        Assert.That(PngSize(PathOf("s.png")), Is.EqualTo((800, 600)));
        using var json = JsonDocument.Parse(run.Stdout);
        var heatmap = json.RootElement.GetProperty("heatmap");
        Assert.That((heatmap.GetProperty("width").GetInt32(), heatmap.GetProperty("height").GetInt32()), Is.EqualTo((800, 700)));
        Assert.That(heatmap.GetProperty("blueScore").GetDouble(), Is.EqualTo(json.RootElement.GetProperty("minScore").GetDouble()));
        Assert.That(heatmap.GetProperty("redScore").GetDouble(), Is.EqualTo(json.RootElement.GetProperty("maxScore").GetDouble()));
        Assert.That(json.RootElement.GetProperty("histogram").GetProperty("bins").GetInt32(), Is.EqualTo(40));
    }

    [Test]
    public void SizeDoesNotChangeWithTheAgentCount()
    {
        foreach (var k in new[] { 1, 2, 33 })
        {
            var run = IsingProcess.Run(["swarm", "--agents", $"{k}", "--n", "6", "--steps", "10", "--heatmap", PathOf($"h{k}.png")]);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
            Assert.That(PngSize(PathOf($"h{k}.png")), Is.EqualTo((800, 700)), $"K = {k}");
        }
    }

    [Test]
    public void SwarmSvgHeatmapHasTitleAxesAndColourBar()
    {
        var run = IsingProcess.Run(["swarm", "--agents", "6", "--n", "8", "--seed", "3", "--steps", "20", "--backend", "managed",
            "--heatmap", PathOf("h.svg"), "--histogram", PathOf("s.svg")]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);

        var svg = XDocument.Load(PathOf("h.svg"));
        Assert.That(svg.Root!.Name.LocalName, Is.EqualTo("svg"));
        Assert.That((svg.Root.Attribute("width")?.Value, svg.Root.Attribute("height")?.Value), Is.EqualTo(("800", "700")));
        var texts = Texts(svg);
        Assert.That(texts, Has.Some.Contains("K = 6 agents").And.Contains("n = 8").And.Contains("seed 3").And.Contains("managed"), "title");
        Assert.That(texts, Has.Some.StartsWith("self agent a"), "row axis label");
        Assert.That(texts, Has.Some.StartsWith("other agent b"), "column axis label");
        Assert.That(texts, Has.Some.StartsWith("empathy score (colours span this matrix"), "colour bar label");
        // The matrix bitmap (one pixel per pair) and the colour bar's gradient (a tall strip).
        var images = svg.Descendants().Where(e => e.Name.LocalName == "image")
            .Select(e => (W: int.Parse(e.Attribute("width")!.Value, CultureInfo.InvariantCulture),
                          H: int.Parse(e.Attribute("height")!.Value, CultureInfo.InvariantCulture))).ToList();
        Assert.That(images, Does.Contain((6, 6)), "heatmap cells");
        Assert.That(images.Any(i => i.W == 1 && i.H > 100), Is.True, "colour bar gradient");
        // Agent indices 0..5 label both axes.
        Assert.That(texts.Count(t => t == "5"), Is.GreaterThanOrEqualTo(2), "index 5 on both axes");

        var histogram = XDocument.Load(PathOf("s.svg"));
        var labels = Texts(histogram);
        Assert.That(labels, Has.Some.StartsWith("empathy score (40 equal bins"), "histogram x label");
        Assert.That(labels, Has.Some.EqualTo("pairs (a, b) in bin"), "histogram y label");
        Assert.That(labels, Has.Some.StartsWith("Empathy scores: K = 6 agents (36 pairs)"), "histogram title");
    }

    [Test]
    public void TraceCsvReproducesTheLibrarysTrace()
    {
        var run = IsingProcess.Run(["anneal", "--n", "14", "--pattern", "spin-glass", "--self-seed", "5", "--seed", "9",
            "--steps", "37", "--trials-per-step", "11", "--acceptance", "seed-compatible", "--sweep", "sequential",
            "--trace", PathOf("t.csv"), "--json"]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        var lines = File.ReadAllLines(PathOf("t.csv"));
        Assert.That(lines[0], Is.EqualTo("step,beta,energy,accepted,trials,acceptance_rate"));
        Assert.That(lines, Has.Length.EqualTo(1 + 37), "one row per step");

        using var engine = IsingEngine.Create(BackendKind.Managed);
        var options = new AnnealOptions
        {
            Steps = 37, TrialsPerStep = 11, Acceptance = AcceptanceRule.SeedCompatible, SweepOrder = SweepOrder.Sequential,
        };
        var trace = engine.AnnealTrace(IsingSystem.SpinGlass(14, 5), 9, options);
        for (var t = 0; t < 37; t++)
        {
            var f = lines[t + 1].Split(',');
            Assert.That(f, Has.Length.EqualTo(6), lines[t + 1]);
            Assert.That(int.Parse(f[0], CultureInfo.InvariantCulture), Is.EqualTo(t));
            Bits.Same(trace.Betas[t], double.Parse(f[1], CultureInfo.InvariantCulture), $"β, row {t}");
            Bits.Same(trace.Energies[t], double.Parse(f[2], CultureInfo.InvariantCulture), $"energy, row {t}");
            Assert.That(long.Parse(f[3], CultureInfo.InvariantCulture), Is.EqualTo(trace.Accepted[t]), $"accepted, row {t}");
            Assert.That(long.Parse(f[4], CultureInfo.InvariantCulture), Is.EqualTo(trace.Trials[t]), $"trials, row {t}");
            Bits.Same((double)trace.Accepted[t] / trace.Trials[t], double.Parse(f[5], CultureInfo.InvariantCulture), $"rate, row {t}");
        }
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.That(json.RootElement.GetProperty("energy").GetDouble(), Is.EqualTo(trace.Stats.Energy));
        Assert.That(json.RootElement.GetProperty("accepted").GetInt64(), Is.EqualTo(trace.Accepted.Sum()));
        Assert.That(json.RootElement.GetProperty("trace").GetProperty("steps").GetInt32(), Is.EqualTo(37));
    }

    [Test]
    public void TraceFiguresHaveTheirPanels()
    {
        var png = IsingProcess.Run(["anneal", "--n", "12", "--steps", "30", "--trace", PathOf("t.png")]);
        Assert.That(png.ExitCode, Is.EqualTo(0), png.Stderr);
        Assert.That(PngSize(PathOf("t.png")), Is.EqualTo((800, 900)));

        var svg = IsingProcess.Run(["anneal", "--n", "12", "--steps", "30", "--seed", "4", "--trace", PathOf("t.svg")]);
        Assert.That(svg.ExitCode, Is.EqualTo(0), svg.Stderr);
        var texts = Texts(XDocument.Load(PathOf("t.svg")));
        Assert.That(texts, Has.Some.StartsWith("Anneal trace: n = 12, seed 4, 30 steps"), "title");
        Assert.That(texts, Has.Exactly(1).EqualTo("energy after step"), "each panel drawn once");
        Assert.That(texts, Has.Some.StartsWith("β"));
        Assert.That(texts, Has.Some.EqualTo("acceptance rate"));
        Assert.That(texts, Has.Some.EqualTo("step"));
    }

    [TestCase("--heatmap", "h.jpg")]
    [TestCase("--heatmap", "h")]
    [TestCase("--histogram", "s.pdf")]
    [TestCase("--heatmap", "h.csv")]
    public void SwarmRefusesAnotherExtension(string option, string name)
    {
        // The other figure is valid: a refusal must come before anything is written.
        var other = option == "--heatmap" ? "--histogram" : "--heatmap";
        var run = IsingProcess.Run(["swarm", "--agents", "3", "--n", "5", option, PathOf(name), other, PathOf("ok.png")]);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(run.Stderr, Does.StartWith($"ising: {option}: ").And.Contain(name).And.Contain(".png or .svg"));
        Assert.That(run.Stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
        Assert.That(Directory.GetFiles(_dir), Is.Empty, "nothing written");
    }

    [Test]
    public void AnnealRefusesAnotherExtension()
    {
        var run = IsingProcess.Run(["anneal", "--n", "5", "--trace", PathOf("t.json"), "--json"]);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(run.Stderr, Does.StartWith("ising: --trace: ").And.Contain(".png, .svg or .csv"));
        Assert.That(run.Stdout, Is.Empty, "no JSON document for a refused command");
        Assert.That(Directory.GetFiles(_dir), Is.Empty, "nothing written");
    }

    [Test]
    public void CtrlCCancelsTheSwarmWithNothingWritten()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Ignore("SIGINT is a POSIX signal");
        // Managed tiles of 16,384 pairs: 9 million pairs are 550 tiles (tens of seconds here), each a chance
        // to stop; a million finished within the 4 s start-up allowance on a fast machine.
        using var process = IsingProcess.Start(["swarm", "--agents", "3000", "--n", "20", "--backend", "managed", "--heatmap", PathOf("c.png")]);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            Thread.Sleep(TimeSpan.FromSeconds(4));   // past start-up, inside the matrix
            if (process.HasExited) Assert.Inconclusive("the swarm finished before the signal was sent");
            Assert.That(Kill(process.Id, 2), Is.EqualTo(0), "kill(pid, SIGINT)");
            Assert.That(process.WaitForExit(TimeSpan.FromMinutes(3)), Is.True, "exit after SIGINT");
            if (process.ExitCode == 0)
                Assert.Ignore("SIGINT was ignored: this test runner starts processes with SIGINT ignored (a background job)");
            Assert.That(process.ExitCode, Is.EqualTo(1), stderr.Result);
            Assert.That(stderr.Result.Trim(), Is.EqualTo("ising: cancelled"));
            Assert.That(stdout.Result, Is.Empty);
            Assert.That(File.Exists(PathOf("c.png")), Is.False, "no heatmap of a cancelled swarm");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Width and height from the IHDR chunk, after checking the PNG signature.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"), "first chunk");
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    private static List<string> Texts(XDocument svg) =>
        svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
}
