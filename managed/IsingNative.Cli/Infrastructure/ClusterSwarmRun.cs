#if ISING_CLUSTER
using System.Net;
using IsingNative.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace IsingNative.Cli.Infrastructure;

/// <summary>
/// <c>ising simulate --cluster HOST:PORT</c> (a silo's gateway) or <c>--cluster redis://HOST:PORT</c>
/// (the Redis server of the silos' membership): the swarm's rounds run on the silos of an Orleans
/// cluster (docs/CLUSTER.md) through a <see cref="ClusterSwarm"/>; this process only generates
/// the agents, coordinates the rounds and receives their statistics, which are the local run's
/// bit for bit. Not in a NativeAOT or trimmed build of the CLI (Orleans is neither).
/// </summary>
internal sealed class ClusterSwarmRun : ISwarmRun
{
    private readonly SwarmRequest _request;
    private readonly IHost _client;
    private readonly ClusterSwarm _swarm;

    private ClusterSwarmRun(SwarmRequest request, IHost client, ClusterSwarm swarm, string endpoint)
    {
        _request = request;
        _client = client;
        _swarm = swarm;
        Backend = $"cluster {endpoint}";
    }

    /// <summary>
    /// Whether the client holds a second copy of every generated system, as a native backend
    /// does: yes. Besides the generated systems it keeps the coordinator's initial states (each
    /// agent's couplings and initial couplings, the local swarm's copies), and while the first
    /// round's Init calls are in flight every agent's state is also serialized in its message
    /// (all K at once by default). SimulateCommand checks the local run's memory budget with
    /// this before <see cref="Connect"/>, so a swarm too large for this machine is refused
    /// (exit code 2) before any silo is contacted, as a local run on a native backend is.
    /// </summary>
    public const bool CopiesSystems = true;

    /// <summary>Connects to the cluster, generates the agents and prepares the run (the agents are created with the first round).</summary>
    /// <param name="endpoint">The cluster as typed (HOST:PORT or redis://HOST:PORT, checked by <see cref="ParseEndpoint"/>).</param>
    /// <param name="request">The swarm.</param>
    /// <param name="checkpointEvery">Every how many rounds the agents persist their state (<see cref="ClusterSwarmOptions.CheckpointEvery"/>, ≥ 1).</param>
    /// <param name="blockSize">Agents per block grain (<see cref="ClusterSwarmOptions.BlockSize"/>, ≥ 1).</param>
    public static ClusterSwarmRun Connect(string endpoint, SwarmRequest request, int checkpointEvery = 1, int blockSize = ClusterSwarmOptions.DefaultBlockSize)
    {
        var target = ParseEndpoint(endpoint);
        IPEndPoint? gateway = null;
        if (target.Redis is null)
        {
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(target.Host, out var literal) ? [literal] : Dns.GetHostAddresses(target.Host);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                throw new CliInputException($"--cluster: cannot resolve '{target.Host}': {ErrorReporter.OneLine(ex.Message)}", ex);
            }
            var address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new CliInputException($"--cluster: '{target.Host}' has no address");
            gateway = new IPEndPoint(address, target.Port);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();   // the command's own output only
        builder.UseOrleansClient(client =>
        {
            // Static: the one gateway named. Redis: every gateway the silos' membership lists, kept current as silos come and go.
            if (target.Redis is { } redis) client.UseRedisClustering(o => o.ConfigurationOptions = redis);
            else client.UseStaticClustering(gateway!);
            client.Configure<ClusterOptions>(o => { o.ClusterId = "ising"; o.ServiceId = "ising"; });   // ising-silo's defaults
            client.AddIsingSwarm();
        });
        var app = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            app.StartAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            app.Dispose();
            throw new ClusterUnreachableException(
                $"--cluster: no silo answered at {endpoint} within 10 s ({ex.GetType().Name}: {ErrorReporter.OneLine(ex.Message)}); start one with `ising-silo` (docs/CLUSTER.md)", ex);
        }
        try
        {
            var agents = new IsingSystem[request.Agents];
            for (var a = 0; a < agents.Length; a++) agents[a] = request.GenerateAgent(a);
            var swarm = new ClusterSwarm(app.Services.GetRequiredService<IClusterClient>(), agents, request.Graph, request.Options,
                new ClusterSwarmOptions { CheckpointEvery = checkpointEvery, BlockSize = blockSize });
            return new ClusterSwarmRun(request, app, swarm, target.Display);
        }
        catch
        {
            app.StopAsync().GetAwaiter().GetResult();
            app.Dispose();
            throw;
        }
    }

    /// <summary>Where the cluster is: a gateway (Host, Port), or the Redis server of the silos' membership (Redis).</summary>
    /// <param name="Host">The gateway's host (empty for Redis).</param>
    /// <param name="Port">The gateway's port (0 for Redis).</param>
    /// <param name="Redis">The Redis server's connection options; null for a gateway.</param>
    /// <param name="Display">The value as the output's <c>backend</c> shows it (no password).</param>
    public sealed record ClusterTarget(string Host, int Port, StackExchange.Redis.ConfigurationOptions? Redis, string Display);

    /// <summary>The scheme of a Redis membership, followed by a StackExchange.Redis connection string.</summary>
    public const string RedisScheme = "redis://";

    /// <summary>
    /// HOST:PORT (an IPv6 literal in brackets), a silo's gateway; or redis://HOST:PORT[,option=value...],
    /// the Redis server the silos keep their membership in (ising-silo --redis); or bad input naming --cluster.
    /// </summary>
    /// <param name="endpoint">The value as typed.</param>
    public static ClusterTarget ParseEndpoint(string endpoint)
    {
        if (endpoint.StartsWith(RedisScheme, StringComparison.OrdinalIgnoreCase))
        {
            string text = endpoint[RedisScheme.Length..];
            StackExchange.Redis.ConfigurationOptions options;
            try
            {
                options = StackExchange.Redis.ConfigurationOptions.Parse(text);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                throw new CliInputException($"--cluster: expected redis://HOST:PORT[,option=value...], e.g. redis://10.0.0.5:6379 (was '{endpoint}': {ErrorReporter.OneLine(ex.Message)})", ex);
            }
            if (options.EndPoints.Count == 0)
                throw new CliInputException($"--cluster: expected redis://HOST:PORT[,option=value...], e.g. redis://10.0.0.5:6379 (was '{endpoint}')");
            string shown = string.Join(',', options.EndPoints.Select(e => e is DnsEndPoint d ? $"{d.Host}:{d.Port}" : e.ToString()));
            return new ClusterTarget("", 0, options, RedisScheme + shown);
        }
        int colon = endpoint.LastIndexOf(':');
        string host = colon > 0 ? endpoint[..colon].Trim('[', ']') : "";
        if (colon <= 0 || host.Length == 0
            || !int.TryParse(endpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
            || port < 1 || port > 65535)
            throw new CliInputException($"--cluster: expected HOST:PORT with a port in [1, 65535], e.g. localhost:30000, or redis://HOST:PORT (was '{endpoint}')");
        return new ClusterTarget(host, port, null, endpoint);
    }

    /// <inheritdoc/>
    public string Backend { get; }

    /// <inheritdoc/>
    public IEnumerable<SwarmRoundStats> Rounds(CancellationToken cancellationToken, IProgress<SwarmProgress>? progress)
    {
        int rounds = _request.Rounds;
        long edges = _request.Graph.EdgeCount;
        for (var r = 0; r < rounds; r++)
        {
            var stats = _swarm.StepAsync(cancellationToken).GetAwaiter().GetResult();
            progress?.Report(new SwarmProgress(r + 1, rounds, 0, edges));
            yield return stats;
        }
    }

    /// <inheritdoc/>
    public string Digest() => _swarm.DigestAsync().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public void Dispose()
    {
        // The run cannot be resumed from the CLI: its agents' states are deleted from the silos'
        // store (best effort: a cluster that is gone keeps them, under the run's own id).
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            _swarm.ForgetAsync(limit.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { /* best effort */ }
        try { _client.StopAsync().GetAwaiter().GetResult(); }
        finally { _client.Dispose(); }
    }
}

/// <summary>No silo answered at the --cluster gateway (a failure, exit code 1, not bad input: the endpoint is well-formed).</summary>
internal sealed class ClusterUnreachableException(string message, Exception inner) : CliFailureException(message, inner);
#endif
