using System.Globalization;
using System.Net;
using IsingNative;
using IsingNative.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

// ising-silo: hosts swarm agents for `ising simulate --cluster HOST:PORT` (docs/CLUSTER.md).
// Localhost clustering: the first silo (the primary, --port 11111 by default) keeps the
// membership; more silos on this machine join it with their own --port/--gateway and
// --primary 11111. Real deployments replace UseLocalhostClustering with a served membership
// provider (docs/CLUSTER.md §6).

const string Usage = """
    usage: ising-silo [--port 11111] [--gateway 30000] [--primary PORT] [--state DIR]
                      [--backend auto|managed|native-cpu|gpu] [--threads N] [--batch-window MS]
                      [--cluster-id ID] [--service-id ID]

      --port          silo-to-silo port (default 11111)
      --gateway       client gateway port (default 30000): `ising simulate --cluster localhost:30000`
      --primary       the primary silo's port on this machine (default: this silo's --port, i.e. it is the primary)
      --state         directory of the agents' committed states (shared by every silo; default: memory,
                      which does not survive this silo)
      --backend       the silo engine's backend (default auto: the GPU where present, else the CPU)
      --threads       the engine's worker threads (default: every core)
      --batch-window  milliseconds the batcher waits for more agents before an engine call (default 1)
      --cluster-id    Orleans cluster id (default ising); --service-id: service id (default ising)
    Stops cleanly on Ctrl+C.
    """;

int port = 11111, gateway = 30000;
int? primary = null, threads = null;
string? state = null;
string clusterId = "ising", serviceId = "ising";
var backend = BackendKind.Auto;
double window = 1;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string name = args[i];
        if (name is "-h" or "--help") { Console.WriteLine(Usage); return 0; }
        if (i + 1 >= args.Length) throw new ArgumentException($"{name}: a value is missing.");
        string value = args[++i];
        switch (name)
        {
            case "--port": port = Port(name, value); break;
            case "--gateway": gateway = Port(name, value); break;
            case "--primary": primary = Port(name, value); break;
            case "--state": state = value.Length > 0 ? value : throw new ArgumentException("--state: the directory is empty."); break;
            case "--threads": threads = Int(name, value, 1, 4096); break;
            case "--batch-window":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out window) || !double.IsFinite(window) || window < 0 || window > 10_000)
                    throw new ArgumentException($"--batch-window: expected milliseconds in [0, 10000], got '{value}'.");
                break;
            case "--backend":
                backend = value switch
                {
                    "auto" => BackendKind.Auto,
                    "managed" => BackendKind.Managed,
                    "native-cpu" => BackendKind.NativeCpu,
                    "gpu" => BackendKind.Gpu,
                    _ => throw new ArgumentException($"--backend: expected auto, managed, native-cpu or gpu, got '{value}'."),
                };
                break;
            case "--cluster-id": clusterId = value; break;
            case "--service-id": serviceId = value; break;
            default: throw new ArgumentException($"{name}: unknown option (see --help).");
        }
    }
    if (port == gateway) throw new ArgumentException($"--gateway: the gateway port must differ from --port ({port}).");
    // Orleans' listeners reuse their ports (SO_REUSEPORT), so a silo started on ports another one
    // holds would say it is ready and share them: the kernel would split connections between the two.
    RefuseIfInUse("--port", port);
    RefuseIfInUse("--gateway", gateway);
    if (state is not null) RequireWritableDirectory(state);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"ising-silo: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

var builder = Host.CreateApplicationBuilder();
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
    silo.UseLocalhostClustering(port, gateway, new IPEndPoint(IPAddress.Loopback, primary ?? port), serviceId, clusterId);
    silo.AddIsingSwarm(o =>
    {
        o.Backend = backend;
        o.Threads = threads;
        o.BatchWindow = TimeSpan.FromMilliseconds(window);
        o.StateDirectory = state;
    });
});
builder.Services.AddHostedService<SiloReport>();
using var host = builder.Build();
Console.WriteLine($"ising-silo: silo port {port}, gateway {gateway} (clients: --cluster localhost:{gateway}), primary 127.0.0.1:{primary ?? port}, cluster '{clusterId}'");
try
{
    await host.RunAsync();
}
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or BackendUnavailableException)
{
    Console.Error.WriteLine($"ising-silo: {e.GetType().Name}: {e.Message}");
    return 1;
}
return 0;

static int Port(string name, string value) => Int(name, value, 1, 65535);

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

static int Int(string name, string value, int min, int max) =>
    int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
        ? v
        : throw new ArgumentException($"{name}: expected an integer in [{min}, {max}], got '{value}'.");

/// <summary>Says what the silo hosts: its engine and ports at start, the batches it ran every few seconds while it works.</summary>
internal sealed class SiloReport(SwarmEmpathyBatcher batcher, Microsoft.Extensions.Options.IOptions<SwarmSiloOptions> options,
    ILoggerFactory logs, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var log = logs.CreateLogger("ising-silo");
        lifetime.ApplicationStarted.Register(() => log.LogInformation(
            "ising-silo ready: swarm agents on engine {Backend}, state {State}; Ctrl+C stops", batcher.Engine.BackendName,
            options.Value.StateDirectory is { } d ? Path.GetFullPath(d) : "in memory (lost with this silo)"));
        lifetime.ApplicationStopping.Register(() => log.LogInformation("ising-silo stopping: agents deactivate, committed rounds stay in the state store"));
        SwarmBatcherStats last = default;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                var now = batcher.Stats;
                if (now == last) continue;
                log.LogInformation("hosted agents' empathies: {Requests} agent requests, {Pairs} pairs in {Batches} engine calls (largest {MaxPairs} pairs, {MaxRequests} agents)",
                    now.Requests - last.Requests, now.Pairs - last.Pairs, now.Batches - last.Batches, now.MaxPairs, now.MaxRequests);
                last = now;
            }
        }
        catch (OperationCanceledException) { }
    }
}
