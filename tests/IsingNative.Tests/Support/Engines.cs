namespace IsingNative.Tests.Support;

/// <summary>The engines the physics tests run on: every available concrete backend.</summary>
internal static class Engines
{
    /// <summary>Available backends other than Auto (always includes Managed).</summary>
    public static IEnumerable<BackendKind> Available() =>
        IsingEngine.DescribeBackends().Where(b => b.Available && b.Kind != BackendKind.Auto).Select(b => b.Kind).Distinct();
}
