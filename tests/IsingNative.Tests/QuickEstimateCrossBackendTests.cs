using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The quick estimates of every native backend (the native CPU library, the GPU context, on a device or
/// the emulated one) against the managed engine, bit for bit, for both methods and every form; the
/// library computes them on the host whatever the device.
/// </summary>
[TestFixtureSource(typeof(NativeBackends), nameof(NativeBackends.Kinds))]
public class QuickEstimateCrossBackendTests(BackendKind backend) : ManagedAgainstNativeFixture(backend)
{
    [TestCase(QuickMethod.Seed)]
    [TestCase(QuickMethod.Quench)]
    public void EveryFormIsBitIdenticalToTheManagedEngine(QuickMethod method)
    {
        var rng = new Random(15);
        var agents = new List<IsingSystem>();
        foreach (int n in new[] { 1, 2, 3, 7, 8, 9, 16, 17, 31, 33, 64, 129, 1030 })
            for (int k = 0; k < 3; k++)
                agents.Add((k % 3) switch
                {
                    0 => IsingSystem.SeedPattern(n, (ulong)rng.Next()),
                    1 => IsingSystem.SpinGlass(n, (ulong)rng.Next()),
                    _ => Systems.Random(n, rng.Next(), 1.5, 0.7),
                });
        var options = new EmpathyOptions { Weights = new EmpathyWeights(0.35, 0.25, 0.3, 0.1) };
        var pairs = new List<EmpathyPair>();
        var memberPairs = new List<AgentPair>();
        for (int g = 0; g < agents.Count; g += 3)
            for (int a = g; a < g + 3; a++)
                for (int b = g; b < g + 3; b++) { pairs.Add(new(agents[a], agents[b], 0)); memberPairs.Add(new(a, b, 0)); }
        var managed = new QuickEstimate[pairs.Count];
        var native = new QuickEstimate[pairs.Count];
        var nativeSet = new QuickEstimate[pairs.Count];
        var managedSet = new QuickEstimate[pairs.Count];
        Managed.QuickBatch(pairs.ToArray(), managed, method, options, 12.5);
        Native.QuickBatch(pairs.ToArray(), native, method, options, 12.5);
        using (AgentSet set = Native.CreateAgentSet(agents.ToArray())) set.QuickBatch(memberPairs.ToArray(), nativeSet, method, options, 12.5);
        using (AgentSet set = Managed.CreateAgentSet(agents.ToArray())) set.QuickBatch(memberPairs.ToArray(), managedSet, method, options, 12.5);
        for (int k = 0; k < pairs.Count; k++)
        {
            string what = $"{method} pair {k} (n={pairs[k].Other.Size})";
            Bits.Same(managed[k], native[k], $"{what} batch");
            Bits.Same(managed[k], nativeSet[k], $"{what} native set");
            Bits.Same(managed[k], managedSet[k], $"{what} managed set");
            Bits.Same(managed[k], Native.Quick(pairs[k].Self, pairs[k].Other, method, options, 12.5), $"{what} single");
        }
    }
}
