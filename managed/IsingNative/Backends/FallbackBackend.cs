using IsingNative.Core;
using IsingNative.Diagnostics;
using IsingNative.Interop;
using Microsoft.Extensions.Logging;

namespace IsingNative.Backends;

/// <summary>
/// The backend <see cref="BackendKind.Auto"/> hands out when it picked the GPU: every call
/// goes to the GPU until the GPU reports a device fault (or that its device is gone); then
/// the same request is replayed on a CPU backend and the GPU is retired for the rest of
/// the engine's life (MODEL.md §9: "Auto falls back to a CPU backend without losing the
/// request"). Replaying is exact, not approximate: every backend computes the same bits
/// (docs/ALGORITHM.md), and a failed call's outputs are fully overwritten by the replay.
/// </summary>
/// <remarks>
/// Argument errors are not device faults: they propagate unchanged, as on every backend.
/// The retired primary is disposed with the engine, not at the switch, because another
/// thread may still be inside one of its calls.
/// </remarks>
internal sealed class FallbackBackend : IComputeBackend
{
    private readonly IComputeBackend _primary;
    private readonly Func<IComputeBackend> _createFallback;
    private readonly ILogger? _logger;
    private readonly object _gate = new();
    private IComputeBackend? _fallback;
    private volatile IComputeBackend _current;

    /// <param name="primary">The backend to use while it works (the GPU).</param>
    /// <param name="createFallback">Makes the CPU backend on the first device fault.</param>
    /// <param name="logger">Told of the switch (a warning with the reason); may be null.</param>
    public FallbackBackend(IComputeBackend primary, Func<IComputeBackend> createFallback, ILogger? logger = null)
    {
        _logger = logger;
        _primary = primary;
        _current = primary;
        _createFallback = createFallback;
    }

    /// <summary>Why the engine left its primary backend, or null while it has not.</summary>
    public string? FallbackReason { get; private set; }

    public BackendKind Kind => _current.Kind;
    public string Name => _current.Name;

    /// <summary>Device faults worth a replay on the CPU: a lost device, a runtime error, device memory exhausted.</summary>
    internal static bool IsDeviceFault(Exception e) => e is BackendUnavailableException
        || (e is NativeBackendException n && (n.Status == (int)IsnStatus.DeviceError || n.Status == (int)IsnStatus.OutOfMemory));

    /// <summary>Switches to the CPU backend once; returns the backend to replay on.</summary>
    private IComputeBackend SwitchOver(IComputeBackend failed, Exception fault)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, failed))
            {
                _fallback = _createFallback();
                FallbackReason = $"{failed.Name} failed ({fault.Message}); continuing on {_fallback.Name}";
                _current = _fallback;
                // Here, not in the engine: the switch happens once, under the gate, whichever
                // call (engine or agent set) hit the fault.
                IsingTelemetry.RecordFallback(failed.Name, _fallback.Name);
                if (_logger is not null) EngineLog.Fallback(_logger, failed.Name, _fallback.Name, FallbackReason);
            }
            return _current;
        }
    }

    public void Anneal(ReadOnlySpan<AnnealTask> tasks, in AnnealParams parameters, Span<AnnealStats> results)
    {
        IComputeBackend b = _current;
        try { b.Anneal(tasks, parameters, results); }
        catch (Exception e) when (IsDeviceFault(e) && !ReferenceEquals(b, _fallback))
        { SwitchOver(b, e).Anneal(tasks, parameters, results); }
    }

    public void Empathy(ReadOnlySpan<EmpathyTask> tasks, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results)
    {
        IComputeBackend b = _current;
        try { b.Empathy(tasks, parameters, weights, results); }
        catch (Exception e) when (IsDeviceFault(e) && !ReferenceEquals(b, _fallback))
        { SwitchOver(b, e).Empathy(tasks, parameters, weights, results); }
    }

    public void Estimate(ReadOnlySpan<EmpathyTask> tasks, in QuickParams parameters, Span<QuickEstimate> results)
    {
        IComputeBackend b = _current;
        try { b.Estimate(tasks, parameters, results); }
        catch (Exception e) when (IsDeviceFault(e) && !ReferenceEquals(b, _fallback))
        { SwitchOver(b, e).Estimate(tasks, parameters, results); }
    }

    public void Observe(ReadOnlySpan<SystemView> systems, Span<Observables> results)
    {
        IComputeBackend b = _current;
        try { b.Observe(systems, results); }
        catch (Exception e) when (IsDeviceFault(e) && !ReferenceEquals(b, _fallback))
        { SwitchOver(b, e).Observe(systems, results); }
    }

    public double CouplingNormSquared(SystemView system)
    {
        IComputeBackend b = _current;
        try { return b.CouplingNormSquared(system); }
        catch (Exception e) when (IsDeviceFault(e) && !ReferenceEquals(b, _fallback))
        { return SwitchOver(b, e).CouplingNormSquared(system); }
    }

    public double CouplingSimilarity(SystemView a, SystemView b2, double normA, double normB)
    {
        IComputeBackend b = _current;
        try { return b.CouplingSimilarity(a, b2, normA, normB); }
        catch (Exception e) when (IsDeviceFault(e) && !ReferenceEquals(b, _fallback))
        { return SwitchOver(b, e).CouplingSimilarity(a, b2, normA, normB); }
    }

    public unsafe TrialCounts Sample(SystemView system, double beta, int samples, int thin, int burnIn, ulong seed,
        AcceptanceRule acceptance, sbyte* start, sbyte* states, double* energies)
    {
        IComputeBackend b = _current;
        try { return b.Sample(system, beta, samples, thin, burnIn, seed, acceptance, start, states, energies); }
        catch (Exception e) when (IsDeviceFault(e) && !ReferenceEquals(b, _fallback))
        { return SwitchOver(b, e).Sample(system, beta, samples, thin, burnIn, seed, acceptance, start, states, energies); }
    }

    /// <summary>Leaves the primary after a device fault seen by an agent set; returns the CPU backend.</summary>
    internal IComputeBackend SwitchOverFrom(Exception fault) => SwitchOver(_primary, fault);

    public IBackendAgentSet CreateSet(ReadOnlySpan<SystemView> members, ReadOnlySpan<double> norms)
    {
        IComputeBackend b = _current;
        IBackendAgentSet set;
        try { set = b.CreateSet(members, norms); }
        catch (Exception e) when (IsDeviceFault(e) && !ReferenceEquals(b, _fallback))
        {
            b = SwitchOver(b, e);
            set = b.CreateSet(members, norms);
        }
        return new FallbackAgentSet(this, set, members, onFallback: !ReferenceEquals(b, _primary));
    }

    public void Dispose()
    {
        _primary.Dispose();
        _fallback?.Dispose();
    }
}
