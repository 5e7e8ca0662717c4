using BenchmarkDotNet.Attributes;

namespace IsingNative.Benchmarks.Infrastructure;

/// <summary>
/// Base of every benchmark class: one <see cref="IsingEngine"/> per backend parameter, created
/// once per benchmark case (outside the measured region) and disposed afterwards.
/// </summary>
/// <remarks>
/// The backend is a BenchmarkDotNet parameter so that one run puts managed, native-CPU and GPU
/// numbers side by side in one table (WORKLOADS.md: compare versions as ratios measured in one
/// run). Only backends that can be created on this machine are listed, so the same command works
/// on a machine without the native library or without a GPU.
/// </remarks>
public abstract class BackendBenchmark
{
    /// <summary>The backend under test; one of <see cref="AvailableBackends"/>.</summary>
    [ParamsSource(nameof(AvailableBackends))]
    public BackendKind Backend { get; set; }

    /// <summary>The engine for <see cref="Backend"/>; valid between global setup and cleanup.</summary>
    protected IsingEngine Engine { get; private set; } = null!;

    /// <summary>
    /// The concrete backends that <see cref="IsingEngine.Create"/> can create here. <c>Auto</c> is
    /// left out: it is an alias of one of the others and would only duplicate a row.
    /// </summary>
    public static IEnumerable<BackendKind> AvailableBackends() =>
        IsingEngine.DescribeBackends()
            .Where(b => b.Available && b.Kind != BackendKind.Auto)
            .Select(b => b.Kind)
            .Distinct()
            .ToArray();

    /// <summary>Creates the engine, then lets the workload build its inputs.</summary>
    [GlobalSetup]
    public void GlobalSetup()
    {
        Engine = IsingEngine.Create(Backend);
        Prepare();
    }

    /// <summary>Lets the workload release what it made, then disposes the engine (native handles, device memory).</summary>
    [GlobalCleanup]
    public void GlobalCleanup()
    {
        Release();
        Engine?.Dispose();
    }

    /// <summary>Builds the workload's systems and buffers; not measured.</summary>
    protected abstract void Prepare();

    /// <summary>Releases what <see cref="Prepare"/> made that needs it (agent sets); nothing by default.</summary>
    protected virtual void Release() { }
}
