using System.Net;
using IsingNative;
using IsingNative.Cluster;
using IsingNative.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Persistence;
using Orleans.Serialization;

// ising-silo: hosts swarm agents for `ising simulate --cluster` (docs/CLUSTER.md). Its settings
// are the Generic Host's configuration (SiloSettings: appsettings.json beside the executable,
// --config FILE, ISING_ environment variables, the command line). Localhost clustering (the
// default): the first silo (the primary, --port 11111 by default) keeps the membership; more
// silos on this machine join it with their own --port/--gateway and --primary 11111. Redis
// clustering (--redis HOST:PORT): the membership and the agents' states are kept in a Redis
// server, silos on any machine join through it and no silo is special (docs/CLUSTER.md §6).

if (args.Any(a => a is "-h" or "--help"))
{
    Console.WriteLine(SiloSettings.Usage());
    return 0;
}
ConfigurationManager configuration;
SiloSettings settings;
try
{
    configuration = SiloSettings.Configuration(args, AppContext.BaseDirectory);
    settings = SiloSettings.Bind(configuration);
    // Orleans' listeners reuse their ports (SO_REUSEPORT), so a silo started on ports another one
    // holds would say it is ready and share them: the kernel would split connections between the two.
    RefuseIfInUse("--port", settings.Port);
    RefuseIfInUse("--gateway", settings.Gateway);
    if (settings.State is { } dir) RequireWritableDirectory(dir);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"ising-silo: {e.Message}");
    Console.Error.WriteLine(SiloSettings.Usage());
    return 2;
}

// Redis answers before the silo starts: otherwise Orleans' start fails later, wrapped in its lifecycle's error.
if (settings.Redis is { } redisOptions)
{
    try
    {
        var probe = redisOptions.Clone();
        probe.AbortOnConnectFail = true;
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(probe);
        await connection.GetDatabase().PingAsync();
    }
    catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
    {
        Console.Error.WriteLine($"ising-silo: --redis: no Redis server answered at {settings.RedisEndpoints}: {e.Message.Split('\n')[0].Trim()}");
        return 1;
    }
}

// The host reads the same configuration (its Logging section, say), and nothing else: no
// appsettings.json of the working directory, no unprefixed environment variable (a PORT set for
// another program) changes the silo.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    DisableDefaults = true,
    Configuration = configuration,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
builder.Logging.AddConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("ising-silo", LogLevel.Information);
builder.Logging.AddFilter("IsingNative", LogLevel.Information);
// The engine's meter for the host's metrics pipeline: a listener registered in DI (OpenTelemetry's
// WithMetrics, an IMetricsListener) sees IsingNative's instruments without naming them again.
// dotnet-counters and OpenTelemetry's AddMeter/AddSource subscribe by the same name (docs/CLUSTER.md §5).
builder.Metrics.EnableMetrics(IsingEngine.TelemetryName);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
builder.UseOrleans(silo =>
{
    if (settings.Clustering == SiloClustering.Redis)
    {
        silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = settings.Port;
            o.GatewayPort = settings.Gateway;
            if (settings.AdvertisedIP is { } ip) o.AdvertisedIPAddress = ip;
        });
        silo.UseRedisClustering(o => o.ConfigurationOptions = settings.Redis!.Clone());
    }
    else
    {
        silo.UseLocalhostClustering(settings.Port, settings.Gateway, new IPEndPoint(IPAddress.Loopback, settings.Primary ?? settings.Port),
            settings.ServiceId, settings.ClusterId);
    }
    // The failure-detection settings (SwarmHosting.ConfigureFailureDetection) come with AddIsingSwarm, for either membership.
    silo.AddIsingSwarm(o =>
    {
        o.Backend = settings.Backend;
        o.Threads = settings.Threads;
        o.StateDirectory = settings.State;
    });
    if (settings.Clustering == SiloClustering.Redis)
    {
        // Registered after AddIsingSwarm under its storage name: it replaces the directory storage.
        silo.AddRedisGrainStorage(SwarmHosting.StorageName, (OptionsBuilder<RedisStorageOptions> storage) =>
            storage.Configure<Serializer>((o, serializer) =>
            {
                o.ConfigurationOptions = settings.Redis!.Clone();
                o.DeleteStateOnClear = true;   // a forgotten run leaves no keys behind (the default keeps an empty state)
                o.GrainStorageSerializer = new SwarmStateTextSerializer(serializer);
            }));
    }
});
builder.Services.AddSingleton(settings);
builder.Services.AddHostedService<SiloReport>();
using var host = builder.Build();
Console.WriteLine(settings.Clustering == SiloClustering.Redis
    ? $"ising-silo: silo port {settings.Port}, gateway {settings.Gateway} (clients: --cluster redis://{settings.RedisEndpoints}), " +
      $"advertised {settings.AdvertisedIP?.ToString() ?? "as this machine's address"}, membership and states in Redis {settings.RedisEndpoints}, cluster '{settings.ClusterId}'"
    : $"ising-silo: silo port {settings.Port}, gateway {settings.Gateway} (clients: --cluster localhost:{settings.Gateway}), " +
      $"primary 127.0.0.1:{settings.Primary ?? settings.Port}, cluster '{settings.ClusterId}'");
try
{
    await host.RunAsync();
}
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or BackendUnavailableException
                              or StackExchange.Redis.RedisException or Orleans.Runtime.OrleansException)
{
    Console.Error.WriteLine($"ising-silo: {e.GetType().Name}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : "")}");
    return 1;
}
return 0;

// A TCP port some socket listens on (any address): a plain bind to it fails. SO_REUSEADDR alone
// (no SO_REUSEPORT) lets the probe pass over connections a stopped silo left in TIME_WAIT.
static void RefuseIfInUse(string option, int port)
{
    using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
        System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
    if (OperatingSystem.IsLinux())
        probe.SetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
    try
    {
        probe.Bind(new IPEndPoint(IPAddress.Any, port));
    }
    catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
    {
        throw new ArgumentException($"{option}: port {port} is in use (another silo or program listens on it); give a free port.");
    }
}

// The state directory exists (or can be made) and takes files, checked before the silo starts.
static void RequireWritableDirectory(string dir)
{
    if (File.Exists(dir)) throw new ArgumentException($"--state: '{dir}' is a file, not a directory.");
    try
    {
        Directory.CreateDirectory(dir);
        string probe = Path.Combine(dir, $".ising-silo-probe-{Environment.ProcessId}");
        File.WriteAllBytes(probe, []);
        File.Delete(probe);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        throw new ArgumentException($"--state: the directory '{dir}' cannot hold the agents' states: {e.Message}");
    }
}

/// <summary>Says what the silo hosts: its engine and ports at start, the block rounds it computed every few seconds while it works.</summary>
internal sealed class SiloReport(SwarmSiloEngine engine, IOptions<SwarmSiloOptions> options, SiloSettings settings,
    ILoggerFactory logs, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var log = logs.CreateLogger("ising-silo");
        lifetime.ApplicationStarted.Register(() => log.LogInformation(
            "ising-silo ready: swarm blocks on engine {Backend}, state {State}; Ctrl+C stops", engine.Engine.BackendName,
            settings.Clustering == SiloClustering.Redis ? $"in Redis {settings.RedisEndpoints}"
            : options.Value.StateDirectory is { } d ? Path.GetFullPath(d) : "in memory (lost with this silo)"));
        lifetime.ApplicationStopping.Register(() => log.LogInformation("ising-silo stopping: blocks deactivate, checkpoints stay in the state store"));
        SwarmSiloStats last = default;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                var now = engine.Stats;
                if (now == last) continue;
                log.LogInformation("hosted blocks: {Steps} block rounds ({Agents} agent rounds, {Empathies} empathies); boundary fetched {Bytes} bytes ({Full} agents in full, {Deltas} as spins only)",
                    now.BlockSteps - last.BlockSteps, now.AgentSteps - last.AgentSteps, now.Empathies - last.Empathies,
                    now.Fetched.Bytes - last.Fetched.Bytes, now.Fetched.Full - last.Fetched.Full, now.Fetched.Deltas - last.Fetched.Deltas);
                last = now;
            }
        }
        catch (OperationCanceledException) { }
    }
}
