using System.Globalization;
using System.Net;
using IsingNative;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace IsingNative.Silo;

/// <summary>How the silos of a cluster find each other (docs/CLUSTER.md §5, §6).</summary>
internal enum SiloClustering
{
    /// <summary>One machine: a primary silo (the one without --primary) keeps the membership in its memory.</summary>
    Localhost,

    /// <summary>Any number of machines: the membership and the agents' states are kept in a Redis server.</summary>
    Redis,
}

/// <summary>
/// <c>ising-silo</c>'s settings, read the .NET way: the configuration keys of <see cref="Keys"/>
/// from <c>appsettings.json</c> beside the executable, then the file of <c>--config FILE</c>, then
/// <c>ISING_</c> environment variables (<c>ISING_Port</c>, <c>ISING_Redis__ConnectionString</c>),
/// then the command line, later sources winning. The command line takes the options of
/// <see cref="Options"/> (<c>--port 11111</c> is the key <c>Port</c>) and any key by its own
/// name (<c>--Redis:ConnectionString=HOST:PORT</c>). <see cref="Bind"/> checks every value and
/// throws <see cref="ArgumentException"/> naming the option and the value; the host exits with
/// code 2 on it before anything starts.
/// </summary>
internal sealed class SiloSettings
{
    /// <summary>An option: its command-line switch, its configuration key, what it is.</summary>
    internal sealed record Option(string Switch, string Key, string Help);

    /// <summary>Every option, in --help's order. The key is what appsettings.json and ISING_ variables set.</summary>
    internal static readonly Option[] Options =
    [
        new("--port", "Port", "silo-to-silo port (default 11111)"),
        new("--gateway", "Gateway", "client gateway port (default 30000): `ising simulate --cluster localhost:30000`"),
        new("--clustering", "Clustering", "localhost or redis (default: redis when a Redis connection string is set, else localhost)"),
        new("--redis", "Redis:ConnectionString", "the Redis server of the membership and the agents' states, HOST:PORT (a StackExchange.Redis\n" +
            "                  connection string: more HOST:PORTs, password=..., ssl=true; redis clustering)"),
        new("--advertise", "AdvertisedIP", "the IP address the other silos and the clients reach this silo at (redis clustering;\n" +
            "                  default: this machine's first address)"),
        new("--primary", "Primary", "the primary silo's port on this machine (localhost clustering; default: this silo's --port,\n" +
            "                  i.e. it is the primary)"),
        new("--state", "State", "directory of the swarm blocks' checkpoints (localhost clustering; shared by every silo;\n" +
            "                  default: memory, which does not survive this silo). With redis they are kept in Redis"),
        new("--backend", "Backend", "the silo engine's backend: auto, managed, native-cpu or gpu (default auto: the GPU where\n" +
            "                  present, else the CPU)"),
        new("--threads", "Threads", "the engine's worker threads (default: every core)"),
        new("--cluster-id", "ClusterId", "Orleans cluster id (default ising)"),
        new("--service-id", "ServiceId", "Orleans service id (default ising)"),
        new("--config", "Config", "a JSON file of these keys, read after appsettings.json beside ising-silo"),
    ];

    /// <summary>The configuration keys (the settings' names in appsettings.json; ISING_ + the key, ':' as "__", in the environment).</summary>
    internal static IEnumerable<string> Keys => Options.Select(o => o.Key);

    public int Port { get; private init; } = 11111;
    public int Gateway { get; private init; } = 30000;
    public SiloClustering Clustering { get; private init; }

    /// <summary>The Redis server (redis clustering only).</summary>
    public ConfigurationOptions? Redis { get; private init; }

    /// <summary>The Redis server's HOST:PORTs, comma-separated (no password), for messages.</summary>
    public string RedisEndpoints => Redis is null ? "" : string.Join(',', Redis.EndPoints.Select(e => e switch
    {
        DnsEndPoint d => $"{d.Host}:{d.Port}",
        _ => e.ToString(),
    }));

    public IPAddress? AdvertisedIP { get; private init; }
    public int? Primary { get; private init; }
    public string? State { get; private init; }
    public BackendKind Backend { get; private init; } = BackendKind.Auto;
    public int? Threads { get; private init; }
    public string ClusterId { get; private init; } = "ising";
    public string ServiceId { get; private init; } = "ising";

    /// <summary>--help's text.</summary>
    internal static string Usage()
    {
        var text = new System.Text.StringBuilder("""
            usage: ising-silo [--port 11111] [--gateway 30000] [--clustering localhost|redis] [--redis HOST:PORT]
                              [--advertise IP] [--primary PORT] [--state DIR] [--backend auto|managed|native-cpu|gpu]
                              [--threads N] [--cluster-id ID] [--service-id ID] [--config FILE]


            """);
        foreach (var o in Options) text.Append(CultureInfo.InvariantCulture, $"  {o.Switch,-15} {o.Help}\n");
        text.Append("""

            Every option is also a configuration key, in the options' order:
            """);
        text.Append(' ').AppendJoin(", ", Keys).Append('.').Append("""

            (--port is Port, --redis is Redis:ConnectionString), read from appsettings.json beside ising-silo, then
            --config FILE, then ISING_ environment variables (ISING_Port=11112, ISING_Redis__ConnectionString=10.0.0.5:6379),
            then the command line (the options, or --Key VALUE); the later source wins. Stops cleanly on Ctrl+C.
            """);
        return text.ToString();
    }

    /// <summary>
    /// The configuration of <paramref name="args"/>, the environment and the JSON files. Throws
    /// <see cref="ArgumentException"/> for an argument that is not an option (or misses its value)
    /// and for a JSON file that cannot be read.
    /// </summary>
    internal static ConfigurationManager Configuration(string[] args, string baseDirectory)
    {
        CheckArguments(args);
        var switches = Options.ToDictionary(o => o.Switch, o => o.Key, StringComparer.OrdinalIgnoreCase);
        // --config is itself configuration (ISING_Config works too): read it first, the files go beneath the rest.
        var first = new ConfigurationBuilder().AddEnvironmentVariables("ISING_").AddCommandLine(args, switches).Build();
        string? file = first["Config"];

        var configuration = new ConfigurationManager();
        string beside = Path.Combine(baseDirectory, "appsettings.json");
        AddJson(configuration, beside, optional: true, "appsettings.json beside ising-silo");
        if (file is not null)
        {
            if (file.Length == 0) throw new ArgumentException("--config: the file name is empty.");
            if (!File.Exists(file)) throw new ArgumentException($"--config: '{file}' does not exist.");
            AddJson(configuration, Path.GetFullPath(file), optional: false, "--config");
        }
        configuration.AddEnvironmentVariables("ISING_");
        configuration.AddCommandLine(args, switches);
        return configuration;
    }

    // ConfigurationManager loads a source as it is added: a file that is not JSON fails here, named.
    private static void AddJson(ConfigurationManager configuration, string path, bool optional, string what)
    {
        try
        {
            configuration.AddJsonFile(path, optional, reloadOnChange: false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            string why = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new ArgumentException($"{what}: '{path}' cannot be read as JSON settings: {why}");
        }
    }

    /// <summary>
    /// Every argument is an option with its value (<c>--port 11111</c>, <c>--port=11111</c>) or a
    /// configuration key (<c>--Redis:ConnectionString=HOST:PORT</c>, <c>--Port 11111</c>): a
    /// misspelled option is an error, as it always was, not a key nobody reads.
    /// </summary>
    private static void CheckArguments(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
                throw new ArgumentException($"{a}: unexpected argument (options are --name VALUE; see --help).");
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? a : a[..eq];
            string key = name[2..];
            bool known = Options.Any(o => string.Equals(o.Switch, name, StringComparison.OrdinalIgnoreCase))
                || Keys.Contains(key, StringComparer.OrdinalIgnoreCase)
                || key.Contains(':', StringComparison.Ordinal);   // a section's key: Redis:ConnectionString, Logging:LogLevel:Default
            if (!known) throw new ArgumentException($"{name}: unknown option (see --help).");
            if (eq < 0)
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"{name}: a value is missing.");
                i++;
            }
        }
    }

    /// <summary>The settings of <paramref name="c"/>, every value checked; bad ones throw naming the option and the value.</summary>
    internal static SiloSettings Bind(IConfiguration c)
    {
        string? redisText = c["Redis:ConnectionString"];
        string? clusteringText = c["Clustering"];
        SiloClustering clustering = clusteringText is null
            ? redisText is null ? SiloClustering.Localhost : SiloClustering.Redis
            : clusteringText.ToLowerInvariant() switch
            {
                "localhost" => SiloClustering.Localhost,
                "redis" => SiloClustering.Redis,
                _ => throw Bad("Clustering", $"expected localhost or redis, got '{clusteringText}'."),
            };

        ConfigurationOptions? redis = null;
        IPAddress? advertised = null;
        string? state = c["State"];
        int? primary = OptionalInt(c, "Primary", 1, 65535);
        if (clustering == SiloClustering.Redis)
        {
            if (redisText is null)
                throw Bad("Redis:ConnectionString", "redis clustering needs the Redis server, e.g. --redis 127.0.0.1:6379 (key Redis:ConnectionString).");
            redis = ParseRedis(redisText);
            if (c["AdvertisedIP"] is { } ip)
            {
                if (!IPAddress.TryParse(ip, out advertised) || ip.Contains('/', StringComparison.Ordinal))
                    throw Bad("AdvertisedIP", $"expected an IP address (e.g. 10.0.0.11), got '{ip}'.");
            }
            if (state is not null)
                throw Bad("State", $"not used with redis clustering (the agents' states are kept in Redis); was '{state}'.");
            if (primary is not null)
                throw Bad("Primary", $"not used with redis clustering (every silo finds the others in Redis); was {primary}.");
        }
        else if (c["AdvertisedIP"] is { } ip)
        {
            throw Bad("AdvertisedIP", $"only with redis clustering (localhost clustering advertises 127.0.0.1); was '{ip}'.");
        }
        if (state is { Length: 0 }) throw Bad("State", "the directory is empty.");

        string backendText = c["Backend"] ?? "auto";
        var backend = backendText.ToLowerInvariant() switch
        {
            "auto" => BackendKind.Auto,
            "managed" => BackendKind.Managed,
            "native-cpu" or "nativecpu" => BackendKind.NativeCpu,
            "gpu" => BackendKind.Gpu,
            _ => throw Bad("Backend", $"expected auto, managed, native-cpu or gpu, got '{backendText}'."),
        };

        var settings = new SiloSettings
        {
            Port = OptionalInt(c, "Port", 1, 65535) ?? 11111,
            Gateway = OptionalInt(c, "Gateway", 1, 65535) ?? 30000,
            Clustering = clustering,
            Redis = redis,
            AdvertisedIP = advertised,
            Primary = primary,
            State = state,
            Backend = backend,
            Threads = OptionalInt(c, "Threads", 1, 4096),
            ClusterId = Id(c, "ClusterId"),
            ServiceId = Id(c, "ServiceId"),
        };
        if (settings.Port == settings.Gateway)
            throw Bad("Gateway", $"the gateway port must differ from --port ({settings.Port}).");
        return settings;
    }

    /// <summary>A StackExchange.Redis connection string with at least one endpoint.</summary>
    private static ConfigurationOptions ParseRedis(string text)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw Bad("Redis:ConnectionString", $"expected HOST:PORT[,HOST:PORT...][,option=value...], got '{text}': {e.Message}");
        }
        if (options.EndPoints.Count == 0)
            throw Bad("Redis:ConnectionString", $"expected HOST:PORT[,HOST:PORT...][,option=value...], got '{text}' (no HOST:PORT).");
        return options;
    }

    private static string Id(IConfiguration c, string key)
    {
        string value = c[key] ?? "ising";
        return value.Trim().Length > 0 ? value : throw Bad(key, $"expected a non-empty id, got '{value}'.");
    }

    private static int? OptionalInt(IConfiguration c, string key, int min, int max)
    {
        string? value = c[key];
        if (value is null) return null;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v
            : throw Bad(key, $"expected an integer in [{min}, {max}], got '{value}'.");
    }

    /// <summary>The option's switch (--port) names it in a message, whichever source set it.</summary>
    internal static string SwitchOf(string key) =>
        Options.FirstOrDefault(o => string.Equals(o.Key, key, StringComparison.OrdinalIgnoreCase))?.Switch ?? key;

    private static ArgumentException Bad(string key, string message) => new($"{SwitchOf(key)}: {message}");
}
