using System.Runtime.InteropServices;
using IsingNative.Backends.Native;

namespace IsingNative.Tests.Support;

/// <summary>
/// The fault hooks of the native library's test-only emulated-GPU flavour
/// (native/src/gpu/emulated_hooks.h), bound by hand from its GPU plug-in
/// (libisingnative_gpu, which the library loads from its own folder or from
/// <c>ISN_GPU_PLUGIN</c>): they are not part of the C API, so the generated bindings do not
/// have them. One binding serves every fixture that drives the emulated device.
/// </summary>
internal sealed unsafe class EmulatedGpuHooks
{
    // emulated_hooks.h
    public const int FaultAlloc = 1, FaultLaunch = 2, FaultKernel = 3;

    private readonly delegate* unmanaged<long, void> _setMemoryLimit;
    private readonly delegate* unmanaged<int, int, int> _fail;
    private readonly delegate* unmanaged<void> _reset;
    private readonly delegate* unmanaged<long> _allocatedBytes;
    private readonly delegate* unmanaged<long> _faultsFired;

    private EmulatedGpuHooks(nint lib, nint fail)
    {
        _fail = (delegate* unmanaged<int, int, int>)fail;
        _setMemoryLimit = (delegate* unmanaged<long, void>)NativeLibrary.GetExport(lib, "isn_emulated_gpu_set_memory_limit");
        _reset = (delegate* unmanaged<void>)NativeLibrary.GetExport(lib, "isn_emulated_gpu_reset");
        _allocatedBytes = (delegate* unmanaged<long>)NativeLibrary.GetExport(lib, "isn_emulated_gpu_allocated_bytes");
        _faultsFired = (delegate* unmanaged<long>)NativeLibrary.GetExport(lib, "isn_emulated_gpu_faults_fired");
    }

    /// <summary>
    /// The hooks of the loaded library's GPU plug-in; ignores the fixture, with the reason,
    /// where there is no plug-in, against any other flavour (the hooks exist only in the
    /// emulated one) or where the GPU backend is unavailable.
    /// </summary>
    public static EmulatedGpuHooks Bind()
    {
        NativeBackends.RequireLibrary();
        // The file the library loads (src/plugin/gpu_plugin_loader.cpp): the same handle then.
        string? env = Environment.GetEnvironmentVariable("ISN_GPU_PLUGIN");
        string plugin = !string.IsNullOrEmpty(env) ? env
            : Path.Combine(Path.GetDirectoryName(NativeLibraryState.Current.LibraryPath!)!, PluginFileName);
        if (!NativeLibrary.TryLoad(plugin, out nint lib))
            Assert.Ignore($"no loadable GPU plug-in at {plugin}: {NativeLibraryState.Current.Detail}");
        if (!NativeLibrary.TryGetExport(lib, "isn_emulated_gpu_fail", out nint fail))
            Assert.Ignore($"not the emulated-GPU flavour (no fault hooks in {plugin}): {NativeLibraryState.Current.Detail}");
        var hooks = new EmulatedGpuHooks(lib, fail);
        NativeBackends.RequireAvailable(BackendKind.Gpu);
        return hooks;
    }

    /// <summary>The platform's file name of the GPU plug-in (native/src/gpu_plugin_abi.h).</summary>
    private static string PluginFileName =>
        OperatingSystem.IsWindows() ? "isingnative_gpu.dll"
        : OperatingSystem.IsMacOS() ? "libisingnative_gpu.dylib"
        : "libisingnative_gpu.so";

    /// <summary>The (skip + 1)-th next operation of that kind fails, once; 0, or -1 for an unknown fault or a negative skip.</summary>
    public int Fail(int fault, int skip = 0) => _fail(fault, skip);

    public void SetMemoryLimit(long bytes) => _setMemoryLimit(bytes);

    public void Reset() => _reset();

    public long AllocatedBytes() => _allocatedBytes();

    public long FaultsFired() => _faultsFired();
}
