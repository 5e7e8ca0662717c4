using System.Text.Encodings.Web;
using System.Text.Json;

namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// Writes the single JSON document of <c>--json</c> to stdout with <see cref="Utf8JsonWriter"/>
/// (no reflection, so trimming and AOT are safe) plus the helpers every command shares.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Output goes to a terminal or a file, never into HTML: keep "µs" readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes one JSON object to stdout, built by <paramref name="body"/>, then a newline.</summary>
    public static void WriteDocument(Action<Utf8JsonWriter> body)
    {
        Console.Out.Flush();
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        stdout.Write("\n"u8);
        stdout.Flush();
    }

    /// <summary>
    /// Writes a number; JSON has no NaN or infinity, so a non-finite value is written as
    /// <c>null</c> rather than failing the whole document.
    /// </summary>
    public static void Number(this Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    /// <summary>Writes an array of doubles (non-finite entries as <c>null</c>).</summary>
    public static void NumberArray(this Utf8JsonWriter w, string name, ReadOnlySpan<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (double.IsFinite(v)) w.WriteNumberValue(v);
            else w.WriteNullValue();
        }
        w.WriteEndArray();
    }

    /// <summary>Writes a ±1 spin configuration as an array of integers.</summary>
    public static void SpinArray(this Utf8JsonWriter w, string name, ReadOnlySpan<sbyte> spins)
    {
        w.WriteStartArray(name);
        WriteSpins(w, spins);
        w.WriteEndArray();
    }

    /// <summary>Writes the elements of a spin configuration into an already opened array.</summary>
    public static void WriteSpins(Utf8JsonWriter w, ReadOnlySpan<sbyte> spins)
    {
        foreach (var s in spins) w.WriteNumberValue(s);
    }

    /// <summary>Writes an emotion vector as the object CLI.md names.</summary>
    public static void Emotion(this Utf8JsonWriter w, string name, EmotionVector e)
    {
        w.WriteStartObject(name);
        w.Number("valence", e.Valence);
        w.Number("arousal", e.Arousal);
        w.Number("tension", e.Tension);
        w.Number("coherence", e.Coherence);
        w.WriteEndObject();
    }

    /// <summary>Writes every component of an empathy result, CLI.md's keys first.</summary>
    public static void EmpathyFields(this Utf8JsonWriter w, EmpathyResult r)
    {
        w.Number("score", r.Score);
        w.Number("stateOverlap", r.StateOverlap);
        w.Number("energyError", r.EnergyError);
        w.Number("magnetizationError", r.MagnetizationError);
        w.Number("couplingSimilarity", r.CouplingSimilarity);
        w.Number("predictedEnergy", r.PredictedEnergy);
        w.Number("actualEnergy", r.ActualEnergy);
        w.WriteNumber("steps", r.Steps);
        w.WriteNumber("trials", r.Trials);
        w.WriteNumber("accepted", r.Accepted);
    }
}
