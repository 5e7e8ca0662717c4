using System.Runtime.InteropServices;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// Owns one native <c>isn_context*</c>; the finalizer-safe release calls
/// <c>isn_context_destroy</c> (which waits for a call in progress on the context).
/// </summary>
internal sealed class NativeContextHandle : SafeHandle
{
    private NativeContextHandle() : base(0, ownsHandle: true) { }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>A CPU context with <paramref name="threads"/> workers (the caller's thread counts as one).</summary>
    /// <exception cref="NativeBackendException">The library refused (message from the library).</exception>
    public static unsafe NativeContextHandle CreateCpu(int threads)
    {
        IsnContextHandle raw;
        NativeErrors.Check(IsingNativeApi.isn_context_create_cpu(threads, &raw), BackendKind.NativeCpu);
        return Wrap(raw);
    }

    /// <summary>A GPU context on <paramref name="device"/>.</summary>
    /// <exception cref="BackendUnavailableException">No such device, or a library without GPU support.</exception>
    public static unsafe NativeContextHandle CreateGpu(int device)
    {
        IsnContextHandle raw;
        NativeErrors.Check(IsingNativeApi.isn_context_create_gpu(device, &raw), BackendKind.Gpu);
        return Wrap(raw);
    }

    /// <summary>The library's description of the context ("cpu, 2 threads", "gpu 0: ...").</summary>
    public unsafe string Describe(BackendKind kind)
    {
        byte* buffer = stackalloc byte[IsingNativeApi.ISN_MESSAGE_CAPACITY];
        using var lease = new ContextLease(this);
        NativeErrors.Check(IsingNativeApi.isn_context_describe(lease.Context, buffer, IsingNativeApi.ISN_MESSAGE_CAPACITY), kind);
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "";
    }

    private static NativeContextHandle Wrap(IsnContextHandle raw)
    {
        var h = new NativeContextHandle();
        h.SetHandle(raw.Value);
        return h;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() =>
        IsingNativeApi.isn_context_destroy(new IsnContextHandle(handle)) == IsnStatus.Ok;
}

/// <summary>
/// Keeps a <see cref="NativeContextHandle"/> alive (AddRef) for the duration of one native
/// call, so a concurrent Dispose cannot destroy the context under the call. A ref struct:
/// no allocation on the hot path.
/// </summary>
internal ref struct ContextLease
{
    private readonly SafeHandle _owner;
    private bool _added;

    /// <summary>The raw handle to pass to the generated functions.</summary>
    public readonly IsnContextHandle Context;

    /// <summary>Adds a reference (throws <see cref="ObjectDisposedException"/> once the handle is closed).</summary>
    public ContextLease(SafeHandle owner)
    {
        // A progress callback runs with its call's context locked (a non-recursive mutex):
        // calling the library on that context from it would deadlock, so it is refused here,
        // the one place every native call takes its handles.
        if (NativeRunScope.t_callbackHandle != 0 && NativeRunScope.IsLockedByCallback(owner))
            throw new InvalidOperationException("the native library was called from a progress callback on the context (or agent set) whose call is reporting; call it after that call returns.");
        _owner = owner;
        _added = false;
        owner.DangerousAddRef(ref _added);
        Context = new IsnContextHandle(owner.DangerousGetHandle());
    }

    /// <summary>Releases the reference taken by the constructor.</summary>
    public void Dispose()
    {
        if (_added) { _added = false; _owner.DangerousRelease(); }
    }
}
