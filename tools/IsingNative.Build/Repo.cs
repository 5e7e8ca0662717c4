namespace IsingNative.Build;

/// <summary>
/// The repository and the settings a build reads from the environment (README, "Building"):
/// CONFIG, ISN_HIP, ISN_CUDA, ISN_HIP_TARGETS, ISN_HIP_CPU_DIR, FUZZ_SECONDS and CI.
/// </summary>
public sealed class Repo
{
    public string Root { get; }
    public string Config { get; } = Env("CONFIG") ?? "Release";
    public string Hip { get; } = Env("ISN_HIP") ?? "AUTO";
    public string Cuda { get; } = Env("ISN_CUDA") ?? "AUTO";
    public string HipTargets { get; } = Env("ISN_HIP_TARGETS") ?? "";
    public string? HipCpuDir { get; } = Env("ISN_HIP_CPU_DIR");
    public bool UnderCi { get; } = Environment.GetEnvironmentVariable("CI") == "true";
    public string Jobs { get; } = Environment.ProcessorCount.ToString();

    public string NativeBuild => Path.Combine(Root, "build", "native");
    public string EmuBuild => Path.Combine(Root, "build", "emu");
    public string CliDll => Path.Combine(Root, "managed", "IsingNative.Cli", "bin", Config, "net10.0", "ising.dll");

    public static string LibFile(string name) =>
        OperatingSystem.IsWindows() ? $"{name}.dll" : OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so";

    public Repo(string root)
    {
        Root = root;
        Directory.SetCurrentDirectory(root);
    }

    /// <summary>The repository holding this driver: the first folder above it with IsingNative.sln.</summary>
    public static Repo Locate()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IsingNative.sln"))) return new Repo(d.FullName);
        throw new InvalidOperationException($"no IsingNative.sln above {AppContext.BaseDirectory}");
    }

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>The folder holding the first file of this name under <paramref name="dir"/>, or null.</summary>
    public static string? FolderOf(string dir, string fileName)
    {
        if (!Directory.Exists(dir)) return null;
        string? f = Directory.EnumerateFiles(dir, fileName, SearchOption.AllDirectories).FirstOrDefault();
        return f is null ? null : Path.GetDirectoryName(f);
    }

    public string? NativeLibDir => FolderOf(NativeBuild, LibFile("isingnative"));
    public string? EmuLibDir => FolderOf(EmuBuild, LibFile("isingnative"));

    /// <summary>ISINGNATIVE_LIBRARY_PATH for a child that should load the library of <paramref name="dir"/> (none: nothing set).</summary>
    public static IReadOnlyDictionary<string, string>? LibraryPath(string? dir) =>
        dir is null ? null : new Dictionary<string, string> { ["ISINGNATIVE_LIBRARY_PATH"] = dir };

    /// <summary>One entry of a CMake cache ("" when absent), whatever its type.</summary>
    public static string CacheValue(string buildDir, string key)
    {
        string cache = Path.Combine(buildDir, "CMakeCache.txt");
        if (!File.Exists(cache)) return "";
        foreach (string line in File.ReadLines(cache))
        {
            int colon = line.IndexOf(':'), eq = line.IndexOf('=');
            if (colon > 0 && eq > colon && line.AsSpan(0, colon).SequenceEqual(key)) return line[(eq + 1)..];
        }
        return "";
    }
}
