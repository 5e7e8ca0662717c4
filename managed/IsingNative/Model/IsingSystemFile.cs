using System.Text.Json;
using System.Text.Json.Serialization;

namespace IsingNative;

/// <summary>
/// The system file format of CLI.md (UTF-8 JSON):
/// <c>{ "n": 3, "couplings": [[0, 1.0, 0.5], ...], "fields": [...], "spins": [1, -1, 1] }</c>.
/// <c>couplings</c> is the full symmetric matrix; <c>spins</c> may be omitted. Read and
/// written with a source-generated serializer (trimming and AOT safe).
/// </summary>
public static class IsingSystemFile
{
    /// <summary>Reads and validates a system file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="IsingInputException">The file is missing, unreadable or malformed; the message names it.</exception>
    public static IsingSystem Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IsingInputException($"{path}: cannot read the system file: {ex.Message}", ex);
        }
        return Parse(json, path);
    }

    /// <summary>Parses and validates a system from JSON text.</summary>
    /// <param name="json">The document.</param>
    /// <param name="sourceName">Names the source in error messages (a file name).</param>
    /// <exception cref="IsingInputException">The document is malformed; the message says what is wrong.</exception>
    public static IsingSystem Parse(string json, string sourceName = "<json>")
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);
        SystemFileDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, SystemFileJsonContext.Default.SystemFileDocument);
        }
        catch (JsonException ex)
        {
            throw new IsingInputException($"{sourceName}: not a valid system file: {ex.Message}", ex);
        }
        if (doc is null) throw new IsingInputException($"{sourceName}: the document is null, expected an object with n, couplings and fields.");
        if (doc.N is not { } n) throw new IsingInputException($"{sourceName}: missing key \"n\".");
        if (n < 1 || n > IsingSystem.MaxSize)
            throw new IsingInputException($"{sourceName}: n={n} is out of range [1, {IsingSystem.MaxSize}].");
        if (doc.Couplings is null) throw new IsingInputException($"{sourceName}: missing key \"couplings\".");
        if (doc.Fields is null) throw new IsingInputException($"{sourceName}: missing key \"fields\".");
        if (doc.Couplings.Length != n)
            throw new IsingInputException($"{sourceName}: couplings has {doc.Couplings.Length} rows, expected n={n}.");
        var flat = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            double[]? row = doc.Couplings[r];
            if (row is null || row.Length != n)
                throw new IsingInputException($"{sourceName}: couplings row {r} has {row?.Length ?? 0} values, expected n={n}.");
            row.CopyTo(flat, r * n);
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
        int n = system.Size;
        var rows = new double[n][];
        for (int r = 0; r < n; r++) rows[r] = system.Couplings.Slice(r * n, n).ToArray();
        int[]? spins = null;
        if (system.HasSpins)
        {
            spins = new int[n];
            for (int i = 0; i < n; i++) spins[i] = system.Spins[i];
        }
        var doc = new SystemFileDocument { N = n, Couplings = rows, Fields = system.Fields.ToArray(), Spins = spins };
        return JsonSerializer.Serialize(doc, SystemFileJsonContext.Default.SystemFileDocument);
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
