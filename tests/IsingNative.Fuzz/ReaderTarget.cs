using System.Text;
using System.Text.Json;

namespace IsingNative.Fuzz;

/// <summary>An input broke the reader's contract; the message says which part.</summary>
internal sealed class FuzzFinding(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The system-file reader's contract, checked on one input (CLI.md's format; the reader is
/// <see cref="IsingSystemFile"/>):
/// <list type="bullet">
/// <item>Rejection is an <see cref="IsingInputException"/> whose message names the source;
/// any other exception (NullReference, IndexOutOfRange, Overflow, InvalidOperation,
/// OutOfMemory...) is a finding. A hang is one too (libFuzzer's -timeout).</item>
/// <item>The reader allocates at most <see cref="AllocationBudget"/> for an input of that
/// length: a small file must not make it allocate a large matrix before it finds the file
/// malformed.</item>
/// <item>The file path (<see cref="IsingSystemFile.Load"/>, raw bytes) and the text path
/// (<see cref="IsingSystemFile.Parse"/>) agree on valid UTF-8 without a byte order mark.</item>
/// <item>An accepted system is valid (1 ≤ n ≤ 16384, consistent lengths, zero diagonal,
/// exactly symmetric, finite within 1e30, spins ±1), holds the document's numbers (checked
/// against an independent <see cref="JsonDocument"/> reading), and writing it back
/// (<see cref="IsingSystemFile.ToJson"/>, <see cref="IsingSystemFile.Save"/>) and reading
/// that again gives the same system bit for bit.</item>
/// </list>
/// </summary>
internal sealed class ReaderTarget : IDisposable
{
    private const string TextSource = "fuzz-input.json";
    private const double MaxMagnitude = 1e30;       // ISN_MAX_MAGNITUDE (ALGORITHM.md §12)
    private const double Tolerance = 1e-12;         // the reader's symmetry / diagonal tolerance
    private const int MaxSize = 16384;              // ISN_MAX_SPINS

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonDocumentOptions OracleOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false };

    private readonly string _dir;
    private readonly string _inputPath;
    private readonly string _savedPath;
    private string _lastRejection = "";

    public ReaderTarget()
    {
        // ISING_FUZZ_WORK: the run's scratch folder (the script removes it); the child may be
        // killed without a chance to clean up.
        var parent = Environment.GetEnvironmentVariable("ISING_FUZZ_WORK");
        _dir = string.IsNullOrEmpty(parent)
            ? Directory.CreateTempSubdirectory("ising-fuzz-reader-").FullName
            : Directory.CreateDirectory(Path.Combine(parent, $"target-{Environment.ProcessId}")).FullName;
        _inputPath = Path.Combine(_dir, "input.json");
        _savedPath = Path.Combine(_dir, "saved.json");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// The most a reader call may allocate for an input of <paramref name="length"/> bytes:
    /// 4 MiB of fixed overhead (read buffers, the serializer's caches) plus 64 bytes per
    /// input byte, generous against the reader's own estimate (24 bytes per number held three
    /// times, at least 2 bytes per number: 12 per byte) and the text path's transcoding.
    /// </summary>
    internal static long AllocationBudget(int length) => (4L << 20) + 64L * length;

    /// <summary>Checks the contract on one input; true when the reader accepted it.</summary>
    public bool Run(ReadOnlySpan<byte> data)
    {
        File.WriteAllBytes(_inputPath, data);
        var fromFile = Attempt("Load", data.Length, _inputPath, () => IsingSystemFile.Load(_inputPath));

        string? strict = null;
        try { strict = StrictUtf8.GetString(data); } catch (DecoderFallbackException) { }
        string text = strict ?? SurrogateEscape(data);
        var fromText = Attempt("Parse", data.Length, TextSource, () => IsingSystemFile.Parse(text, TextSource));

        bool hasBom = data.Length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF;
        if (strict is not null && !hasBom && (fromFile is null) != (fromText is null))
            throw new FuzzFinding(fromFile is null
                ? $"Load rejected what Parse accepted: {_lastRejection}"
                : $"Parse rejected what Load accepted: {_lastRejection}");
        if (fromFile is not null && fromText is not null) AssertSame(fromFile, fromText, "Load vs Parse");

        if (fromFile is not null) CheckAccepted(fromFile, data);
        if (fromText is not null) CheckAccepted(fromText, Encoding.UTF8.GetBytes(text)); // accepted: no unpaired surrogates
        return fromFile is not null || fromText is not null;
    }

    /// <summary>
    /// Decodes UTF-8, turning each byte of an invalid sequence into the unpaired surrogate
    /// U+DC00 + byte (as Python's "surrogateescape" does): a C# string may hold unpaired
    /// surrogates, and <see cref="IsingSystemFile.Parse"/> must refuse them cleanly too.
    /// </summary>
    internal static string SurrogateEscape(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder(data.Length);
        while (!data.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(data, out var rune, out int consumed) == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
            }
            else
            {
                for (int i = 0; i < Math.Max(consumed, 1); i++) text.Append((char)(0xDC00 + data[i]));
            }
            data = data[Math.Max(consumed, 1)..];
        }
        return text.ToString();
    }

    /// <summary>One reader call: the system, or null after a clean rejection.</summary>
    private IsingSystem? Attempt(string call, int length, string source, Func<IsingSystem> read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        IsingSystem? system = null;
        try
        {
            system = read();
        }
        catch (IsingInputException ex)
        {
            if (string.IsNullOrWhiteSpace(ex.Message) || !ex.Message.Contains(source, StringComparison.Ordinal))
                throw new FuzzFinding($"{call}: the rejection does not name the source \"{source}\": {ex.Message}", ex);
            _lastRejection = ex.Message;
        }
        catch (Exception ex)
        {
            throw new FuzzFinding($"{call}: {ex.GetType().FullName} instead of IsingInputException: {ex.Message}", ex);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationBudget(length))
            throw new FuzzFinding(
                $"{call}: allocated {allocated:N0} bytes for a {length:N0}-byte input " +
                $"(budget {AllocationBudget(length):N0}); it {(system is null ? "rejected" : "accepted")} it.");
        return system;
    }

    private void CheckAccepted(IsingSystem s, ReadOnlySpan<byte> document)
    {
        CheckValid(s);
        CheckAgainstDocument(s, document);

        var json = IsingSystemFile.ToJson(s);
        IsingSystem again;
        try { again = IsingSystemFile.Parse(json, "round-trip"); }
        catch (Exception ex) { throw new FuzzFinding($"ToJson's output does not read back: {json}", ex); }
        AssertSame(s, again, "ToJson/Parse round trip");

        IsingSystemFile.Save(s, _savedPath);
        IsingSystem loaded;
        try { loaded = IsingSystemFile.Load(_savedPath); }
        catch (Exception ex) { throw new FuzzFinding("Save's file does not load back", ex); }
        AssertSame(s, loaded, "Save/Load round trip");
    }

    private static void CheckValid(IsingSystem s)
    {
        int n = s.Size;
        if (n < 1 || n > MaxSize) throw new FuzzFinding($"accepted n={n}");
        if (s.Couplings.Length != n * n || s.Fields.Length != n || s.Spins.Length != n)
            throw new FuzzFinding($"n={n} but {s.Couplings.Length} couplings, {s.Fields.Length} fields, {s.Spins.Length} spins");
        var j = s.Couplings;
        for (int r = 0; r < n; r++)
        {
            if (BitConverter.DoubleToInt64Bits(j[r * n + r]) != 0) throw new FuzzFinding($"J[{r},{r}]={j[r * n + r]:R}, not +0");
            for (int c = 0; c < n; c++)
            {
                double v = j[r * n + c];
                if (!double.IsFinite(v) || Math.Abs(v) > MaxMagnitude) throw new FuzzFinding($"J[{r},{c}]={v:R} out of bounds");
                if (BitConverter.DoubleToInt64Bits(v) != BitConverter.DoubleToInt64Bits(j[c * n + r]))
                    throw new FuzzFinding($"J[{r},{c}]={v:R} but J[{c},{r}]={j[c * n + r]:R}");
            }
        }
        for (int i = 0; i < n; i++)
        {
            double h = s.Fields[i];
            if (!double.IsFinite(h) || Math.Abs(h) > MaxMagnitude) throw new FuzzFinding($"h[{i}]={h:R} out of bounds");
            sbyte spin = s.Spins[i];
            if (spin != 1 && spin != -1) throw new FuzzFinding($"s[{i}]={spin}");
            if (!s.HasSpins && spin != 1) throw new FuzzFinding($"no spins in the file but s[{i}]={spin}");
        }
    }

    /// <summary>The accepted system holds what the document says, read independently with <see cref="JsonDocument"/>.</summary>
    private static void CheckAgainstDocument(IsingSystem s, ReadOnlySpan<byte> document)
    {
        if (document.Length >= 3 && document[0] == 0xEF && document[1] == 0xBB && document[2] == 0xBF) document = document[3..];
        JsonDocument doc;
        try { doc = JsonDocument.Parse(document.ToArray(), OracleOptions); }
        catch (JsonException ex) { throw new FuzzFinding("accepted a document that JsonDocument refuses", ex); }
        using (doc)
        {
            var root = doc.RootElement;
            int n = s.Size;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("n", out var nValue) || nValue.GetInt32() != n)
                throw new FuzzFinding($"accepted n={n}, but the document's n differs");
            var rows = root.GetProperty("couplings");
            if (rows.GetArrayLength() != n) throw new FuzzFinding("couplings row count differs from n");
            var j = s.Couplings;
            for (int r = 0; r < n; r++)
            {
                var row = rows[r];
                if (row.GetArrayLength() != n) throw new FuzzFinding($"couplings row {r} length differs from n");
                for (int c = 0; c < n; c++)
                {
                    double v = row[c].GetDouble();
                    if (r == c)
                    {
                        if (Math.Abs(v) > Tolerance) throw new FuzzFinding($"accepted diagonal J[{r},{r}]={v:R}");
                    }
                    else if (r < c)
                    {
                        if (BitConverter.DoubleToInt64Bits(v) != BitConverter.DoubleToInt64Bits(j[r * n + c]))
                            throw new FuzzFinding($"J[{r},{c}]: document {v:R}, system {j[r * n + c]:R}");
                    }
                    else
                    {
                        double upper = j[r * n + c];
                        if (Math.Abs(v - upper) > Tolerance * Math.Max(1.0, Math.Max(Math.Abs(v), Math.Abs(upper))))
                            throw new FuzzFinding($"accepted J[{r},{c}]={v:R} against J[{c},{r}]={upper:R} (not symmetric)");
                    }
                }
            }
            var fields = root.GetProperty("fields");
            if (fields.GetArrayLength() != n) throw new FuzzFinding("fields length differs from n");
            for (int i = 0; i < n; i++)
                if (BitConverter.DoubleToInt64Bits(fields[i].GetDouble()) != BitConverter.DoubleToInt64Bits(s.Fields[i]))
                    throw new FuzzFinding($"h[{i}]: document {fields[i].GetDouble():R}, system {s.Fields[i]:R}");
            bool hasSpins = root.TryGetProperty("spins", out var spins) && spins.ValueKind != JsonValueKind.Null;
            if (hasSpins != s.HasSpins) throw new FuzzFinding($"document has spins: {hasSpins}, system: {s.HasSpins}");
            if (hasSpins)
                for (int i = 0; i < n; i++)
                    if (spins[i].GetInt32() != s.Spins[i]) throw new FuzzFinding($"s[{i}]: document {spins[i]}, system {s.Spins[i]}");
        }
    }

    private static void AssertSame(IsingSystem a, IsingSystem b, string what)
    {
        if (a.Size != b.Size || a.HasSpins != b.HasSpins)
            throw new FuzzFinding($"{what}: n {a.Size} vs {b.Size}, spins {a.HasSpins} vs {b.HasSpins}");
        if (!BitsEqual(a.Couplings, b.Couplings))
            throw new FuzzFinding($"{what}: couplings differ");
        if (!BitsEqual(a.Fields, b.Fields)) throw new FuzzFinding($"{what}: fields differ");
        if (!a.Spins.SequenceEqual(b.Spins)) throw new FuzzFinding($"{what}: spins differ");
    }

    private static bool BitsEqual(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i])) return false;
        return true;
    }
}
