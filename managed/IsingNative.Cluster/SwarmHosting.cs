using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace IsingNative.Cluster;

/// <summary>How a silo runs its swarm agents.</summary>
public sealed class SwarmSiloOptions
{
    /// <summary>The silo engine's backend (Auto: the GPU where present, else the CPU).</summary>
    public BackendKind Backend { get; set; } = BackendKind.Auto;

    /// <summary>The engine's worker threads; null for every core.</summary>
    public int? Threads { get; set; }

    /// <summary>
    /// How long the flush loop waits for more agents to queue before it runs a batch (default
    /// 1 ms; zero runs whatever is queued at once).
    /// </summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Where the agents' committed states are written (one file per agent); null keeps them in
    /// the silo's memory, which does not survive the silo. Every silo of a cluster must see the
    /// same directory.
    /// </summary>
    public string? StateDirectory { get; set; }
}

/// <summary>Registers the swarm with Orleans silos and clients.</summary>
public static class SwarmHosting
{
    /// <summary>The name of the grain storage the agents persist to.</summary>
    public const string StorageName = "isingswarm";

    /// <summary>
    /// Hosts swarm agents in this silo: the silo's engine and empathy batcher and the agents'
    /// storage (<see cref="DirectorySwarmStorage"/>; to use a served provider instead, register it
    /// under <see cref="StorageName"/> after this call).
    /// </summary>
    /// <param name="builder">The silo.</param>
    /// <param name="configure">Sets the options; null for the defaults.</param>
    public static ISiloBuilder AddIsingSwarm(this ISiloBuilder builder, Action<SwarmSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SwarmSiloOptions>();
        if (configure is not null) options.Configure(configure);
        builder.Services.AddSingleton<SwarmEmpathyBatcher>();
        builder.Services.AddSingleton<SwarmSnapshotCache>();
        builder.Services.AddGrainStorage(StorageName, (sp, _) =>
            new DirectorySwarmStorage(sp.GetRequiredService<IOptions<SwarmSiloOptions>>().Value.StateDirectory, sp.GetRequiredService<Serializer>()));
        return builder;
    }

    /// <summary>
    /// Prepares a client for <see cref="ClusterSwarm"/>. The grain interfaces and wire types
    /// come with this assembly; nothing else has to be registered today, the call keeps clients
    /// and silos symmetric should that change.
    /// </summary>
    /// <param name="builder">The client.</param>
    public static IClientBuilder AddIsingSwarm(this IClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }
}
