using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace IsingNative.Cluster;

/// <summary>
/// Places a run's blocks round-robin over the active silos (docs/CLUSTER.md §2): block b of a run
/// goes to silo (b + h) mod S of the silos in address order, h a hash of the run id, so every
/// silo holds ⌊blocks/S⌋ or ⌈blocks/S⌉ of them. Orleans' default (random) placement puts 10 blocks
/// on 3 silos as unevenly as 6/3/1, and the round waits for the busiest silo.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class SwarmBlockPlacement : PlacementStrategy
{
}

/// <summary>Marks a grain class as placed by <see cref="SwarmBlockPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SwarmBlockPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SwarmBlockPlacementAttribute() : base(new SwarmBlockPlacement()) { }
}

/// <summary>The director of <see cref="SwarmBlockPlacement"/>.</summary>
public sealed class SwarmBlockPlacementDirector : IPlacementDirector
{
    /// <inheritdoc/>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SiloAddress[] silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0) throw new SiloUnavailableException($"no silo can host {target.GrainIdentity}");
        // A block that moves itself (a silo joined or left) names its new silo.
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint) return Task.FromResult(hint);
        return Task.FromResult(Choose(silos, target.GrainIdentity.Key.ToString()!));
    }

    /// <summary>The silo of the block grain <paramref name="key"/> among <paramref name="silos"/> (any order); other grains' keys are hashed.</summary>
    /// <param name="silos">The candidate silos, at least one.</param>
    /// <param name="key">The grain's key.</param>
    public static SiloAddress Choose(IReadOnlyCollection<SiloAddress> silos, string key)
    {
        ArgumentNullException.ThrowIfNull(silos);
        ArgumentNullException.ThrowIfNull(key);
        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        int slash = key.LastIndexOf('/');
        uint h = Fnv(slash < 0 ? key : key[..slash]);
        uint at = slash >= 0 && uint.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint block)
            ? unchecked(block + h) : Fnv(key);
        return ordered[(int)(at % (uint)ordered.Length)];
    }

    private static uint Fnv(string s)
    {
        uint h = 2166136261;
        foreach (char ch in s) h = unchecked((h ^ ch) * 16777619);
        return h;
    }
}
