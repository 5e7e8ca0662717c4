namespace IsingNative.Tests.Support;

/// <summary>
/// A fixture comparing one native backend with the managed engine (the reference): an engine of each, two
/// threads, created once for the fixture; ignored, with the reason, where the backend is absent.
/// </summary>
public abstract class ManagedAgainstNativeFixture(BackendKind backend)
{
    protected IsingEngine Managed { get; private set; } = null!;
    protected IsingEngine Native { get; private set; } = null!;

    [OneTimeSetUp]
    public void CreateEngines()
    {
        NativeBackends.RequireAvailable(backend);
        Managed = IsingEngine.Create(BackendKind.Managed, 2);
        Native = IsingEngine.Create(backend, 2);
    }

    [OneTimeTearDown]
    public void DisposeEngines()
    {
        Managed?.Dispose();
        Native?.Dispose();
    }
}
