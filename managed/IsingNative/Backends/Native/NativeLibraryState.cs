using System.Runtime.InteropServices;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// Whether the native library can be used by this process, decided once: it must load
/// (<see cref="NativeLibraryResolver"/>), have the bindings' major version
/// (<c>isn_version() / 10000 == ISN_VERSION / 10000</c>) and the bindings' struct layouts
/// (<see cref="NativeAbi"/>). No native function other than the version and introspection
/// ones is called before all three hold.
/// </summary>
internal sealed class NativeLibraryState
{
    private static readonly Lazy<NativeLibraryState> Instance = new(Determine, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The state of this process's library (probed on first use).</summary>
    public static NativeLibraryState Current => Instance.Value;

    /// <summary>True when the native backends may call into the library.</summary>
    public bool Usable { get; }

    /// <summary>The loaded file, or null.</summary>
    public string? LibraryPath { get; }

    /// <summary><c>isn_version_string()</c> ("1.0.0+cpu+hip"), or null when not loaded.</summary>
    public string? VersionString { get; }

    /// <summary>"path, version" when usable; otherwise why not, with every path tried.</summary>
    public string Detail { get; }

    private NativeLibraryState(bool usable, string? path, string? version, string detail)
    {
        Usable = usable; LibraryPath = path; VersionString = version; Detail = detail;
    }

    private static unsafe NativeLibraryState Determine()
    {
        NativeLoadResult load = NativeLibraryResolver.Load();
        if (!load.Loaded)
            return new NativeLibraryState(false, null, null, $"native library not found ({load.Describe()})");
        try
        {
            int version = IsingNativeApi.isn_version();
            string versionString = Marshal.PtrToStringUTF8((nint)IsingNativeApi.isn_version_string()) ?? "?";
            if (version / 10000 != IsingNativeApi.ISN_VERSION / 10000)
                return new NativeLibraryState(false, load.Path, versionString,
                    $"{load.Path} has version {versionString} (isn_version {version}) but the bindings need major version " +
                    $"{IsingNativeApi.ISN_VERSION / 10000} (ISN_VERSION {IsingNativeApi.ISN_VERSION})");
            List<string> abi = NativeAbi.Mismatches();
            if (abi.Count > 0)
                return new NativeLibraryState(false, load.Path, versionString,
                    $"{load.Path} ({versionString}) does not match the bindings' struct layouts: {string.Join("; ", abi)}");
            return new NativeLibraryState(true, load.Path, versionString, $"{load.Path}, version {versionString}");
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // A file named like the library that lacks the C API (an old or foreign build).
            return new NativeLibraryState(false, load.Path, null, $"{load.Path} is not a usable isingnative library: {e.Message}");
        }
    }
}
