namespace IsingNative;

/// <summary>Which compute backend an <see cref="IsingEngine"/> uses.</summary>
public enum BackendKind
{
    /// <summary>The best available backend (see <see cref="IsingEngine.AutoChoice"/>).</summary>
    Auto,
    /// <summary>The pure-managed reference implementation (always available).</summary>
    Managed,
    /// <summary>The native C++ CPU backend (C API over P/Invoke).</summary>
    NativeCpu,
    /// <summary>The native GPU backend (HIP/CUDA kernels behind the same C API).</summary>
    Gpu,
}

/// <summary>Describes one backend and whether it can be used here.</summary>
/// <param name="Kind">The backend.</param>
/// <param name="Name">Its short name: "managed", "native-cpu" or "gpu".</param>
/// <param name="Available">Whether <see cref="IsingEngine.Create"/> can create it.</param>
/// <param name="Detail">Why not, or what it runs on (device name, library version).</param>
public sealed record BackendInfo(BackendKind Kind, string Name, bool Available, string Detail);
