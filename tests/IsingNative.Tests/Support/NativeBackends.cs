using IsingNative.Backends.Native;

namespace IsingNative.Tests.Support;

/// <summary>
/// The native backends as test cases: each test asks <see cref="RequireAvailable"/> and is
/// ignored (with the reason the engine reports) where the backend is absent, so the suite
/// passes with and without the native library and GPU.
/// </summary>
internal static class NativeBackends
{
    /// <summary>NativeCpu and Gpu, always both (absent ones are ignored by the test).</summary>
    public static IEnumerable<BackendKind> Kinds() => [BackendKind.NativeCpu, BackendKind.Gpu];

    /// <summary>Ignores the current test, with the engine's reason, unless <paramref name="kind"/> is available.</summary>
    public static void RequireAvailable(BackendKind kind)
    {
        BackendInfo info = IsingEngine.DescribeBackends().Single(b => b.Kind == kind);
        if (!info.Available) Assert.Ignore($"{info.Name} unavailable here: {info.Detail}");
    }

    /// <summary>Ignores the current test unless the native library loaded and passed its checks.</summary>
    public static void RequireLibrary()
    {
        if (!NativeLibraryState.Current.Usable) Assert.Ignore($"native library unavailable here: {NativeLibraryState.Current.Detail}");
    }
}
