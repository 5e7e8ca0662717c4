using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IsingNative.Interop;

/// <summary>
/// Compares the layout of every generated struct with the loaded library's own
/// (<c>isn_struct_size</c>, <c>isn_struct_field_count</c>, <c>isn_struct_offset</c>), so a
/// library built from a different header than the bindings is refused instead of silently
/// reading garbage. Fields are compared in declaration order (metadata order), not sorted by
/// offset: sorting would hide two swapped fields of the same size.
/// </summary>
internal static class NativeAbi
{
    /// <summary>One struct's layout as the managed bindings see it.</summary>
    /// <param name="Id">The header's isn_struct_id.</param>
    /// <param name="Name">The managed type name (for messages).</param>
    /// <param name="Size">sizeof.</param>
    /// <param name="Offsets">Offsets of the fields in declaration order.</param>
    internal sealed record ManagedLayout(IsnStructId Id, string Name, int Size, int[] Offsets);

    /// <summary>The managed layout of every struct the header lists (one per <see cref="IsnStructId"/>).</summary>
    public static IReadOnlyList<ManagedLayout> ManagedLayouts() =>
    [
        Layout<IsnSystemView>(IsnStructId.SystemView),
        Layout<IsnAnnealOptions>(IsnStructId.AnnealOptions),
        Layout<IsnWeights>(IsnStructId.Weights),
        Layout<IsnEmpathyOptions>(IsnStructId.EmpathyOptions),
        Layout<IsnPair>(IsnStructId.Pair),
        Layout<IsnAnnealStats>(IsnStructId.AnnealStats),
        Layout<IsnEmpathyResult>(IsnStructId.EmpathyResult),
        Layout<IsnEmotion>(IsnStructId.Emotion),
        Layout<IsnObservables>(IsnStructId.Observables),
        Layout<IsnQuickEstimate>(IsnStructId.QuickEstimate),
        Layout<IsnSampleStats>(IsnStructId.SampleStats),
        Layout<IsnEdge>(IsnStructId.Edge),
        Layout<IsnRunControl>(IsnStructId.RunControl),
        Layout<IsnAgentSetInfo>(IsnStructId.AgentSetInfo),
    ];

    /// <summary>
    /// Every difference between the bindings and the loaded library, empty when they agree.
    /// Calls into the library: only after <see cref="NativeLibraryResolver.Load"/> succeeded.
    /// </summary>
    public static List<string> Mismatches()
    {
        var problems = new List<string>();
        IReadOnlyList<ManagedLayout> layouts = ManagedLayouts();
        foreach (IsnStructId id in Enum.GetValues<IsnStructId>())
            if (!layouts.Any(l => l.Id == id)) problems.Add($"struct id {id} has no managed layout to check");
        foreach (ManagedLayout m in layouts)
        {
            int id = (int)m.Id;
            int size = IsingNativeApi.isn_struct_size(id);
            int count = IsingNativeApi.isn_struct_field_count(id);
            if (size != m.Size) problems.Add($"{m.Name}: sizeof is {size} in the library, {m.Size} in the bindings");
            if (count != m.Offsets.Length)
            {
                problems.Add($"{m.Name}: {count} fields in the library, {m.Offsets.Length} in the bindings");
                continue;
            }
            for (int f = 0; f < count; f++)
            {
                int offset = IsingNativeApi.isn_struct_offset(id, f);
                if (offset != m.Offsets[f])
                    problems.Add($"{m.Name}: field {f} is at offset {offset} in the library, {m.Offsets[f]} in the bindings");
            }
        }
        return problems;
    }

    private static ManagedLayout Layout<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T>(IsnStructId id)
        where T : unmanaged
    {
        FieldInfo[] fields = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Instance);
        int[] offsets = new int[fields.Length];
        for (int f = 0; f < fields.Length; f++) offsets[f] = (int)Marshal.OffsetOf<T>(fields[f].Name);
        // Declaration order, which for these sequential structs is ascending offset. (Not by
        // MetadataToken: NativeAOT has none and throws, which broke `ising` published with AOT
        // whenever the native library was found.)
        Array.Sort(offsets);
        return new ManagedLayout(id, typeof(T).Name, Unsafe.SizeOf<T>(), offsets);
    }
}
