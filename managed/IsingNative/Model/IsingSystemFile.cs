using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace IsingNative;

/// <summary>
/// The system file format of CLI.md (UTF-8 JSON):
/// <c>{ "n": 3, "couplings": [[0, 1.0, 0.5], ...], "fields": [...], "spins": [1, -1, 1] }</c>.
/// <c>couplings</c> is the full symmetric matrix; <c>spins</c> may be omitted. Read and
/// written with a source-generated serializer (trimming and AOT safe).
/// </summary>
public static partial class IsingSystemFile
{
    /// <summary>
    /// The largest system file <see cref="Load"/> reads: the largest system (n = 16384) at
    /// 64 bytes per coupling (a round-trip double takes at most 24 characters; the rest is
    /// room for separators and indentation), plus 1 MiB. Anything longer is refused unread.
    /// </summary>
    public const long MaxFileBytes = 64L * IsingSystem.MaxSize * IsingSystem.MaxSize + (1L << 20);

    /// <summary>Reads and validates a system file.</summary>
    /// <remarks>
    /// Before the file is opened its metadata is checked: a directory, FIFO, device or socket
    /// is refused without being opened (a FIFO would block the open, a device might never
    /// end), and so is a file longer than <see cref="MaxFileBytes"/> or than the memory
    /// available could parse. Reading stops at the length the file had when it was checked.
    /// A key that appears twice in any object of the document is an error, and so is a
    /// top-level key other than <c>n</c>, <c>couplings</c>, <c>fields</c> and <c>spins</c>
    /// unless <paramref name="lenient"/> (a misspelt <c>"spin"</c> would otherwise leave every
    /// spin +1 without a word).
    /// </remarks>
    /// <param name="path">The file.</param>
    /// <param name="lenient">Ignore unknown top-level keys instead of refusing them.</param>
    /// <exception cref="IsingInputException">The file is missing, not a regular file, too large, unreadable or malformed; the message names it.</exception>
    public static IsingSystem Load(string path, bool lenient = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) throw new IsingInputException("the system file name is empty.");
        FileKind kind;
        long length;
        try
        {
            (kind, length) = FileProbe.Probe(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IsingInputException($"{path}: cannot read the system file: {ex.Message}", ex);
        }
        if (kind == FileKind.Missing)
            throw new IsingInputException($"{path}: cannot read the system file: it does not exist.");
        if (kind != FileKind.Regular)
            throw new IsingInputException($"{path}: is {FileProbe.Describe(kind)}, not a system file; it was not opened.");
        if (length > MaxFileBytes)
            throw new IsingInputException(
                $"{path}: the file has {length:N0} bytes, more than the {MaxFileBytes:N0} of the largest system file " +
                $"this reader accepts (n = {IsingSystem.MaxSize} at 64 bytes per coupling); it was not read.");
        long need = MemoryToParse(length), available = AvailableMemory.Bytes(), usable = AvailableMemory.Usable(available);
        if (need > usable)
            throw new IsingInputException(
                $"{path}: parsing this file of {length:N0} bytes needs up to {AvailableMemory.Format(need)} of memory, " +
                $"but only {AvailableMemory.Format(usable)} may be used ({AvailableMemory.UsableShare * 100:F0}% of the " +
                $"{AvailableMemory.Format(available)} available now); it was not read.");

        SystemFileDocument? doc;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var bounded = new BoundedReadStream(file, length, path);
            CheckKeys(bounded, path, lenient);
            file.Position = 0;
            bounded.Restart();
            doc = Deserialize(() => JsonSerializer.Deserialize(bounded, SystemFileJsonContext.Default.SystemFileDocument), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IsingInputException($"{path}: cannot read the system file: {ex.Message}", ex);
        }
        return Build(doc, path);
    }

    /// <summary>
    /// The most memory parsing a file of <paramref name="length"/> bytes can take: each number
    /// needs at least two bytes of text (a digit and a separator), a file holds no more
    /// numbers than the largest system has, and every number is held three times at the peak
    /// (the parsed rows, the flat matrix, the validated system's copy), plus read buffers.
    /// </summary>
    internal static long MemoryToParse(long length)
    {
        long maxNumbers = (long)IsingSystem.MaxSize * IsingSystem.MaxSize + 2L * IsingSystem.MaxSize;
        return 3 * sizeof(double) * Math.Min(length / 2 + 1, maxNumbers) + (4L << 20);
    }

    /// <summary>Parses and validates a system from JSON text.</summary>
    /// <param name="json">The document.</param>
    /// <param name="sourceName">Names the source in error messages (a file name).</param>
    /// <param name="lenient">Ignore unknown top-level keys instead of refusing them (as <see cref="Load"/>).</param>
    /// <exception cref="IsingInputException">The document is malformed; the message says what is wrong.</exception>
    public static IsingSystem Parse(string json, string sourceName = "<json>", bool lenient = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);
        byte[] utf8;
        try
        {
            // Strict: an unpaired surrogate would otherwise pass the key check as U+FFFD and
            // then fail in the serializer with an ArgumentException.
            utf8 = StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException ex)
        {
            throw new IsingInputException($"{sourceName}: not a valid system file: the text has an unpaired surrogate at character {ex.Index}.", ex);
        }
        using (var bytes = new MemoryStream(utf8, writable: false))
            CheckKeys(bytes, sourceName, lenient);
        var doc = Deserialize(() => JsonSerializer.Deserialize(json, SystemFileJsonContext.Default.SystemFileDocument), sourceName);
        return Build(doc, sourceName);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static SystemFileDocument? Deserialize(Func<SystemFileDocument?> read, string sourceName)
    {
        try
        {
            return read();
        }
        catch (JsonException ex)
        {
            throw NotValid(sourceName, ex);
        }
    }

    /// <summary>The top-level keys of a system file, in the order the documentation lists them.</summary>
    internal static readonly string[] KnownKeys = ["n", "couplings", "fields", "spins"];

    /// <summary>
    /// A syntax or type error with its place counted from 1, as editors count: the reader's
    /// <see cref="JsonException.LineNumber"/> and <see cref="JsonException.BytePositionInLine"/>
    /// count from 0, so its own "LineNumber: 1" would send the user to the wrong line.
    /// </summary>
    private static IsingInputException NotValid(string sourceName, JsonException ex)
    {
        string what = JsonPlace().Replace(ex.Message, "").TrimEnd();
        var where = new StringBuilder();
        if (ex.LineNumber is { } line)
        {
            where.Append(CultureInfo.InvariantCulture, $" at line {line + 1}");
            if (ex.BytePositionInLine is { } column) where.Append(CultureInfo.InvariantCulture, $", column {column + 1}");
        }
        if (!string.IsNullOrEmpty(ex.Path) && ex.Path != "$") where.Append(CultureInfo.InvariantCulture, $" (at {ex.Path})");
        return new IsingInputException($"{sourceName}: not a valid system file{where}: {what}", ex);
    }

    // System.Text.Json's own place, "Path: $.n | LineNumber: 0 | BytePositionInLine: 9." (0-based),
    // replaced by NotValid's 1-based one.
    [GeneratedRegex(@"\s*(Path: \S* \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex JsonPlace();

    /// <summary>
    /// The unknown top-level <paramref name="key"/> refused, with the known key nearest to it
    /// by edit distance (at most a third of the longer name's letters, at least one, apart),
    /// or the list of known keys when none is that near.
    /// </summary>
    internal static IsingInputException UnknownKey(string sourceName, string key, long line, long column)
    {
        string? nearest = null;
        int best = int.MaxValue;
        foreach (var known in KnownKeys)
        {
            int d = EditDistance(key, known);
            if (d < best && d <= Math.Max(1, Math.Max(key.Length, known.Length) / 3)) (best, nearest) = (d, known);
        }
        string hint = nearest is not null
            ? $"did you mean \"{nearest}\"?"
            : $"the keys of a system file are {string.Join(", ", KnownKeys.Select(k => $"\"{k}\""))}.";
        string what = $"{sourceName}: unknown key \"{Printable(key)}\" at line {line}, column {column}; {hint}";
        return new IsingInputException($"{what} Load or Parse with lenient: true to ignore unknown keys.") { WithoutAdvice = what };
    }

    /// <summary>Levenshtein distance, case-sensitive (keys are matched exactly).</summary>
    internal static int EditDistance(string a, string b)
    {
        if (a.Length > 64) return int.MaxValue; // no known key is near a long one; bounded work on hostile keys
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>A key as it may be shown on a terminal: control characters escaped, long keys cut.</summary>
    private static string Printable(string key)
    {
        var text = new StringBuilder();
        foreach (char c in key.Length > 80 ? key[..80] : key)
        {
            if (char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else
                text.Append(c);
        }
        if (key.Length > 80) text.Append('…');
        return text.ToString();
    }

    /// <summary>
    /// One streaming pass over the document that rejects a key appearing twice in any object,
    /// at any depth (the serializer would let the last one win), and, unless
    /// <paramref name="lenient"/>, a top-level key the format does not have (the serializer
    /// would skip it unseen). Names are compared after unescaping, so <c>"\u006e"</c> repeats
    /// <c>"n"</c>. Syntax errors surface here too, with their line and column.
    /// </summary>
    private static void CheckKeys(Stream stream, string sourceName, bool lenient)
    {
        var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        var buffer = new byte[1 << 16];
        int filled = 0;
        long offset = 0; // bytes of the file before buffer[0]
        bool end = false;
        var objects = new Stack<HashSet<string>?>(); // one per open container; null for arrays
        // Line and column of a key for messages: the reader keeps its own but does not expose
        // them, so the newlines up to each key are counted here (bytes are visited once).
        long line = 1, lineStart = 0, counted = 0;
        void CountTo(long position)
        {
            for (long p = counted; p < position; p++)
                if (buffer[(int)(p - offset)] == (byte)'\n') { line++; lineStart = p + 1; }
            counted = Math.Max(counted, position);
        }
        try
        {
            while (true)
            {
                while (!end && filled < buffer.Length)
                {
                    int read = stream.Read(buffer, filled, buffer.Length - filled);
                    if (read == 0) end = true;
                    filled += read;
                }
                if (offset == 0 && filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    // A UTF-8 byte order mark, which the serializer skips as well.
                    Buffer.BlockCopy(buffer, 3, buffer, 0, filled - 3);
                    filled -= 3;
                    offset = lineStart = counted = 3;
                }
                var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), end, state);
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject: objects.Push(new HashSet<string>(StringComparer.Ordinal)); break;
                        case JsonTokenType.StartArray: objects.Push(null); break;
                        case JsonTokenType.EndObject or JsonTokenType.EndArray: objects.Pop(); break;
                        case JsonTokenType.PropertyName:
                            string name;
                            long at = offset + reader.TokenStartIndex;
                            try
                            {
                                name = reader.GetString()!;
                            }
                            catch (InvalidOperationException ex)
                            {
                                // The reader checks a key's syntax but not its text: invalid UTF-8
                                // or an unpaired \uD800-style escape only fails when decoded.
                                throw new IsingInputException(
                                    $"{sourceName}: the key at byte {at} is not valid text " +
                                    $"(invalid UTF-8 or an unpaired surrogate escape): {ex.Message}", ex);
                            }
                            if (!objects.Peek()!.Add(name))
                            {
                                var where = objects.Count == 1 ? "in the top-level object" : $"in an object nested {objects.Count - 1} deep";
                                throw new IsingInputException(
                                    $"{sourceName}: duplicate key \"{Printable(name)}\" {where} at byte {at}; " +
                                    "each key may appear once (a second value would silently replace the first).");
                            }
                            if (!lenient && objects.Count == 1 && Array.IndexOf(KnownKeys, name) < 0)
                            {
                                CountTo(at);
                                throw UnknownKey(sourceName, name, line, at - lineStart + 1);
                            }
                            break;
                    }
                }
                if (end) return;
                int consumed = (int)reader.BytesConsumed;
                state = reader.CurrentState;
                if (consumed == 0 && filled == buffer.Length)
                {
                    // One token longer than the buffer: grow it (bounded by the file's checked length).
                    Array.Resize(ref buffer, buffer.Length * 2);
                    continue;
                }
                CountTo(offset + consumed);
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                offset += consumed;
            }
        }
        catch (JsonException ex)
        {
            throw NotValid(sourceName, ex);
        }
    }

    private static IsingSystem Build(SystemFileDocument? doc, string sourceName)
    {
        if (doc is null) throw new IsingInputException($"{sourceName}: the document is null, expected an object with n, couplings and fields.");
        if (doc.N is not { } n) throw new IsingInputException($"{sourceName}: missing key \"n\".");
        if (n < 1 || n > IsingSystem.MaxSize)
            throw new IsingInputException($"{sourceName}: n={n} is out of range [1, {IsingSystem.MaxSize}].");
        if (doc.Couplings is null) throw new IsingInputException($"{sourceName}: missing key \"couplings\".");
        if (doc.Fields is null) throw new IsingInputException($"{sourceName}: missing key \"fields\".");
        if (doc.Couplings.Length != n)
            throw new IsingInputException($"{sourceName}: couplings has {doc.Couplings.Length} rows, expected n={n}.");
        // Every row is checked before the n*n matrix is allocated: n rows of "[]" take 3n
        // bytes of text, and must not cost 8n² bytes of memory before they are refused.
        for (int r = 0; r < n; r++)
        {
            double[]? row = doc.Couplings[r];
            if (row is null || row.Length != n)
                throw new IsingInputException($"{sourceName}: couplings row {r} has {row?.Length ?? 0} values, expected n={n}.");
        }
        var flat = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            doc.Couplings[r].CopyTo(flat, r * n);
            doc.Couplings[r] = null!; // each row is garbage once copied: the peak stays near two matrices
        }
        sbyte[]? spins = null;
        if (doc.Spins is not null)
        {
            if (doc.Spins.Length != n)
                throw new IsingInputException($"{sourceName}: spins has {doc.Spins.Length} values, expected n={n}.");
            spins = new sbyte[n];
            for (int i = 0; i < n; i++)
            {
                int v = doc.Spins[i];
                if (v != 1 && v != -1)
                    throw new IsingInputException($"{sourceName}: spins[{i}]={v} but spins must be +1 or -1.");
                spins[i] = (sbyte)v;
            }
        }
        try
        {
            return IsingSystem.FromArrays(n, flat, doc.Fields, spins);
        }
        catch (ArgumentException ex)
        {
            throw new IsingInputException($"{sourceName}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes a system as JSON (spins included only when the system has spins).</summary>
    /// <param name="system">The system.</param>
    public static string ToJson(IsingSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        // One state even while another thread mutates the system (docs/MANAGED-API.md, "Threads").
        SystemFileDocument doc = system.ReadConsistently(Document);
        return JsonSerializer.Serialize(doc, SystemFileJsonContext.Default.SystemFileDocument);
    }

    private static SystemFileDocument Document(IsingSystem system)
    {
        int n = system.Size;
        var rows = new double[n][];
        for (int r = 0; r < n; r++) rows[r] = system.Couplings.Slice(r * n, n).ToArray();
        int[]? spins = null;
        if (system.HasSpins)
        {
            spins = new int[n];
            for (int i = 0; i < n; i++) spins[i] = system.Spins[i];
        }
        return new SystemFileDocument { N = n, Couplings = rows, Fields = system.Fields.ToArray(), Spins = spins };
    }

    /// <summary>Writes a system to a file as UTF-8 JSON.</summary>
    /// <param name="system">The system.</param>
    /// <param name="path">The file (overwritten).</param>
    public static void Save(IsingSystem system, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllText(path, ToJson(system));
    }
}

/// <summary>
/// A read-only view of a file that ends at the length the file had when it was checked: a
/// file that grows meanwhile (or lies about its length) is an error, never read without end.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long limit, string path) : Stream
{
    private long _read;

    /// <summary>Counts from zero again after the inner stream was rewound.</summary>
    public void Restart() => _read = 0;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Ask for one byte more than the limit allows, so growth past it is seen, not cut off.
        long room = limit - _read + 1;
        if (room < buffer.Length) buffer = buffer[..(int)room];
        int n = inner.Read(buffer);
        _read += n;
        if (_read > limit)
            throw new IsingInputException($"{path}: the file grew past the {limit:N0} bytes it had when it was checked; it was not read further.");
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The JSON shape of a system file.</summary>
internal sealed class SystemFileDocument
{
    [JsonPropertyName("n")] public int? N { get; set; }
    [JsonPropertyName("couplings")] public double[][]? Couplings { get; set; }
    [JsonPropertyName("fields")] public double[]? Fields { get; set; }
    [JsonPropertyName("spins")] public int[]? Spins { get; set; }
}

/// <summary>Source-generated (reflection-free) serializer for <see cref="SystemFileDocument"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false)]
[JsonSerializable(typeof(SystemFileDocument))]
internal sealed partial class SystemFileJsonContext : JsonSerializerContext;
