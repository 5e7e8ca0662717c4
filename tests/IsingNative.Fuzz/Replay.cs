using System.Runtime.InteropServices;

namespace IsingNative.Fuzz;

/// <summary>Runs the reader target once per file, outside libFuzzer.</summary>
internal static unsafe class Replay
{
    public static int Run(ReadOnlySpan<string> paths)
    {
        if (paths.IsEmpty)
        {
            Console.Error.WriteLine("replay: name at least one file or directory.");
            return 2;
        }
        // The instrumented IsingNative.dll writes every branch it takes into this map; outside
        // the libFuzzer loop nobody provides one, and a null map would fault on the first branch.
        SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(1 << 16);

        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path)) files.AddRange(Directory.GetFiles(path).Order(StringComparer.Ordinal));
            else files.Add(path);
        }
        int accepted = 0, rejected = 0;
        using var target = new ReaderTarget();
        foreach (var file in files)
        {
            try
            {
                if (target.Run(File.ReadAllBytes(file))) accepted++;
                else rejected++;
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"replay: FINDING in {file}:");
                Console.Error.WriteLine(ex);
                return 1;
            }
        }
        Console.WriteLine($"replay: {files.Count} inputs, {accepted} accepted, {rejected} rejected cleanly, 0 findings");
        return 0;
    }
}
