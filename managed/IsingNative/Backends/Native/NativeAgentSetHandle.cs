using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using IsingNative.Interop;

namespace IsingNative.Backends.Native;

/// <summary>
/// Owns one native <c>isn_agent_set*</c>. A set must be destroyed before its context, so the
/// handle holds a reference on the context's handle (taken at creation, dropped after
/// <c>isn_agent_set_destroy</c>): disposing the engine first only defers the context's
/// destruction until its last set is released, by Dispose or by the finalizer.
/// </summary>
internal sealed class NativeAgentSetHandle : SafeHandle
{
    private NativeContextHandle? _context;

    private NativeAgentSetHandle() : base(0, ownsHandle: true) { }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>The context the set belongs to (every set call passes both).</summary>
    public NativeContextHandle Context => _context!;

    /// <summary>Copies <paramref name="count"/> systems into a new set on <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentException">A member is invalid (the library's message names it).</exception>
    public static unsafe NativeAgentSetHandle Create(NativeContextHandle context, IsnSystemView* systems, int count, BackendKind kind)
    {
        var h = new NativeAgentSetHandle();
        bool added = false;
        context.DangerousAddRef(ref added);
        try
        {
            IsnAgentSetHandle raw;
            NativeErrors.Check(IsingNativeApi.isn_agent_set_create(new IsnContextHandle(context.DangerousGetHandle()), systems, count, &raw), kind);
            h._context = context;
            h.SetHandle(raw.Value);
            added = false;   // now owned by the handle, released in ReleaseHandle
            return h;
        }
        finally
        {
            if (added) context.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        bool ok = IsingNativeApi.isn_agent_set_destroy(new IsnAgentSetHandle(handle)) == IsnStatus.Ok;
        _context?.DangerousRelease();
        return ok;
    }
}

/// <summary>
/// The native form of a <see cref="RunControl"/> for one call: an <c>int32_t</c> cancel flag in
/// pinned memory that a token registration sets, and a progress callback that is a static
/// <see cref="UnmanagedCallersOnlyAttribute"/> method (no delegate marshalling, so it works under
/// NativeAOT) finding this object again through a <see cref="GCHandle"/> in user_data.
/// Allocated only for calls that have a token or a progress sink.
/// </summary>
internal sealed unsafe class NativeRunScope : IDisposable
{
    /// <summary>Set while this thread runs a progress sink: the set handle whose call is reporting (0 otherwise).</summary>
    [ThreadStatic] internal static nint t_callbackHandle;
    [ThreadStatic] private static nint t_callbackContext;

    private readonly int[] _cancel = GC.AllocateArray<int>(1, pinned: true);
    private readonly NativeAgentSetHandle _set;
    private readonly IProgress<BatchProgress>? _progress;
    private readonly CancellationToken _token;
    private readonly CancellationTokenRegistration _registration;
    private GCHandle _self;
    private Exception? _error;

    public NativeRunScope(in RunControl control, NativeAgentSetHandle set)
    {
        _set = set;
        _progress = control.Progress;
        _token = control.Token;
        _self = GCHandle.Alloc(this);
        if (_token.CanBeCanceled)
            _registration = _token.Register(static s => Volatile.Write(ref ((int[])s!)[0], 1), _cancel);
    }

    /// <summary>The struct to pass (valid until Dispose).</summary>
    public IsnRunControl Control => new()
    {
        progress = _progress is null ? null : &OnProgress,
        user_data = (void*)GCHandle.ToIntPtr(_self),
        cancel = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_cancel)),
    };

    /// <summary>
    /// Throws what the call's outcome means: the progress sink's own exception, an
    /// <see cref="OperationCanceledException"/> for ISN_STATUS_CANCELLED, or the status's exception.
    /// </summary>
    public void Check(IsnStatus status, BackendKind kind)
    {
        if (_error is not null) ExceptionDispatchInfo.Throw(_error);
        if (status == IsnStatus.Cancelled) throw new OperationCanceledException("the set call was cancelled between two tiles", _token);
        NativeErrors.Check(status, kind);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnProgress(void* user, long done, long total)
    {
        // No exception may unwind into the library: keep it, stop the call, rethrow in Check.
        var scope = (NativeRunScope)GCHandle.FromIntPtr((nint)user).Target!;
        nint outerSet = t_callbackHandle, outerContext = t_callbackContext;
        t_callbackHandle = scope._set.DangerousGetHandle();
        t_callbackContext = scope._set.Context.DangerousGetHandle();
        try { scope._progress!.Report(new BatchProgress(done, total)); }
        catch (Exception e)
        {
            scope._error ??= e;
            Volatile.Write(ref scope._cancel[0], 1);
        }
        finally
        {
            t_callbackHandle = outerSet;
            t_callbackContext = outerContext;
        }
    }

    /// <summary>Whether <paramref name="handle"/> is the set or the context of the call whose progress sink this thread runs.</summary>
    public static bool IsLockedByCallback(SafeHandle handle)
    {
        nint h = handle.DangerousGetHandle();
        return h == t_callbackHandle || h == t_callbackContext;
    }

    public void Dispose()
    {
        _registration.Dispose();
        if (_self.IsAllocated) _self.Free();
    }
}
