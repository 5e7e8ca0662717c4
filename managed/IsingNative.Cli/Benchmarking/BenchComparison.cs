namespace IsingNative.Cli.Benchmarking;

/// <summary>
/// One metric of this run against the baseline's. <see cref="Ratio"/> is this run's median over the
/// baseline's; the noise band is the range of ratios the two runs' repeats allow, from this run's
/// slowest repeat over the baseline's fastest to the other way round (<see cref="Low"/>, <see cref="High"/>).
/// A metric regressed when the whole band lies on the worse side of 1: every repeat of this run is
/// worse than every repeat of the baseline, so the difference is not the machines' noise.
/// </summary>
internal sealed record MetricComparison(BenchMetric Current, BenchMetric Baseline)
{
    /// <summary>This run's median over the baseline's (1 when both are 0).</summary>
    public double Ratio => Divide(Current.Value, Baseline.Value);

    /// <summary>The smallest ratio the repeats allow: this run's least over the baseline's greatest.</summary>
    public double Low => Divide(Current.Min, Baseline.Max);

    /// <summary>The largest ratio the repeats allow: this run's greatest over the baseline's least.</summary>
    public double High => Divide(Current.Max, Baseline.Min);

    /// <summary>Worse beyond the noise band.</summary>
    public bool Regressed => Current.HigherIsBetter ? High < 1 : Low > 1;

    /// <summary>Better beyond the noise band.</summary>
    public bool Improved => Current.HigherIsBetter ? Low > 1 : High < 1;

    private static double Divide(double a, double b) =>
        b == 0 ? (a == 0 ? 1 : double.PositiveInfinity) : a / b;
}

/// <summary>This run against a saved one, metric by metric (the metrics both have, in this run's order).</summary>
internal sealed record BenchComparison(IReadOnlyList<MetricComparison> Metrics, IReadOnlyList<string> OnlyHere, IReadOnlyList<string> OnlyInBaseline)
{
    /// <summary>The metrics that regressed beyond their noise band.</summary>
    public IEnumerable<MetricComparison> Regressions => Metrics.Where(m => m.Regressed);

    /// <summary>Pairs the metrics of <paramref name="current"/> with those of <paramref name="baseline"/> by name.</summary>
    public static BenchComparison Of(BenchReport current, BenchReport baseline)
    {
        var saved = baseline.Metrics.ToDictionary(m => m.Metric);
        var pairs = current.Metrics.Where(m => saved.ContainsKey(m.Metric)).Select(m => new MetricComparison(m, saved[m.Metric])).ToArray();
        var here = current.Metrics.Select(m => m.Metric).ToHashSet();
        return new BenchComparison(pairs,
            current.Metrics.Where(m => !saved.ContainsKey(m.Metric)).Select(m => m.Metric).ToArray(),
            baseline.Metrics.Where(m => !here.Contains(m.Metric)).Select(m => m.Metric).ToArray());
    }
}
