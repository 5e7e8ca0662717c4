using BenchmarkDotNet.Attributes;
using IsingNative.Benchmarks.Infrastructure;
using QuickEstimateResult = IsingNative.QuickEstimate;

namespace IsingNative.Benchmarks.Workloads;

/// <summary>
/// <c>quick-estimate-n20</c>: the Tier 3c fast estimate (no anneal) of self towards other,
/// n = 20, one call. In steady state the coupling similarity comes from the engine's cache, so
/// this measures the two energies plus a cache hit.
/// </summary>
[MemoryDiagnoser]
public class QuickEstimate : BackendBenchmark
{
    private IsingSystem _self = null!;
    private IsingSystem _other = null!;

    /// <inheritdoc />
    protected override void Prepare()
    {
        _self = IsingSystem.SeedPattern(Agents.DefaultSize, Agents.SelfSeed);
        _other = IsingSystem.SeedPattern(Agents.DefaultSize, Agents.OtherSeed);
    }

    /// <summary>One quick estimate with the default scale (100).</summary>
    /// <returns>The estimate, so the call cannot be eliminated as dead code.</returns>
    [Benchmark]
    public QuickEstimateResult Quick() => Engine.Quick(_self, _other);
}
