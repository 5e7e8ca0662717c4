using System.Globalization;

namespace IsingNative.Cli.Infrastructure;

/// <summary>The readable summary printed when <c>--json</c> is not given: aligned "label  value" lines.</summary>
internal static class HumanOutput
{
    private const int LabelWidth = 22;

    /// <summary>Prints a heading line.</summary>
    public static void Title(string text) => Console.WriteLine(text);

    /// <summary>Prints one labelled value.</summary>
    public static void Field(string label, string value) =>
        Console.WriteLine($"  {label.PadRight(LabelWidth)} {value}");

    /// <summary>Prints one labelled number with a fixed number of decimals.</summary>
    public static void Field(string label, double value, int decimals = 6) =>
        Field(label, value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    /// <summary>Prints one labelled integer.</summary>
    public static void Field(string label, long value) =>
        Field(label, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Formats spins compactly as <c>+-+-</c>.</summary>
    public static string Spins(ReadOnlySpan<sbyte> spins)
    {
        var chars = new char[spins.Length];
        for (var i = 0; i < spins.Length; i++) chars[i] = spins[i] > 0 ? '+' : '-';
        return new string(chars);
    }

    /// <summary>Formats an emotion vector on one line.</summary>
    public static string Emotion(EmotionVector e) => string.Create(CultureInfo.InvariantCulture,
        $"valence {e.Valence:F4}  arousal {e.Arousal:F4}  tension {e.Tension:F4}  coherence {e.Coherence:F4}");

    /// <summary>Formats a list of numbers.</summary>
    public static string Numbers(IEnumerable<double> values, int decimals = 4) =>
        string.Join(", ", values.Select(v => v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)));
}
