namespace IsingNative;

// INTERIM (branch estacc): the estimator choice of issue 15 is defined by the quench branch; this
// stand-in (its first member only) lets the pre-filter compile until that branch is merged, and
// is deleted by the merge.

/// <summary>Which annealing-free estimate to compute.</summary>
public enum QuickMethod
{
    /// <summary>The original roadmap's Tier 3c formula (MODEL.md §7, "Quick estimate").</summary>
    Seed = 0,
}
