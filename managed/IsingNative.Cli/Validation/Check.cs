namespace IsingNative.Cli.Validation;

/// <summary>One line of the <c>validate</c> report (CLI.md: <c>{name, passed, detail}</c>).</summary>
/// <param name="Name">Stable identifier of the check.</param>
/// <param name="Passed">Whether the check held (a skipped check counts as passed).</param>
/// <param name="Detail">What was measured against what bound, and why the bound is right.</param>
/// <param name="Skipped">True when the check could not apply here (for example only one backend).</param>
internal sealed record Check(string Name, bool Passed, string Detail, bool Skipped = false)
{
    /// <summary>
    /// Runs <paramref name="body"/>; an exception is a failed check with the exception's message,
    /// so one broken check never hides the others.
    /// </summary>
    public static Check Run(string name, Func<Check> body)
    {
        try
        {
            return body();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new Check(name, false, $"threw {ex.GetType().Name}: {Infrastructure.ErrorReporter.OneLine(ex.Message)}");
        }
    }
}
