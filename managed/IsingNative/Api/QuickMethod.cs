namespace IsingNative;

/// <summary>
/// Which annealing-free estimate <see cref="IsingEngine.Quick(IsingSystem, IsingSystem, QuickMethod, EmpathyOptions?, double)"/>
/// computes (docs/MODEL.md §7, docs/ALGORITHM.md §7 and §7.1). The values are the C API's
/// <c>isn_quick_method</c>.
/// </summary>
public enum QuickMethod
{
    /// <summary>
    /// The roadmap's formula <c>0.7·(1 − min(|Es − Eo|/scale, 1)) + 0.3·c</c> from the energies of
    /// the two actual states. Kept by name; measured, it does not rank pairs like the full empathy
    /// (docs/PERFORMANCE.md, "Quick estimators: which construction").
    /// </summary>
    Seed = 0,

    /// <summary>
    /// A zero-temperature quench of the other's couplings and fields from all +1 (sequential
    /// sweeps, no random numbers), scored against the other's actual spins with the full
    /// empathy's scoring and weights. The default: it ranks pairs like the full empathy.
    /// </summary>
    Quench = 1,
}
