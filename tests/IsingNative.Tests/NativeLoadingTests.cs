using IsingNative.Backends.Native;
using IsingNative.Interop;

namespace IsingNative.Tests;

/// <summary>
/// How the native library is found (NativeLibraryResolver's probe order and its record of
/// every path tried) and what the engine does with the outcome: Auto falls back to managed,
/// explicit native requests throw BackendUnavailableException naming what was looked for.
/// </summary>
public class NativeLoadingTests
{
    private string _temp = null!;

    [SetUp]
    public void MakeTempFolder() => Directory.CreateDirectory(_temp = Path.Combine(Path.GetTempPath(), "isn-probe-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveTempFolder()
    {
        try { Directory.Delete(_temp, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a loaded library stays locked on Windows */ }
    }

    [Test]
    public void AnExplicitPathThatHoldsNothingDisablesEveryOtherProbe()
    {
        string missing = Path.Combine(_temp, "nonexistent");
        NativeLoadResult r = NativeLibraryResolver.Probe(missing, TestContext.CurrentContext.TestDirectory, TestContext.CurrentContext.TestDirectory);
        Assert.That(r.Loaded, Is.False, "the repository build must not be picked up behind an explicit path");
        Assert.That(r.Tried, Has.Count.EqualTo(2));
        Assert.That(r.Tried[0], Is.EqualTo($"{missing} (not found)"));
        Assert.That(r.Tried[1], Does.Contain("nothing else probed").And.Contain(NativeLibraryResolver.EnvironmentVariable));
        Assert.That(r.Describe(), Does.Contain(NativeLibraryResolver.FileName).And.Contain(missing));
    }

    [Test]
    public void AFolderInTheVariableIsSearchedForThePlatformFileName()
    {
        NativeLoadResult r = NativeLibraryResolver.Probe(_temp, null, null);
        Assert.That(r.Loaded, Is.False);
        Assert.That(r.Tried[0], Is.EqualTo($"{Path.Combine(_temp, NativeLibraryResolver.FileName)} (not found)"));
    }

    [Test]
    public void AFileThatIsNotALibraryIsReportedAsFailingToLoad()
    {
        string bogus = Path.Combine(_temp, NativeLibraryResolver.FileName);
        File.WriteAllText(bogus, "not a shared library");
        NativeLoadResult r = NativeLibraryResolver.Probe(bogus, null, null);
        Assert.That(r.Loaded, Is.False);
        Assert.That(r.Tried[0], Does.StartWith($"{bogus} (failed to load:"));
    }

    [Test]
    public void WithoutTheVariableTheNuGetLayoutThenTheAssemblyFolderThenTheOsAreProbed()
    {
        NativeLoadResult r = NativeLibraryResolver.Probe(null, _temp, _temp);
        string file = NativeLibraryResolver.FileName;
        string nuget = Path.Combine(_temp, "runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "native", file);
        Assert.That(r.Tried[0], Is.EqualTo($"{nuget} (not found)"));
        int assemblyFolder = r.Tried.ToList().IndexOf($"{Path.Combine(_temp, file)} (not found)");
        Assert.That(assemblyFolder, Is.GreaterThan(0), string.Join("\n", r.Tried));
        Assert.That(r.Tried.Any(t => t.Contains(Path.Combine("build", "native", "native"))), Is.False,
            "no build/native/native above a temp folder");
        Assert.That(r.Tried.Last(), Does.StartWith("default OS search"));
    }

    [Test]
    public void TheLibraryIsFoundInAnAssemblyFolderAndItsNuGetLayout()
    {
        string? built = RepositoryBuild();
        if (built is null) Assert.Ignore("no build/native/native/ with the library above the test folder (./build.sh native builds it)");
        string rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        string nugetDir = Directory.CreateDirectory(Path.Combine(_temp, "runtimes", rid, "native")).FullName;
        File.Copy(built!, Path.Combine(nugetDir, NativeLibraryResolver.FileName));
        NativeLoadResult r = NativeLibraryResolver.Probe(null, _temp, _temp);
        Assert.That(r.Loaded, Is.True, string.Join("\n", r.Tried));
        Assert.That(r.Path, Is.EqualTo(Path.Combine(nugetDir, NativeLibraryResolver.FileName)));
        System.Runtime.InteropServices.NativeLibrary.Free(r.Handle);
    }

    [Test]
    public void TheRepositoryBuildIsFoundByWalkingUpFromTheAssembly()
    {
        string? built = RepositoryBuild();
        if (built is null) Assert.Ignore("no build/native/native/ with the library above the test folder (./build.sh native builds it)");
        string dir = TestContext.CurrentContext.TestDirectory;
        NativeLoadResult r = NativeLibraryResolver.Probe(null, dir, dir);
        Assert.That(r.Loaded, Is.True, string.Join("\n", r.Tried));
        Assert.That(r.Path, Is.EqualTo(built));
        System.Runtime.InteropServices.NativeLibrary.Free(r.Handle);   // the process's own reference stays
    }

    [Test]
    public void DescribeBackendsListsAllThreeWithDetails()
    {
        var infos = IsingEngine.DescribeBackends();
        Assert.That(infos.Select(i => (i.Kind, i.Name)), Is.EqualTo(new[]
        {
            (BackendKind.Managed, "managed"), (BackendKind.NativeCpu, "native-cpu"), (BackendKind.Gpu, "gpu"),
        }));
        Assert.That(infos.All(i => i.Detail.Length > 0));
        NativeLibraryState lib = NativeLibraryState.Current;
        BackendInfo cpu = infos[1];
        Assert.That(cpu.Available, Is.EqualTo(lib.Usable));
        if (lib.Usable)
            Assert.That(cpu.Detail, Does.Contain(lib.LibraryPath!).And.Contain(lib.VersionString!));
        else
            Assert.That(cpu.Detail, Does.Contain(NativeLibraryResolver.FileName));
    }

    [Test]
    public void AutoAndExplicitRequestsFollowTheLibrarysAvailability()
    {
        NativeLibraryState lib = NativeLibraryState.Current;
        if (lib.Usable)
        {
            // Auto is the GPU when a device answers, else the native CPU engine (the faster, docs/PERFORMANCE.md).
            Assert.That(IsingEngine.AutoChoice, Is.EqualTo(NativeGpuProbe.Available ? BackendKind.Gpu : BackendKind.NativeCpu));
            if (!NativeGpuProbe.Available)
                using (var auto = IsingEngine.Create()) Assert.That(auto.BackendName, Is.EqualTo("native-cpu"));
            using var engine = IsingEngine.Create(BackendKind.NativeCpu, 2);
            Assert.That((engine.Backend, engine.BackendName), Is.EqualTo((BackendKind.NativeCpu, "native-cpu")));
            Assert.That(((NativeBackend)engine.ComputeBackend).Description, Does.Contain("cpu"));
            return;
        }
        Assert.That(IsingEngine.AutoChoice, Is.EqualTo(BackendKind.Managed));
        using (var auto = IsingEngine.Create()) Assert.That(auto.BackendName, Is.EqualTo("managed"));
        foreach (BackendKind kind in new[] { BackendKind.NativeCpu, BackendKind.Gpu })
        {
            var e = Assert.Throws<BackendUnavailableException>(() => IsingEngine.Create(kind))!;
            Assert.That(e.Backend, Is.EqualTo(kind));
            Assert.That(e.Message, Does.Contain("looked for").And.Contain(NativeLibraryResolver.FileName)
                .And.Contain(NativeLibraryResolver.EnvironmentVariable));
        }
    }

    [Test]
    public void AGpuRequestWithoutADeviceThrowsBackendUnavailable()
    {
        if (NativeGpuProbe.Available) Assert.Ignore($"a GPU is available here: {NativeGpuProbe.Detail}");
        var e = Assert.Throws<BackendUnavailableException>(() => IsingEngine.Create(BackendKind.Gpu))!;
        Assert.That(e.Backend, Is.EqualTo(BackendKind.Gpu));
        Assert.That(e.Message, Is.Not.Empty);
        Assert.That(IsingEngine.AutoChoice, Is.Not.EqualTo(BackendKind.Gpu));
    }

    /// <summary>build/native/native/&lt;lib&gt; in the test folder or above, or null.</summary>
    private static string? RepositoryBuild()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
        {
            string dir = Path.Combine(d.FullName, "build", "native", "native");
            if (Directory.Exists(dir))
            {
                string file = Path.Combine(dir, NativeLibraryResolver.FileName);
                return File.Exists(file) ? file : null;
            }
        }
        return null;
    }
}
