using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// Whether a GPU context can be created here, decided once per process: the library is
/// usable, <c>isn_gpu_device_count</c> is positive and <c>isn_context_create_gpu(0)</c>
/// succeeds (a throwaway context, destroyed at once). The detail is the device description
/// or the reason, as the plug-ins give it (e.g. "no GPU device is available (hipGetDeviceCount: ...;
/// this plug-in carries code objects for gfx1151, ...)", a GPU whose ISA the plug-in does not carry,
/// the HIP runtime missing or too old, or "no GPU support: the GPU plug-in '.../libisingnative_gpu.so'
/// could not be loaded: &lt;the loader's message&gt;").
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
        catch (BackendUnavailableException e)
        {
            return (false, $"{e.Reason ?? e.Message} ({count} device(s); library {lib.VersionString})");
        }
        catch (NativeBackendException e)
        {
            return (false, $"{e.Message} ({count} device(s); library {lib.VersionString})");
        }
    }
}
