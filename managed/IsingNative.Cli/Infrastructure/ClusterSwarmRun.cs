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
/// <c>ising simulate --cluster HOST:PORT</c>: the swarm's rounds run on the silos of an Orleans
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

    /// <summary>Connects to the gateway, generates the agents and prepares the run (the agents are created with the first round).</summary>
    /// <param name="endpoint">The gateway as typed (HOST:PORT, checked by <see cref="ParseEndpoint"/>).</param>
    /// <param name="request">The swarm.</param>
    /// <param name="checkpointEvery">Every how many rounds the agents persist their state (<see cref="ClusterSwarmOptions.CheckpointEvery"/>, ≥ 1).</param>
    public static ClusterSwarmRun Connect(string endpoint, SwarmRequest request, int checkpointEvery = 1)
    {
        var (host, port) = ParseEndpoint(endpoint);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new CliInputException($"--cluster: cannot resolve '{host}': {ErrorReporter.OneLine(ex.Message)}", ex);
        }
        var address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new CliInputException($"--cluster: '{host}' has no address");

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();   // the command's own output only
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(address, port));
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
                new ClusterSwarmOptions { CheckpointEvery = checkpointEvery });
            return new ClusterSwarmRun(request, app, swarm, endpoint);
        }
        catch
        {
            app.StopAsync().GetAwaiter().GetResult();
            app.Dispose();
            throw;
        }
    }

    /// <summary>HOST:PORT (an IPv6 literal in brackets), or bad input naming --cluster.</summary>
    /// <param name="endpoint">The value as typed.</param>
    public static (string Host, int Port) ParseEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        string host = colon > 0 ? endpoint[..colon].Trim('[', ']') : "";
        if (colon <= 0 || host.Length == 0
            || !int.TryParse(endpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
            || port < 1 || port > 65535)
            throw new CliInputException($"--cluster: expected HOST:PORT with a port in [1, 65535], e.g. localhost:30000 (was '{endpoint}')");
        return (host, port);
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
