namespace IsingNative.Benchmarks.Infrastructure;

/// <summary>
/// The fixed inputs shared by the workloads: seed-pattern agents (the original research code's
/// systems, MODEL.md §1) drawn from fixed seeds so that every run and every backend measures
/// exactly the same work.
/// </summary>
internal static class Agents
{
    /// <summary>Seed of the "self" agent (the same as the build script's demo).</summary>
    public const ulong SelfSeed = 42;

    /// <summary>Seed of the first "other" agent; further others use consecutive seeds.</summary>
    public const ulong OtherSeed = 99;

    /// <summary>Seed of the anneals (empathy seeds, social-attention and matrix seed bases).</summary>
    public const ulong AnnealSeed = 7;

    /// <summary>The original baseline's system size.</summary>
    public const int DefaultSize = 20;

    /// <summary><paramref name="count"/> seed-pattern systems of size <paramref name="n"/> with seeds <c>firstSeed, firstSeed+1, ...</c>.</summary>
    public static IsingSystem[] SeedPatterns(int count, int n, ulong firstSeed)
    {
        var systems = new IsingSystem[count];
        for (int k = 0; k < systems.Length; k++)
            systems[k] = IsingSystem.SeedPattern(n, firstSeed + (ulong)k);
        return systems;
    }
}
