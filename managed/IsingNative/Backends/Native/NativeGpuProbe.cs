using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// Whether a GPU context can be created here, decided once per process: the library is
/// usable, <c>isn_gpu_device_count</c> is positive and <c>isn_context_create_gpu(0)</c>
/// succeeds (a throwaway context, destroyed at once). The detail is the device description
/// or the reason (e.g. the library's "no GPU device is available (hipGetDeviceCount: ...)", or
/// "no GPU support: the GPU plug-in '.../libisingnative_gpu.so' could not be loaded: &lt;the loader's
/// message&gt;" where the plug-in or its runtime is missing).
/// </summary>
internal static class NativeGpuProbe
{
    private static readonly Lazy<(bool Available, string Detail)> Result = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when the Gpu backend can be created.</summary>
    public static bool Available => Result.Value.Available;

    /// <summary>The device description, or why there is no usable GPU.</summary>
    public static string Detail => Result.Value.Detail;

    private static unsafe (bool, string) Probe()
    {
        NativeLibraryState lib = NativeLibraryState.Current;
        if (!lib.Usable) return (false, lib.Detail);
        int count = 0;
        IsnStatus st = IsingNativeApi.isn_gpu_device_count(&count);
        if (st != IsnStatus.Ok) return (false, $"isn_gpu_device_count failed: {NativeErrors.LastMessage()}");
        try
        {
            // Also when count == 0: the creation's message says why (no device, or a CPU-only build).
            using NativeContextHandle ctx = NativeContextHandle.CreateGpu(0);
            string description = ctx.Describe(BackendKind.Gpu);
            return count > 0
                ? (true, $"{description}; {count} device(s); {lib.Detail}")
                : (false, $"isn_gpu_device_count reports 0 devices although a context opened ({description})");
        }
        catch (Exception e) when (e is BackendUnavailableException or NativeBackendException)
        {
            return (false, $"{e.Message} ({count} device(s); library {lib.VersionString})");
        }
    }
}
