using System.CommandLine;

namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// Turns the command line into systems: a file option when given (CLI.md's JSON format,
/// parsed by <see cref="IsingSystemFile"/>), else the generator options. Every failure
/// names the option or file it came from.
/// </summary>
internal static class SystemSources
{
    /// <summary>The single system of <c>energy</c>, <c>anneal</c>, <c>sample</c>: <c>--system F</c> or self's generator.</summary>
    public static IsingSystem SingleSystem(ParseResult pr) =>
        pr.GetValue(CliOptions.SystemFile) is { } file
            ? Load(pr, "--system", file)
            : Generate(pr, pr.GetValue(CliOptions.SelfSeed));

    /// <summary>Self: <c>--self F</c> or the generator with <c>--self-seed</c>.</summary>
    public static IsingSystem Self(ParseResult pr) =>
        pr.GetValue(CliOptions.SelfFile) is { } file
            ? Load(pr, "--self", file)
            : Generate(pr, pr.GetValue(CliOptions.SelfSeed));

    /// <summary>Other: <c>--other F</c> or the generator with <c>--other-seed</c>.</summary>
    public static IsingSystem Other(ParseResult pr) =>
        pr.GetValue(CliOptions.OtherFile) is { } file
            ? Load(pr, "--other", file)
            : Generate(pr, pr.GetValue(CliOptions.OtherSeed));

    /// <summary>The others of <c>social</c>: <c>--others F1,F2,...</c> or <paramref name="count"/> generated ones, seeds other-seed + k.</summary>
    public static IsingSystem[] Others(ParseResult pr, int count, string countOption)
    {
        if (pr.GetValue(CliOptions.OthersFiles) is { Length: > 0 } files)
            return files.Select(f => Load(pr, "--others", f)).ToArray();
        if (count < 1)
            throw new CliInputException($"{countOption}: must be at least 1 (was {count})");
        var seed = pr.GetValue(CliOptions.OtherSeed);
        return Enumerable.Range(0, count).Select(k => Generate(pr, unchecked(seed + (ulong)k))).ToArray();
    }

    /// <summary>How many of self and other <c>empathy</c>/<c>quick</c> generate (those without a file option).</summary>
    public static int GeneratedPairCount(ParseResult pr) =>
        (pr.GetValue(CliOptions.SelfFile) is null ? 1 : 0) + (pr.GetValue(CliOptions.OtherFile) is null ? 1 : 0);

    /// <summary>
    /// Checks, before anything is generated, that <paramref name="count"/> generated systems
    /// of <c>--n</c> spins fit in the memory available now; <paramref name="options"/> names
    /// the options that set the count. An out-of-range <c>--n</c> is left to the generator,
    /// whose message is more precise.
    /// </summary>
    public static void RequireMemoryForGenerated(ParseResult pr, long count, string options, bool backendCopy = true)
    {
        var n = pr.GetValue(CliOptions.N);
        if (count < 1 || n < 1 || n > IsingSystem.MaxSize) return;
        var what = count == 1 ? $"a system with n = {n}" : $"{count:N0} systems with n = {n}";
        MemoryBudget.Require(options, MemoryBudget.GeneratedSystems(count, n, backendCopy), what);
    }

    /// <summary>
    /// Empathy compares systems of equal n (MODEL.md §5); say which options disagree before
    /// the library reports it in terms of its own parameters.
    /// </summary>
    public static void RequireSameSize(IsingSystem self, IsingSystem other, string otherOption)
    {
        if (self.Size != other.Size)
            throw new CliInputException(
                $"{otherOption}: has n={other.Size} but self has n={self.Size}; empathy needs systems of equal n (use matching files or --n)");
    }

    /// <summary>Generates one system with the <c>--pattern</c> and <c>--n</c> options.</summary>
    public static IsingSystem Generate(ParseResult pr, ulong seed)
    {
        var n = pr.GetValue(CliOptions.N);
        var pattern = pr.GetValue(CliOptions.Pattern);
        return Generate(pattern, n, seed);
    }

    /// <summary>Generates one system; a bad <paramref name="n"/> is reported as <c>--n</c>.</summary>
    public static IsingSystem Generate(GeneratorPattern pattern, int n, ulong seed)
    {
        if (n < 1)
            throw new CliInputException($"--n: the number of spins must be at least 1 (was {n})");
        return CliInputException.ForOption("--n", () => pattern == GeneratorPattern.SpinGlass
            ? IsingSystem.SpinGlass(n, seed)
            : IsingSystem.SeedPattern(n, seed));
    }

    /// <summary>
    /// Loads a system file; a missing, special (FIFO, device, directory), oversized or
    /// malformed file is bad input naming the option and the file. The library's reader
    /// checks the path's type and length before opening it (<see cref="IsingSystemFile.Load"/>);
    /// an unknown key is refused unless <c>--lenient</c>.
    /// </summary>
    public static IsingSystem Load(ParseResult pr, string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new CliInputException($"{option}: the file name is empty");
        try
        {
            return IsingSystemFile.Load(path, lenient: pr.GetValue(CliOptions.Lenient));
        }
        catch (IsingInputException ex) when (ex.WithoutAdvice is { } what)
        {
            throw new CliInputException($"{option}: {ErrorReporter.OneLine(what)} Give --lenient to ignore unknown keys.", ex);
        }
        catch (IsingInputException ex)
        {
            throw new CliInputException($"{option}: {ErrorReporter.OneLine(ex.Message)}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new CliInputException($"{option}: '{path}': {ErrorReporter.Describe(ex)}", ex);
        }
        catch (IOException ex)
        {
            throw new CliInputException($"{option}: cannot read '{path}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
    }
}
