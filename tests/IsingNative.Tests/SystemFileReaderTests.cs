using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IsingNative.Tests;

/// <summary>
/// The system-file reader (CLI.md's format) against hostile files: a key repeated in any
/// object is refused naming the file and the key; FIFOs, devices and directories are
/// refused from their metadata without being opened; a file longer than the largest
/// system file is refused unread; reading stops at the length the file had when checked;
/// an unknown key is refused (unless lenient) with the nearest known key; places count from 1.
/// </summary>
public class SystemFileReaderTests
{
    private const string Valid = """{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0.5, -0.5], "spins": [1, -1] }""";

    private string _dir = null!;

    [SetUp] public void SetUp() => _dir = Directory.CreateTempSubdirectory("ising-reader-").FullName;

    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    // ---- duplicate keys -------------------------------------------------------------------

    private static IEnumerable<TestCaseData> DuplicateKeys()
    {
        yield return new TestCaseData("""{ "n": 2, "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0] }""", "n").SetName("n twice");
        yield return new TestCaseData("""{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0], "couplings": [[0, 2], [2, 0]] }""", "couplings").SetName("couplings twice");
        yield return new TestCaseData("""{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0], "fields": [1, 1] }""", "fields").SetName("fields twice");
        yield return new TestCaseData("""{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0], "spins": [1, 1], "spins": [-1, -1] }""", "spins").SetName("spins twice");
        yield return new TestCaseData("""{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0], "note": 1, "note": 2 }""", "note").SetName("unknown key twice");
        yield return new TestCaseData("""{ "n": 2, "\u006e": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0] }""", "n").SetName("escaped spelling of n");
        yield return new TestCaseData("""{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0], "meta": { "a": 1, "a": 2 } }""", "a").SetName("nested object");
        yield return new TestCaseData("""{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0], "meta": [ { "b": { "c": 1, "c": 2 } } ] }""", "c").SetName("object in an array in an object");
    }

    [TestCaseSource(nameof(DuplicateKeys))]
    public void DuplicateKeyIsRejectedNamingTheSourceAndTheKey(string json, string key)
    {
        // Lenient, so that the cases with keys the format does not have reach their repeat.
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Parse(json, "agent-3.json", lenient: true))!;
        Assert.That(ex.Message, Does.Contain("agent-3.json").And.Contain($"duplicate key \"{key}\""));
    }

    [TestCaseSource(nameof(DuplicateKeys))]
    public void DuplicateKeyInAFileIsRejectedNamingTheFileAndTheKey(string json, string key)
    {
        var path = Write("dup.json", json);
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(path, lenient: true))!;
        Assert.That(ex.Message, Does.Contain(path).And.Contain($"duplicate key \"{key}\""));
    }

    [Test]
    public void EqualKeysInDifferentObjectsAreNotDuplicates()
    {
        // Control for the cases above: only a repeat within one object is an error.
        var sys = IsingSystemFile.Parse("""
            { "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0.5, -0.5],
              "a": { "n": 1, "x": { "n": 2 } }, "b": [ { "n": 3 }, { "n": 4 } ] }
            """, lenient: true);
        Assert.That(sys.Fields.ToArray(), Is.EqualTo(new[] { 0.5, -0.5 }));
    }

    [Test]
    public void DuplicateBeyondTheFirstBufferIsFoundAtItsByteOffset()
    {
        // Two long strings push the repeated key past the reader's 64 KiB buffer (and one
        // token is longer than the buffer, which must grow rather than fail).
        var filler = new string('x', 100_000);
        var json = $$"""{ "n": 2, "couplings": [[0, 1], [1, 0]], "fields": [0, 0], "pad": "{{filler}}", "more": "{{filler}}", "fields": [1, 1] }""";
        var path = Write("late-dup.json", json);
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(path, lenient: true))!;
        int at = json.LastIndexOf("\"fields\"", StringComparison.Ordinal);
        Assert.That(ex.Message, Does.Contain($"duplicate key \"fields\"").And.Contain($"at byte {at.ToString(CultureInfo.InvariantCulture)};"));
    }

    // ---- unknown keys and places -----------------------------------------------------------

    // "spin" for "spins" was read as a file without spins: every spin +1, without a word.
    private const string MisspeltSpins = "{ \"n\": 2, \"couplings\": [[0, 1], [1, 0]], \"fields\": [0.5, -0.5],\n  \"spin\": [1, -1] }";

    [Test]
    public void UnknownKeyIsRefusedNamingTheFileTheKeyItsPlaceAndTheNearestKey()
    {
        var path = Write("typo.json", MisspeltSpins);
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(path))!;
        Assert.That(ex.Message, Does.StartWith(path + ": unknown key \"spin\" at line 2, column 3; did you mean \"spins\"?"));
        Assert.That(ex.Message, Does.Contain("lenient: true"), "says how to accept it");
        var parsed = Assert.Throws<IsingInputException>(() => IsingSystemFile.Parse(MisspeltSpins, "agent-8.json"))!;
        Assert.That(parsed.Message, Does.StartWith("agent-8.json: unknown key \"spin\" at line 2, column 3; did you mean \"spins\"?"));
    }

    [TestCase("coupling", "couplings")]
    [TestCase("Fields", "fields")]
    [TestCase("feilds", "fields")]
    [TestCase("N", "n")]
    public void UnknownKeySuggestsTheNearestKnownKey(string typo, string meant)
    {
        var json = $$"""{ "n": 1, "couplings": [[0]], "fields": [0], "{{typo}}": 1 }""";
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Parse(json, "agent-9.json"))!;
        Assert.That(ex.Message, Does.Contain($"unknown key \"{typo}\"").And.Contain($"did you mean \"{meant}\"?"));
    }

    [Test]
    public void UnknownKeyFarFromEveryKnownKeyListsTheKnownKeys()
    {
        var ex = Assert.Throws<IsingInputException>(() =>
            IsingSystemFile.Parse("""{ "n": 1, "couplings": [[0]], "fields": [0], "temperature": 3 }""", "agent-10.json"))!;
        Assert.That(ex.Message, Does.Contain("unknown key \"temperature\" at line 1, column 46;")
            .And.Contain("the keys of a system file are \"n\", \"couplings\", \"fields\", \"spins\"")
            .And.Not.Contain("did you mean"));
    }

    [Test]
    public void UnknownKeyWithControlCharactersIsShownEscaped()
    {
        var ex = Assert.Throws<IsingInputException>(() =>
            IsingSystemFile.Parse("{ \"n\": 1, \"couplings\": [[0]], \"fields\": [0], \"\\u001b[2J\\u0007\": 1 }", "agent-11.json"))!;
        Assert.That(ex.Message, Does.Contain("unknown key \"\\u001b[2J\\u0007\""));
        Assert.That(ex.Message.Any(char.IsControl), Is.False, "no raw control character in the message");
    }

    [Test]
    public void LenientReadIgnoresUnknownKeys()
    {
        var path = Write("typo.json", MisspeltSpins);
        var system = IsingSystemFile.Load(path, lenient: true);
        Assert.That(system.HasSpins, Is.False, "the misspelt spins are ignored, as the lenient mode promises");
        Assert.That(system.Spins.ToArray(), Is.EqualTo(new sbyte[] { 1, 1 }));
        Assert.That(system.Fields.ToArray(), Is.EqualTo(new[] { 0.5, -0.5 }));
        Assert.That(IsingSystemFile.Parse(MisspeltSpins, lenient: true).HasSpins, Is.False);
    }

    [Test]
    public void SyntaxErrorPlaceCountsLinesAndColumnsFromOne()
    {
        // 'x' is the 16th character of the second line; System.Text.Json says line 1, position 15.
        const string json = "{ \"n\": 2,\n  \"couplings\": x }";
        var path = Write("syntax.json", json);
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(path))!;
        Assert.That(ex.Message, Does.StartWith(path + ": not a valid system file at line 2, column 16:"));
        Assert.That(ex.Message, Does.Not.Contain("LineNumber"));
        var parsed = Assert.Throws<IsingInputException>(() => IsingSystemFile.Parse(json, "agent-12.json"))!;
        Assert.That(parsed.Message, Does.StartWith("agent-12.json: not a valid system file at line 2, column 16:"));
    }

    [Test]
    public void TypeErrorPlaceCountsLinesFromOne()
    {
        var ex = Assert.Throws<IsingInputException>(() =>
            IsingSystemFile.Parse("{\n\n  \"n\": true, \"couplings\": [[0]], \"fields\": [0] }", "agent-13.json"))!;
        Assert.That(ex.Message, Does.StartWith("agent-13.json: not a valid system file at line 3,").And.Contain("(at $.n)"));
    }

    [Test]
    public void LargeFileReadAcrossManyBuffersRoundTrips()
    {
        // n = 200: about 1 MB of text, many refills of the duplicate check's buffer.
        var sys = IsingSystem.SpinGlass(200, 11);
        var path = Path.Combine(_dir, "big.json");
        IsingSystemFile.Save(sys, path);
        Assert.That(new FileInfo(path).Length, Is.GreaterThan(4 << 16));
        var back = IsingSystemFile.Load(path);
        Assert.That(back.Couplings.ToArray(), Is.EqualTo(sys.Couplings.ToArray()));
        Assert.That(back.Spins.ToArray(), Is.EqualTo(sys.Spins.ToArray()));
    }

    [Test]
    public void ByteOrderMarkIsAccepted()
    {
        var path = Path.Combine(_dir, "bom.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Valid)]);
        Assert.That(IsingSystemFile.Load(path).Fields.ToArray(), Is.EqualTo(new[] { 0.5, -0.5 }));
    }

    // ---- files that are not regular files -------------------------------------------------

    /// <summary>
    /// Runs <paramref name="load"/> on a worker and waits up to 20 s: a reader that opened a
    /// FIFO would block in open(2) until a writer appeared, so the wait would end unfinished.
    /// </summary>
    private static IsingInputException RefusedPromptly(string path, Action? unblock = null)
    {
        var task = Task.Run(() => IsingSystemFile.Load(path));
        // Waits for the end without observing the outcome (Task.Wait would throw at once).
        if (!task.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(20)))
        {
            unblock?.Invoke();
            Assert.Fail($"loading {path} did not return: the reader opened it");
        }
        var ex = Assert.Throws<AggregateException>(() => task.Wait())!;
        Assert.That(ex.InnerException, Is.TypeOf<IsingInputException>(), ex.ToString());
        return (IsingInputException)ex.InnerException!;
    }

    private static void MakeFifo(string path)
    {
        ProcessStartInfo start = new("mkfifo", [path]) { RedirectStandardError = true };
        Process? p;
        try { p = Process.Start(start); }
        catch (System.ComponentModel.Win32Exception) { p = null; }
        if (p is null) Assert.Ignore("mkfifo is not available here");
        p!.WaitForExit();
        if (p.ExitCode != 0) Assert.Ignore($"mkfifo failed: {p.StandardError.ReadToEnd()}");
    }

    // The FIFO's writer end, opened only to release a reader that (wrongly) blocked on it.
    private static void ReleaseReader(string fifo) => Task.Run(() => { using var w = File.OpenWrite(fifo); });

    [Test]
    public void FifoIsRefusedWithoutBeingOpened()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Ignore("FIFOs are a Unix file type");
        var fifo = Path.Combine(_dir, "pipe.json");
        MakeFifo(fifo);
        var ex = RefusedPromptly(fifo, () => ReleaseReader(fifo));
        Assert.That(ex.Message, Does.Contain(fifo).And.Contain("not a system file"));
        if (OperatingSystem.IsLinux()) Assert.That(ex.Message, Does.Contain("FIFO"));
    }

    [Test]
    public void SymbolicLinkToAFifoIsRefusedAndToAFileIsFollowed()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("FIFOs and the statx probe: Linux");
        var fifo = Path.Combine(_dir, "pipe");
        MakeFifo(fifo);
        var toFifo = Path.Combine(_dir, "to-pipe.json");
        File.CreateSymbolicLink(toFifo, fifo);
        Assert.That(RefusedPromptly(toFifo, () => ReleaseReader(fifo)).Message, Does.Contain(toFifo).And.Contain("FIFO"));

        var toFile = Path.Combine(_dir, "to-file.json");
        File.CreateSymbolicLink(toFile, Write("real.json", Valid));
        Assert.That(IsingSystemFile.Load(toFile).Fields.ToArray(), Is.EqualTo(new[] { 0.5, -0.5 }));
    }

    [Test]
    public void CharacterDeviceIsRefusedWithoutBeingRead()
    {
        if (!File.Exists("/dev/zero")) Assert.Ignore("no /dev/zero here");
        // Reading /dev/zero never ends; a refusal from the metadata returns at once.
        var ex = RefusedPromptly("/dev/zero");
        Assert.That(ex.Message, Does.Contain("/dev/zero").And.Contain("not a system file"));
        if (OperatingSystem.IsLinux()) Assert.That(ex.Message, Does.Contain("character device"));
    }

    [Test]
    public void DirectoryIsRefusedNamingIt()
    {
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(_dir))!;
        Assert.That(ex.Message, Does.Contain(_dir).And.Contain("directory"));
    }

    [Test]
    public void EmptyPathIsRefused()
    {
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(""))!;
        Assert.That(ex.Message, Does.Contain("empty"));
    }

    [Test]
    public void EmptyRegularFileIsNotASystemFile()
    {
        var path = Write("empty.json", "");
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(path))!;
        Assert.That(ex.Message, Does.Contain(path));
    }

    // ---- size -----------------------------------------------------------------------------

    [Test]
    public void FileLongerThanTheLargestSystemFileIsRefusedUnread()
    {
        // A sparse file: no disk used, and reading it would take minutes, so a refusal that
        // names the length and the limit can only come from the metadata.
        var path = Path.Combine(_dir, "huge.json");
        long length = IsingSystemFile.MaxFileBytes + 1;
        try
        {
            using var f = new FileStream(path, FileMode.CreateNew);
            f.SetLength(length);
        }
        catch (IOException e)
        {
            Assert.Ignore($"this file system cannot hold a sparse file of {length} bytes: {e.Message}");
        }
        var ex = RefusedPromptly(path);
        Assert.That(ex.Message, Does.Contain(path)
            .And.Contain(length.ToString("N0", CultureInfo.InvariantCulture))
            .And.Contain(IsingSystemFile.MaxFileBytes.ToString("N0", CultureInfo.InvariantCulture)));
    }

    [Test]
    public void LargeGarbageFileFailsAtItsFirstByte()
    {
        // 64 MiB of zero bytes (sparse) within the limits: the reader streams, so it stops at
        // byte 0 instead of loading the whole file first (as File.ReadAllText did).
        var path = Path.Combine(_dir, "zeros.json");
        using (var f = new FileStream(path, FileMode.CreateNew)) f.SetLength(64L << 20);
        var ex = RefusedPromptly(path);
        Assert.That(ex.Message, Does.Contain(path).And.Contain("not a valid system file at line 1, column 1:"));
    }

    [Test]
    public void MemoryEstimateCoversTheSystemAFileCanHold()
    {
        // A valid file of n spins holds n² + 2n numbers; the estimate for its length must
        // cover three copies of them (parsed rows, flat matrix, the system's own).
        foreach (int n in new[] { 1, 2, 50, 300 })
        {
            string json = IsingSystemFile.ToJson(IsingSystem.SpinGlass(n, 5));
            long numbers = (long)n * n + 2L * n;
            Assert.That(IsingSystemFile.MemoryToParse(Encoding.UTF8.GetByteCount(json)), Is.GreaterThanOrEqualTo(3 * 8 * numbers), $"n={n}");
        }
        // and never more than the largest system needs, however long the file
        long largest = 3L * 8 * ((long)IsingSystem.MaxSize * IsingSystem.MaxSize + 2L * IsingSystem.MaxSize);
        Assert.That(IsingSystemFile.MemoryToParse(IsingSystemFile.MaxFileBytes), Is.LessThan(largest + (64L << 20)));
    }

    [Test]
    public void StreamThatGrowsPastItsCheckedLengthIsAnError()
    {
        using var inner = new MemoryStream(new byte[1000]);
        using var bounded = new BoundedReadStream(inner, 600, "grows.json");
        var buffer = new byte[256];
        int total = 0;
        var ex = Assert.Throws<IsingInputException>(() =>
        {
            int n;
            while ((n = bounded.Read(buffer, 0, buffer.Length)) > 0) total += n;
        })!;
        Assert.That(ex.Message, Does.Contain("grows.json").And.Contain("600"));
        Assert.That(total, Is.EqualTo(512)); // the reads before the one that crossed the limit

        // and a stream of exactly the checked length reads to its end
        using var exact = new BoundedReadStream(new MemoryStream(new byte[600]), 600, "exact.json");
        Assert.That(exact.Read(new byte[1000], 0, 1000), Is.EqualTo(600));
        Assert.That(exact.Read(new byte[1000], 0, 1000), Is.EqualTo(0));
    }

    [Test]
    public void ProbeReportsKindAndLengthWithoutOpening()
    {
        var path = Write("probe.json", Valid);
        Assert.That(FileProbe.Probe(path), Is.EqualTo((FileKind.Regular, (long)Encoding.UTF8.GetByteCount(Valid))));
        Assert.That(FileProbe.Probe(_dir).Kind, Is.EqualTo(FileKind.Directory));
        Assert.That(FileProbe.Probe(Path.Combine(_dir, "absent")).Kind, Is.EqualTo(FileKind.Missing));
        if (OperatingSystem.IsLinux())
            Assert.That(FileProbe.Probe("/dev/null").Kind, Is.EqualTo(FileKind.CharacterDevice));
    }

    // ---- found by fuzzing (tools/fuzz/run-reader.sh; the inputs are in tests/IsingNative.Fuzz/corpus) ----

    private static IEnumerable<TestCaseData> KeysThatAreNotText()
    {
        yield return new TestCaseData(Encoding.UTF8.GetBytes("""{"n":1,"couplings":[[0]],"fields":[0],"caf""").Concat(new byte[] { 0xE9 })
            .Concat(Encoding.UTF8.GetBytes("\":1}")).ToArray()).SetName("invalid UTF-8 in a key");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("""{"n":1,"couplings":[[0]],"fields":[0],"\udc00":1}""")).SetName("unpaired low surrogate escape in a key");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("""{"\ud83d":1,"n":1,"couplings":[[0]],"fields":[0]}""")).SetName("unpaired high surrogate escape in a key");
    }

    // The key check decoded every key with Utf8JsonReader.GetString, which throws
    // InvalidOperationException (not JsonException) for text that is not UTF-8 or UTF-16.
    [TestCaseSource(nameof(KeysThatAreNotText))]
    public void KeyThatIsNotTextIsRejectedNamingTheFile(byte[] bytes)
    {
        var path = Path.Combine(_dir, "key.json");
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(path))!;
        Assert.That(ex.Message, Does.Contain(path).And.Contain("is not valid text"));
    }

    [Test]
    public void UnpairedSurrogateEscapeInAKeyIsRejectedByParse()
    {
        var ex = Assert.Throws<IsingInputException>(() =>
            IsingSystemFile.Parse("""{"n":1,"couplings":[[0]],"fields":[0],"\udc00":1}""", "agent-5.json"))!;
        Assert.That(ex.Message, Does.Contain("agent-5.json").And.Contain("is not valid text"));
    }

    // Parse encoded the text leniently for the key check (U+FFFD) and then failed in the
    // serializer with ArgumentException on the unpaired surrogate itself.
    // (The surrogate is passed as a number: attribute strings are stored as UTF-8, which
    // would turn it into U+FFFD.)
    [TestCase(0xDCE9)]
    [TestCase(0xD83D)]
    public void UnpairedSurrogateInTheTextIsRejectedByParse(int surrogate)
    {
        var json = "{\"n\":1,\"couplings\":[[0]],\"fields\":[0],\"note\":\"caf" + (char)surrogate + "\"}";
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Parse(json, "agent-6.json"))!;
        Assert.That(ex.Message, Does.Contain("agent-6.json").And.Contain("unpaired surrogate at character 49"));
    }

    // n rows of "[]" are 3n bytes of text; the reader allocated the n*n matrix (8n² bytes,
    // 128 MB here for 12 KB) before it looked at the rows.
    [Test]
    public void ShortRowsAreRefusedBeforeTheMatrixIsAllocated()
    {
        const int n = 4000;
        var json = $$"""{"n":{{n}},"couplings":[{{string.Join(",", Enumerable.Repeat("[]", n))}}],"fields":[]}""";
        var path = Write("rows.json", json);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<IsingInputException>(() => IsingSystemFile.Load(path))!;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(ex.Message, Does.Contain(path).And.Contain("couplings row 0 has 0 values"));
        Assert.That(allocated, Is.LessThan(16L << 20), "bytes allocated to refuse a 12 KB file");
    }
}
