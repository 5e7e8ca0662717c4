using IsingNative.Cli.Infrastructure;
using ScottPlot;
using SkiaSharp;

namespace IsingNative.Cli.Imaging;

/// <summary>What a figure option writes, chosen by the file's extension.</summary>
internal enum FigureFormat
{
    /// <summary><c>.png</c>: a raster image of the figure's fixed size.</summary>
    Png,
    /// <summary><c>.svg</c>: the same figure as vector graphics (text stays text).</summary>
    Svg,
    /// <summary><c>.csv</c>: the figure's numbers instead of a drawing (only where the option says so).</summary>
    Csv,
}

/// <summary>
/// The checks and the saving every figure option shares: the format from the extension and
/// a path that can take a file, both refused before any work (exit code 2 naming the option),
/// and the rendering of a ScottPlot figure through SkiaSharp to PNG or SVG.
/// </summary>
internal static class FigureFile
{
    /// <summary>
    /// Refuses, before any work, a path that cannot become the figure: an extension other than
    /// .png/.svg (and .csv where <paramref name="allowCsv"/>), an empty name, a directory, a
    /// missing directory, or an existing FIFO or device (opening one for writing would block
    /// or write into the device). Each message names the option and the value.
    /// </summary>
    public static FigureFormat Check(string option, string path, bool allowCsv = false)
    {
        var choices = allowCsv ? ".png, .svg or .csv" : ".png or .svg";
        CheckWritable(option, path, $"figure{(allowCsv ? ".csv" : ".png")}");
        // The format last, so that a path that cannot take any file says so first.
        var extension = Path.GetExtension(path).ToLowerInvariant();
        FigureFormat format = extension switch
        {
            ".png" => FigureFormat.Png,
            ".svg" => FigureFormat.Svg,
            ".csv" when allowCsv => FigureFormat.Csv,
            _ => throw new CliInputException(
                $"{option}: '{path}' has extension '{Path.GetExtension(path)}'; the format is chosen by the extension: {choices}"),
        };
        return format;
    }

    /// <summary>
    /// Refuses, before any work, a path no output file can be written to: an empty name, a
    /// directory, a missing directory, an existing FIFO or device, or a file the file system
    /// will not open for writing. Each message names the option and the value;
    /// <paramref name="example"/> is the file name suggested.
    /// </summary>
    public static void CheckWritable(string option, string path, string example)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new CliInputException($"{option}: the file name is empty (was '{path}'); give a file such as {example}");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliInputException($"{option}: '{path}' is not a usable file name: {ErrorReporter.OneLine(ex.Message)}", ex);
        }
        if (Directory.Exists(full) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
            throw new CliInputException($"{option}: '{path}' is a directory; give a file name such as '{Path.Combine(path, example)}'");
        if (Path.GetDirectoryName(full) is { } dir && !Directory.Exists(dir))
            throw new CliInputException($"{option}: cannot write '{path}': directory '{dir}' does not exist");
        var (kind, _) = FileProbe.Probe(full);
        if (kind is not (FileKind.Missing or FileKind.Regular or FileKind.EmptyOrSpecial))
            throw new CliInputException($"{option}: '{path}' is {FileProbe.Describe(kind)}, not a file output can replace");
        ProveWritable(option, path, full, kind);
    }

    /// <summary>
    /// Opens the output for writing now, before any work, so that a file system that refuses it
    /// (<c>/proc</c>, a read-only directory or mount, a file without write permission) is
    /// found before the run, not after it with the run's results lost. An existing file is
    /// opened without truncation and left as it was; a new one is created and removed again
    /// (delete on close), so a command refused later still leaves nothing behind.
    /// </summary>
    private static void ProveWritable(string option, string path, string full, FileKind kind)
    {
        try
        {
            if (kind == FileKind.Missing)
            {
                using (new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            }
            else if (kind == FileKind.Regular)
            {
                using (new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1)) { }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new CliInputException($"{option}: cannot write '{path}': {ErrorReporter.OneLine(ex.Message).TrimEnd('.')}; give a file in a writable directory", ex);
        }
    }

    /// <summary>
    /// Writes <paramref name="plot"/> at <paramref name="width"/>×<paramref name="height"/> px
    /// as <paramref name="format"/>; an I/O failure becomes bad input of <paramref name="option"/>.
    /// </summary>
    public static void Save(string option, string path, FigureFormat format, Plot plot, int width, int height)
    {
        try
        {
            switch (format)
            {
                case FigureFormat.Png:
                    plot.SavePng(path, width, height);
                    break;
                case FigureFormat.Svg:
                    plot.SaveSvg(path, width, height);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "only PNG and SVG are drawn");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option}: cannot write '{path}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
    }

    /// <summary>
    /// Writes a figure drawn by <paramref name="render"/> (several plots on one canvas) as
    /// PNG or SVG of <paramref name="width"/>×<paramref name="height"/> px.
    /// </summary>
    public static void Save(string option, string path, FigureFormat format, int width, int height, Action<SKCanvas> render)
    {
        try
        {
            using var file = File.Create(path);
            if (format == FigureFormat.Svg)
            {
                using var stream = new SKManagedWStream(file);
                using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), stream))
                    render(canvas);
                return;
            }
            using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
            render(surface.Canvas);
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            data.SaveTo(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option}: cannot write '{path}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
    }
}
