using IsingNative.Interop;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The generated structs have the loaded library's layout (isn_struct_size / _field_count /
/// _offset for every isn_struct_id), and the managed side alone has the 64-bit layout the
/// header documents (explicit reserved padding, so every 64-bit ABI agrees).
/// </summary>
public class AbiLayoutTests
{
    [Test]
    public void EveryStructIdHasAManagedLayout()
    {
        var ids = NativeAbi.ManagedLayouts().Select(l => l.Id).ToArray();
        Assert.That(ids, Is.EquivalentTo(Enum.GetValues<IsnStructId>()));
        Assert.That(ids, Is.Unique);
    }

    [Test]
    public void MeasuredLayoutsAreTheHeaderAsLibclangParsedIt()
    {
        // Measured by address arithmetic on a value (what NativeAOT also runs), against the
        // numbers the generator wrote from the header: no library needed.
        foreach (NativeAbi.ManagedLayout l in NativeAbi.ManagedLayouts())
        {
            Assert.That(l.Size, Is.EqualTo(l.HeaderSize), l.Name);
            Assert.That(l.Offsets, Is.EqualTo(l.HeaderOffsets), l.Name);
        }
    }

    [Test]
    public void ManagedLayoutsAreTheHeaderDocumentedOnes()
    {
        // sizeof as libclang parsed the header (the generator writes it next to each struct).
        var expected = new Dictionary<IsnStructId, int>
        {
            [IsnStructId.SystemView] = 32, [IsnStructId.AnnealOptions] = 56, [IsnStructId.Weights] = 32,
            [IsnStructId.EmpathyOptions] = 88, [IsnStructId.Pair] = 16, [IsnStructId.AnnealStats] = 32,
            [IsnStructId.EmpathyResult] = 80, [IsnStructId.Emotion] = 32, [IsnStructId.Observables] = 56,
            [IsnStructId.QuickEstimate] = 24, [IsnStructId.SampleStats] = 24,
            [IsnStructId.Edge] = 8, [IsnStructId.RunControl] = 24, [IsnStructId.AgentSetInfo] = 24,
            [IsnStructId.EstimateOptions] = 48,
        };
        foreach (NativeAbi.ManagedLayout l in NativeAbi.ManagedLayouts())
        {
            Assert.That(l.Size, Is.EqualTo(expected[l.Id]), l.Name);
            Assert.That(l.Offsets, Is.Ordered.Ascending, $"{l.Name}: declaration order is memory order");
            Assert.That(l.Offsets[0], Is.Zero, l.Name);
        }
        // Spot checks of the padded members the header spells out.
        var view = NativeAbi.ManagedLayouts().Single(l => l.Id == IsnStructId.SystemView);
        Assert.That(view.Offsets, Is.EqualTo(new[] { 0, 4, 8, 16, 24 }), "n, reserved0, couplings, fields, spins");
        var result = NativeAbi.ManagedLayouts().Single(l => l.Id == IsnStructId.EmpathyResult);
        Assert.That(result.Offsets, Is.EqualTo(new[] { 0, 8, 16, 24, 32, 40, 48, 56, 60, 64, 72 }));
    }

    [Test]
    public void TheNewSetStructsHaveTheHeaderLayout()
    {
        var layouts = NativeAbi.ManagedLayouts();
        Assert.That(layouts.Single(l => l.Id == IsnStructId.Edge).Offsets, Is.EqualTo(new[] { 0, 4 }), "self_index, other_index");
        Assert.That(layouts.Single(l => l.Id == IsnStructId.RunControl).Offsets, Is.EqualTo(new[] { 0, 8, 16 }), "progress, user_data, cancel");
        Assert.That(layouts.Single(l => l.Id == IsnStructId.AgentSetInfo).Offsets, Is.EqualTo(new[] { 0, 4, 8, 16 }), "count, max_n, host_bytes, device_bytes");
    }

    [Test]
    public void PublicSetValuesShareTheCStructsLayout()
    {
        // AgentPair, AgentEdge and the result records are handed to the library without copies.
        Assert.That(IsingNative.Backends.Native.SetLayouts.Mismatches(), Is.Empty);
        Assert.That(System.Runtime.CompilerServices.Unsafe.SizeOf<AgentPair>(), Is.EqualTo(16));
        Assert.That(System.Runtime.CompilerServices.Unsafe.SizeOf<AgentEdge>(), Is.EqualTo(8));
    }

    [Test]
    public void GeneratedStructsMatchTheLoadedLibrary()
    {
        NativeLoadResult load = NativeLibraryResolver.Load();
        if (!load.Loaded) Assert.Ignore($"native library not loaded: {load.Describe()}");
        foreach (NativeAbi.ManagedLayout l in NativeAbi.ManagedLayouts())
        {
            int id = (int)l.Id;
            Assert.That(IsingNativeApi.isn_struct_size(id), Is.EqualTo(l.Size), $"{l.Name}: sizeof");
            Assert.That(IsingNativeApi.isn_struct_field_count(id), Is.EqualTo(l.Offsets.Length), $"{l.Name}: field count");
            for (int f = 0; f < l.Offsets.Length; f++)
                Assert.That(IsingNativeApi.isn_struct_offset(id, f), Is.EqualTo(l.Offsets[f]), $"{l.Name}: offset of field {f}");
            Assert.That(IsingNativeApi.isn_struct_offset(id, l.Offsets.Length), Is.EqualTo(-1), $"{l.Name}: one past the last field");
        }
        Assert.That(IsingNativeApi.isn_struct_size(0), Is.EqualTo(-1), "unknown struct id");
        Assert.That(NativeAbi.Mismatches(), Is.Empty);
    }

    [Test]
    public void LoadedLibraryHasTheBindingsMajorVersion()
    {
        NativeBackends.RequireLibrary();
        int version = IsingNativeApi.isn_version();
        Assert.That(version / 10000, Is.EqualTo(IsingNativeApi.ISN_VERSION_MAJOR));
        Assert.That(IsingNative.Backends.Native.NativeLibraryState.Current.VersionString, Does.StartWith($"{version / 10000}.{version / 100 % 100}.{version % 100}"));
    }
}
