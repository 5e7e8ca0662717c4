// --check: compares freshly generated text with the committed file and prints a
// short diff around the first difference, so a CI log shows what changed.
namespace IsingNative.BindingGen;

internal static class StaleCheck
{
    private const int ContextLines = 3;
    private const int MaxShownLines = 12;

    public static int Compare(string path, string generated)
    {
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"bindings are stale: run ./build.sh bindings ({path} does not exist)");
            return Generator.Stale;
        }
        string existing = File.ReadAllText(path);
        if (existing == generated)
        {
            Console.Out.WriteLine($"{path} is up to date");
            return Generator.Ok;
        }

        string[] old = existing.Split('\n');
        string[] fresh = generated.Split('\n');
        int first = 0;
        while (first < old.Length && first < fresh.Length && old[first] == fresh[first])
        {
            first++;
        }
        // Trim the common tail so the hunk shows only the changed block.
        int oldEnd = old.Length, freshEnd = fresh.Length;
        while (oldEnd > first && freshEnd > first && old[oldEnd - 1] == fresh[freshEnd - 1])
        {
            oldEnd--;
            freshEnd--;
        }

        var error = Console.Error;
        error.WriteLine($"bindings are stale: run ./build.sh bindings");
        error.WriteLine($"--- {path} (committed)");
        error.WriteLine($"+++ {path} (generated from the header)");
        int start = Math.Max(0, first - ContextLines);
        error.WriteLine($"@@ -{start + 1},{oldEnd - start} +{start + 1},{freshEnd - start} @@");
        for (int i = start; i < first; i++)
        {
            error.WriteLine(" " + old[i]);
        }
        Show(error, '-', old, first, oldEnd);
        Show(error, '+', fresh, first, freshEnd);
        return Generator.Stale;
    }

    private static void Show(TextWriter writer, char marker, string[] lines, int from, int to)
    {
        for (int i = from; i < to && i < from + MaxShownLines; i++)
        {
            writer.WriteLine(marker + lines[i]);
        }
        if (to - from > MaxShownLines)
        {
            writer.WriteLine($"{marker}... ({to - from - MaxShownLines} more lines)");
        }
    }
}
