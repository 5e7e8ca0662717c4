using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace IsingNative.Interop;

/// <summary>
/// Finds and loads the native engine ("isingnative") for the generated P/Invoke bindings.
/// Probes, in order: <c>ISINGNATIVE_LIBRARY_PATH</c> (a file, or a folder holding the
/// library); <c>runtimes/&lt;rid&gt;/native/</c> next to this assembly (NuGet layout); the
/// assembly's folder; the repository's CMake output (<c>build/native/native/</c> in the
/// assembly's folder or any folder above it, so tests and the CLI inside the repository find
/// it); finally the operating system's default search.
/// </summary>
/// <remarks>
/// An explicit <c>ISINGNATIVE_LIBRARY_PATH</c> is authoritative: when it is set and does not
/// hold a loadable library, nothing else is probed. That is how a user forces "no native
/// library" (e.g. <c>ISINGNATIVE_LIBRARY_PATH=/nonexistent</c>) even inside the repository.
/// The probe runs once per process; every path tried is recorded for error messages.
/// </remarks>
internal static class NativeLibraryResolver
{
    /// <summary>The environment variable that names the library file or its folder.</summary>
    public const string EnvironmentVariable = "ISINGNATIVE_LIBRARY_PATH";

    private static readonly Lock Gate = new();
    private static NativeLoadResult? _result;

    /// <summary>The platform's file name of the library.</summary>
    public static string FileName =>
        OperatingSystem.IsWindows() ? "isingnative.dll"
        : OperatingSystem.IsMacOS() ? "libisingnative.dylib"
        : "libisingnative.so";

    /// <summary>
    /// Loads the library once (thread-safe) and installs the resolver, so the generated
    /// <c>[LibraryImport("isingnative")]</c> functions bind to exactly the file found here.
    /// </summary>
    public static NativeLoadResult Load()
    {
        lock (Gate)
        {
            if (_result is not null) return _result;
            _result = Probe(Environment.GetEnvironmentVariable(EnvironmentVariable), AppContext.BaseDirectory, AssemblyDirectory());
            if (_result.Handle != 0)
            {
                nint handle = _result.Handle;
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly,
                    (name, _, _) => name == IsingNativeApi.LibraryName ? handle : 0);
            }
            return _result;
        }
    }

    /// <summary>This assembly's folder; null in a single-file app, where the base directory is probed instead.</summary>
    [UnconditionalSuppressMessage("SingleFile", "IL3000",
        Justification = "An empty Location (single-file app) is handled: the probe falls back to AppContext.BaseDirectory.")]
    private static string? AssemblyDirectory()
    {
        string location = typeof(NativeLibraryResolver).Assembly.Location;
        return string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
    }

    /// <summary>
    /// The probe itself (no global state; tests call it with their own inputs).
    /// </summary>
    /// <param name="envValue">The environment variable's value, or null/empty when unset.</param>
    /// <param name="baseDirectory">The application's base folder.</param>
    /// <param name="assemblyDirectory">This assembly's folder (may be null or empty, e.g. single-file apps).</param>
    public static NativeLoadResult Probe(string? envValue, string? baseDirectory, string? assemblyDirectory)
    {
        var tried = new List<string>();
        if (!string.IsNullOrEmpty(envValue))
        {
            string candidate = Directory.Exists(envValue) ? Path.Combine(envValue, FileName) : envValue;
            if (TryLoadFile(candidate, tried, out nint h, out string? p)) return new NativeLoadResult(h, p, tried);
            tried.Add($"(nothing else probed: {EnvironmentVariable}={envValue} is set)");
            return new NativeLoadResult(0, null, tried);
        }

        foreach (string candidate in Candidates(baseDirectory, assemblyDirectory))
            if (TryLoadFile(candidate, tried, out nint h, out string? p)) return new NativeLoadResult(h, p, tried);

        // The OS search (LD_LIBRARY_PATH, /usr/lib, PATH on Windows, ...).
        tried.Add($"default OS search for '{IsingNativeApi.LibraryName}'");
        if (NativeLibrary.TryLoad(IsingNativeApi.LibraryName, typeof(NativeLibraryResolver).Assembly,
                DllImportSearchPath.SafeDirectories | DllImportSearchPath.UseDllDirectoryForDependencies, out nint os)
            || NativeLibrary.TryLoad(FileName, out os))
            return new NativeLoadResult(os, $"(OS search) {FileName}", tried);
        return new NativeLoadResult(0, null, tried);
    }

    /// <summary>The file candidates after the environment variable, in probe order, without duplicates.</summary>
    private static IEnumerable<string> Candidates(string? baseDirectory, string? assemblyDirectory)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var roots = new List<string>();
        if (!string.IsNullOrEmpty(assemblyDirectory)) roots.Add(Path.GetFullPath(assemblyDirectory));
        if (!string.IsNullOrEmpty(baseDirectory)) roots.Add(Path.GetFullPath(baseDirectory));

        foreach (string root in roots)
            foreach (string rid in RuntimeIds())
            {
                string c = Path.Combine(root, "runtimes", rid, "native", FileName);
                if (seen.Add(c)) yield return c;
            }
        foreach (string root in roots)
        {
            string c = Path.Combine(root, FileName);
            if (seen.Add(c)) yield return c;
        }
        // The repository's CMake build: walk up from the assembly to the first folder with build/native/native/.
        foreach (string root in roots)
        {
            for (DirectoryInfo? d = new(root); d is not null; d = d.Parent)
            {
                string dir = Path.Combine(d.FullName, "build", "native", "native");
                if (!Directory.Exists(dir)) continue;
                string c = Path.Combine(dir, FileName);
                if (seen.Add(c)) yield return c;
                break;
            }
        }
    }

    /// <summary>The RID of this process, then its portable form (linux-x64 for linux-musl-x64 etc.).</summary>
    private static IEnumerable<string> RuntimeIds()
    {
        string rid = RuntimeInformation.RuntimeIdentifier;
        yield return rid;
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string portable = $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        if (portable != rid) yield return portable;
    }

    private static bool TryLoadFile(string candidate, List<string> tried, out nint handle, out string? path)
    {
        handle = 0;
        path = null;
        string full = Path.GetFullPath(candidate);
        if (!File.Exists(full))
        {
            tried.Add($"{full} (not found)");
            return false;
        }
        try
        {
            handle = NativeLibrary.Load(full);
            path = full;
            tried.Add($"{full} (loaded)");
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            // Present but not loadable (wrong architecture, a missing dependency). The GPU runtime is
            // never one: the library loads its GPU plug-in (libisingnative_gpu) itself, on first GPU use.
            tried.Add($"{full} (failed to load: {e.Message})");
            return false;
        }
    }
}

/// <summary>The outcome of <see cref="NativeLibraryResolver.Probe"/>.</summary>
/// <param name="Handle">The OS handle of the loaded library, or 0.</param>
/// <param name="Path">The file that loaded, or null.</param>
/// <param name="Tried">Every candidate in probe order, each with what happened.</param>
internal sealed record NativeLoadResult(nint Handle, string? Path, IReadOnlyList<string> Tried)
{
    /// <summary>True when a library file loaded.</summary>
    public bool Loaded => Handle != 0;

    /// <summary>"looked for libisingnative.so in: a (not found); b (not found); ...".</summary>
    public string Describe() =>
        $"looked for {NativeLibraryResolver.FileName} in: {string.Join("; ", Tried)}";
}
