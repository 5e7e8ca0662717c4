using System.Runtime.InteropServices;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// Turns native status codes into the managed API's exceptions, carrying the library's
/// message (<c>isn_last_error_message</c>, which is per thread, so it is read right after
/// the failing call on the same thread).
/// </summary>
internal static partial class NativeErrors
{
    /// <summary>Returns when <paramref name="status"/> is OK, else throws the matching exception.</summary>
    /// <param name="status">What the native function returned.</param>
    /// <param name="backend">The backend that made the call (named by BackendUnavailableException).</param>
    public static void Check(IsnStatus status, BackendKind backend)
    {
        if (status != IsnStatus.Ok) Throw(status, backend);
    }

    /// <summary>The message of this thread's last native call ("" when it succeeded).</summary>
    public static unsafe string LastMessage() => Marshal.PtrToStringUTF8((nint)IsingNativeApi.isn_last_error_message()) ?? "";

    /// <summary>The exception for a failed status (split out so <see cref="Check"/> stays small and inlinable).</summary>
    public static Exception Create(IsnStatus status, BackendKind backend, string message)
    {
        string text = message.Length == 0 ? $"native call failed with status {status}" : message;
        return status switch
        {
            IsnStatus.InvalidArgument => new ArgumentException(text),
            IsnStatus.DeviceUnavailable => Unavailable(backend, text),
            _ => new NativeBackendException((int)status, $"{text} (native status {(int)status} {status})"),
        };
    }

    /// <summary>
    /// A backend that cannot run here: the reason is the library's message without the C function's
    /// name it starts with ("isn_context_create_gpu: "), which tells a user nothing they can act on.
    /// </summary>
    private static BackendUnavailableException Unavailable(BackendKind backend, string text)
    {
        string reason = FunctionPrefix().Replace(text, "", 1);
        return new BackendUnavailableException(backend,
            $"backend {IsingEngine.NameOf(backend)} is unavailable: {reason}. BackendKind.Auto runs on the fastest backend present.",
            reason);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^isn_[a-z0-9_]+: ")]
    private static partial System.Text.RegularExpressions.Regex FunctionPrefix();

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Throw(IsnStatus status, BackendKind backend) => throw Create(status, backend, LastMessage());
}
