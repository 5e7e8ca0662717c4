using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;

namespace IsingNative.Cli.Infrastructure;

/// <summary>The format of a per-round statistics file, chosen by its extension.</summary>
internal enum SwarmStatsFormat
{
    /// <summary><c>.csv</c>: <see cref="SwarmStatsWriter.CsvHeader"/>, then one row per round.</summary>
    Csv,
    /// <summary><c>.json</c>: one array, one object per round (the keys of <see cref="SwarmStatsWriter.WriteRound"/>).</summary>
    Json,
}

/// <summary>
/// Writes a swarm's per-round statistics (<see cref="SwarmRoundStats"/>) as CSV or JSON
/// (docs/CLI.md, <c>ising simulate --out</c>). It consumes any sequence of rounds, so every
/// way of running a swarm (this machine's <see cref="SwarmSimulation"/>, or a cluster that
/// gathers the same records) writes the same file for the same rounds. Numbers are written in
/// the invariant culture in round-trip form, so a file read back gives the same bits.
/// </summary>
internal static class SwarmStatsWriter
{
    /// <summary>The CSV header; every <see cref="SwarmRoundStats"/> field, the emotions as four columns each.</summary>
    public const string CsvHeader =
        "round,mean_empathy,mean_response_score," +
        "collective_valence,collective_arousal,collective_tension,collective_coherence," +
        "mean_valence,mean_arousal,mean_tension,mean_coherence," +
        "mean_energy,coupling_drift,blends,noise_responses";

    private static readonly JsonWriterOptions FileOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The format of <paramref name="path"/> from its extension, after the checks every output
    /// file gets (empty name, directory, missing directory, FIFO or device); each refusal is bad
    /// input naming <paramref name="option"/> and the path. Nothing is written.
    /// </summary>
    public static SwarmStatsFormat Check(string option, string path)
    {
        Imaging.FigureFile.CheckWritable(option, path, "stats.csv");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => SwarmStatsFormat.Csv,
            ".json" => SwarmStatsFormat.Json,
            _ => throw new CliInputException(
                $"{option}: '{path}' has extension '{Path.GetExtension(path)}'; the format is chosen by the extension: .csv or .json"),
        };
    }

    /// <summary>Writes <paramref name="rounds"/> to <paramref name="path"/>; an I/O failure is bad input of <paramref name="option"/>.</summary>
    public static void Write(string option, string path, SwarmStatsFormat format, IEnumerable<SwarmRoundStats> rounds)
    {
        try
        {
            using var file = File.Create(path);
            if (format == SwarmStatsFormat.Csv)
            {
                using var text = new StreamWriter(file, new UTF8Encoding(false));
                WriteCsv(text, rounds);
                return;
            }
            using (var writer = new Utf8JsonWriter(file, FileOptions))
            {
                WriteArray(writer, rounds);
            }
            file.Write("\n"u8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option}: cannot write '{path}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
    }

    /// <summary><see cref="CsvHeader"/>, then one line per round ("\n" line ends on every platform).</summary>
    public static void WriteCsv(TextWriter text, IEnumerable<SwarmRoundStats> rounds)
    {
        text.Write(CsvHeader + "\n");
        foreach (var s in rounds) text.Write(CsvRow(s) + "\n");
    }

    /// <summary>One round as a CSV row in <see cref="CsvHeader"/>'s column order.</summary>
    public static string CsvRow(SwarmRoundStats s)
    {
        var c = s.CollectiveEmotion;
        var m = s.MeanEmotion;
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.Round},{s.MeanEmpathy:R},{s.MeanResponseScore:R}," +
            $"{c.Valence:R},{c.Arousal:R},{c.Tension:R},{c.Coherence:R}," +
            $"{m.Valence:R},{m.Arousal:R},{m.Tension:R},{m.Coherence:R}," +
            $"{s.MeanEnergy:R},{s.CouplingDrift:R},{s.Blends},{s.NoiseResponses}");
    }

    /// <summary>Writes the rounds as a JSON array (unnamed: a file's root, or after a property name).</summary>
    public static void WriteArray(Utf8JsonWriter w, IEnumerable<SwarmRoundStats> rounds)
    {
        w.WriteStartArray();
        foreach (var s in rounds) WriteRound(w, s);
        w.WriteEndArray();
    }

    /// <summary>
    /// One round as a JSON object: <c>round</c>, <c>meanEmpathy</c>, <c>meanResponseScore</c>,
    /// <c>collectiveEmotion</c> and <c>meanEmotion</c> (each <c>{valence, arousal, tension,
    /// coherence}</c>), <c>meanEnergy</c>, <c>couplingDrift</c>, <c>blends</c>, <c>noiseResponses</c>;
    /// a non-finite number is <c>null</c>.
    /// </summary>
    public static void WriteRound(Utf8JsonWriter w, SwarmRoundStats s)
    {
        w.WriteStartObject();
        w.WriteNumber("round", s.Round);
        w.Number("meanEmpathy", s.MeanEmpathy);
        w.Number("meanResponseScore", s.MeanResponseScore);
        w.Emotion("collectiveEmotion", s.CollectiveEmotion);
        w.Emotion("meanEmotion", s.MeanEmotion);
        w.Number("meanEnergy", s.MeanEnergy);
        w.Number("couplingDrift", s.CouplingDrift);
        w.WriteNumber("blends", s.Blends);
        w.WriteNumber("noiseResponses", s.NoiseResponses);
        w.WriteEndObject();
    }
}
