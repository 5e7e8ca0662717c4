using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace IsingNative.Benchmarks.Infrastructure;

/// <summary>
/// A summary column computed in the host process, not timed: an accuracy figure of the case's
/// quick method on the case's backend (Spearman, recall...), beside the case's time. Deterministic
/// (the empathies are bit-identical on every run), so it is computed once per (backend, method).
/// Baseline rows (the full computation) show "—".
/// </summary>
/// <param name="owner">The benchmark class the column belongs to (a joined summary shows every class's columns: other rows get "—").</param>
/// <param name="name">The column's header.</param>
/// <param name="legend">What it shows.</param>
/// <param name="compute">The value for a backend and a method.</param>
internal sealed class AccuracyColumn(Type owner, string name, string legend, Func<BackendKind, QuickMethod, double> compute) : IColumn
{
    private readonly ConcurrentDictionary<(BackendKind, QuickMethod), double> _values = new();

    public string Id => nameof(AccuracyColumn) + "." + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Descriptor.Baseline || benchmarkCase.Descriptor.Type != owner) return "—";
        if (benchmarkCase.Parameters["Backend"] is not BackendKind backend || benchmarkCase.Parameters["Estimate"] is not QuickMethod method)
            return "?";
        double value = _values.GetOrAdd((backend, method), key => compute(key.Item1, key.Item2));
        return value.ToString("F3", CultureInfo.InvariantCulture);
    }
}
