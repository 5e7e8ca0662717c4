using System.Runtime.CompilerServices;

namespace IsingNative.Interop;

/// <summary>
/// Compares the layout of every generated struct with the loaded library's own
/// (<c>isn_struct_size</c>, <c>isn_struct_field_count</c>, <c>isn_struct_offset</c>), so a
/// library built from a different header than the bindings is refused instead of silently
/// reading garbage. Fields are compared in declaration order, not sorted by offset: sorting
/// would hide two swapped fields of the same size. The managed offsets are measured on a value
/// by the generated <c>Layout()</c> (address arithmetic, no reflection: NativeAOT-safe),
/// and also compared with the header's numbers the generator wrote beside each struct.
/// </summary>
internal static class NativeAbi
{
    /// <summary>One struct's layout as the managed bindings see it.</summary>
    /// <param name="Id">The header's isn_struct_id.</param>
    /// <param name="Name">The managed type name (for messages).</param>
    /// <param name="Size">sizeof.</param>
    /// <param name="Offsets">Offsets of the fields in declaration order, measured on a value.</param>
    /// <param name="HeaderSize">sizeof as the binding generator's libclang parsed the header.</param>
    /// <param name="HeaderOffsets">The fields' offsets as libclang parsed the header.</param>
    internal sealed record ManagedLayout(IsnStructId Id, string Name, int Size, int[] Offsets, int HeaderSize, int[] HeaderOffsets);

    /// <summary>The managed layout of every struct the header lists (one per <see cref="IsnStructId"/>).</summary>
    public static IReadOnlyList<ManagedLayout> ManagedLayouts() =>
    [
        Of(IsnStructId.SystemView, IsnSystemView.Layout()),
        Of(IsnStructId.AnnealOptions, IsnAnnealOptions.Layout()),
        Of(IsnStructId.Weights, IsnWeights.Layout()),
        Of(IsnStructId.EmpathyOptions, IsnEmpathyOptions.Layout()),
        Of(IsnStructId.Pair, IsnPair.Layout()),
        Of(IsnStructId.AnnealStats, IsnAnnealStats.Layout()),
        Of(IsnStructId.EmpathyResult, IsnEmpathyResult.Layout()),
        Of(IsnStructId.Emotion, IsnEmotion.Layout()),
        Of(IsnStructId.Observables, IsnObservables.Layout()),
        Of(IsnStructId.QuickEstimate, IsnQuickEstimate.Layout()),
        Of(IsnStructId.SampleStats, IsnSampleStats.Layout()),
        Of(IsnStructId.Edge, IsnEdge.Layout()),
        Of(IsnStructId.RunControl, IsnRunControl.Layout()),
        Of(IsnStructId.AgentSetInfo, IsnAgentSetInfo.Layout()),
        Of(IsnStructId.EstimateOptions, IsnEstimateOptions.Layout()),
    ];

    private static ManagedLayout Of(IsnStructId id, GeneratedLayout g) =>
        new(id, g.Name, g.Size, g.Offsets, g.HeaderSize, g.HeaderOffsets);

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
            if (m.Size != m.HeaderSize || !m.Offsets.AsSpan().SequenceEqual(m.HeaderOffsets))
                problems.Add($"{m.Name}: the C# struct's layout ({m.Size} B; {string.Join(", ", m.Offsets)}) is not the header's "
                    + $"({m.HeaderSize} B; {string.Join(", ", m.HeaderOffsets)})");
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
}
