using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace IsingNative.Cluster;

/// <summary>How a silo runs its swarm blocks.</summary>
public sealed class SwarmSiloOptions
{
    /// <summary>The silo engine's backend (Auto: the GPU where present, else the CPU).</summary>
    public BackendKind Backend { get; set; } = BackendKind.Auto;

    /// <summary>The engine's worker threads; null for every core.</summary>
    public int? Threads { get; set; }

    /// <summary>
    /// Where the blocks' checkpoints are written (files per block); null keeps them in
    /// the silo's memory, which does not survive the silo. Every silo of a cluster must see the
    /// same directory.
    /// </summary>
    public string? StateDirectory { get; set; }
}

/// <summary>Registers the swarm with Orleans silos and clients.</summary>
public static class SwarmHosting
{
    /// <summary>The name of the grain storage the blocks persist to.</summary>
    public const string StorageName = "isingswarm";

    /// <summary>
    /// Hosts swarm blocks in this silo: the silo's engine, the blocks' placement and their
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
        builder.Services.Configure<ClusterMembershipOptions>(ConfigureFailureDetection);
        builder.Services.AddSingleton<SwarmSiloEngine>();
        builder.Services.AddPlacementDirector<SwarmBlockPlacement, SwarmBlockPlacementDirector>();
        builder.Services.AddGrainStorage(StorageName, (sp, _) =>
            new DirectorySwarmStorage(sp.GetRequiredService<IOptions<SwarmSiloOptions>>().Value.StateDirectory, sp.GetRequiredService<Serializer>()));
        return builder;
    }

    /// <summary>
    /// How quickly a silo that is gone without a word (SIGKILL, a lost machine, a cut network)
    /// is declared dead, so that its blocks are re-activated on the other silos and the round
    /// is redone (docs/CLUSTER.md §3). Orleans' defaults take 35 s and more on a small cluster;
    /// these take a few seconds. <see cref="AddIsingSwarm(ISiloBuilder, Action{SwarmSiloOptions}?)"/>
    /// applies them; a later <c>Configure&lt;ClusterMembershipOptions&gt;</c> overrides them.
    /// </summary>
    /// <param name="o">The silo's membership options.</param>
    public static void ConfigureFailureDetection(ClusterMembershipOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        // The first probe's timeout and the period between probes (default 5 s). Orleans adapts
        // both per silo to the measured probe round trips (microseconds to milliseconds here)
        // within [MinProbeTimeout, MaxProbeTimeout]; 1 s is still hundreds of times a
        // round trip on a loaded machine.
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        // The adaptive timeout's ceiling (default 4 × ProbeTimeout): with NumMissedProbesLimit
        // it bounds the time to a suspicion, 3 × 2 s. A silo so busy (GC, a starved thread pool)
        // that it misses 3 probes of 2 s while it still talks to the others is not suspected:
        // EnableConnectionLivenessCheck (on by default) drops a vote against a silo whose
        // connection carried messages within that window, and a round's calls are such messages.
        o.MaxProbeTimeout = TimeSpan.FromSeconds(2);
        // Missed probes before a silo votes its peer dead (default 3): one lost probe is noise.
        o.NumMissedProbesLimit = 3;
        // Every silo probes up to 10 others (the default): in clusters of up to 11 silos every
        // survivor watches the one that died, so the votes come in parallel, not one after another.
        o.NumProbedSilos = 10;
        // Votes to declare a silo dead (default 2; Orleans asks for fewer when fewer silos are
        // left to vote): one silo's bad network never evicts a healthy peer on its own.
        o.NumVotesForDeathDeclaration = 2;
        // How long a vote counts (default 2 min): far longer than the 6 s in which the second
        // voter reaches the same verdict, and short enough that a suspicion of a silo that was
        // only slow does not linger and join an unrelated later one.
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
        // A silo's heartbeat in the membership table (default 30 s): with NumMissedTableIAmAliveLimit
        // (2) an entry nobody updated for 10 s is stale, e.g. the last silo of a pair, which no
        // one probes once its peer is gone. One small table write per silo every 5 s.
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        // How often a silo re-reads the membership table (default 60 s). A death is gossiped to
        // every silo at once; this read is the fallback when that message is lost.
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// How quickly a client drops a gateway that is gone (docs/CLUSTER.md §3); applied by
    /// <see cref="AddIsingSwarm(IClientBuilder)"/>.
    /// </summary>
    /// <param name="o">The client's gateway options.</param>
    public static void ConfigureFailureDetection(GatewayOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        // The client re-reads its gateway list (default 60 s) and stops sending through a dead
        // one; a gateway whose connection broke is skipped at once, this is the list's own refresh.
        o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5);
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
        builder.Services.Configure<GatewayOptions>(ConfigureFailureDetection);
        return builder;
    }
}
