// Finds a libclang on this machine and routes LibClang.LibraryName to it. Distros
// rarely ship an unversioned libclang.so without the -dev package (Debian has only
// libclang-14.so.1), so the loader probes the versioned names as well, newest
// first; the C API it uses is stable, so any libclang >= 14 works.
using System.Reflection;
using System.Runtime.InteropServices;

namespace IsingNative.BindingGen.Clang;

internal static class LibClangLoader
{
    /// <summary>Environment variable naming an exact libclang file to use instead of probing.</summary>
    public const string OverrideVariable = "ISINGNATIVE_LIBCLANG";

    private const int NewestProbedMajor = 30;
    private const int OldestProbedMajor = 14;

    private static nint s_handle;

    /// <summary>Path or name of the library that was loaded (for messages).</summary>
    public static string? LoadedFrom { get; private set; }

    /// <summary>
    /// Loads libclang and installs the import resolver. Returns false, with the list of
    /// names tried in <paramref name="tried"/>, when none could be loaded.
    /// </summary>
    public static bool TryLoad(out IReadOnlyList<string> tried)
    {
        var candidates = Candidates().ToList();
        tried = candidates;
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out nint handle))
            {
                s_handle = handle;
                LoadedFrom = candidate;
                NativeLibrary.SetDllImportResolver(typeof(LibClangLoader).Assembly, Resolve);
                return true;
            }
        }
        return false;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibClang.LibraryName ? s_handle : 0;

    private static IEnumerable<string> Candidates()
    {
        string? explicitPath = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            // An explicit choice must not silently fall back to something else.
            yield return explicitPath;
            yield break;
        }

        if (OperatingSystem.IsWindows())
        {
            yield return "libclang.dll";
            string programFiles = Environment.GetEnvironmentVariable("ProgramFiles") ?? @"C:\Program Files";
            yield return Path.Combine(programFiles, "LLVM", "bin", "libclang.dll");
            yield break;
        }

        if (OperatingSystem.IsMacOS())
        {
            yield return "libclang.dylib";
            yield return "/Library/Developer/CommandLineTools/usr/lib/libclang.dylib";
            yield return "/Applications/Xcode.app/Contents/Developer/Toolchains/XcodeDefault.xctoolchain/usr/lib/libclang.dylib";
            yield return "/opt/homebrew/opt/llvm/lib/libclang.dylib";
            yield return "/usr/local/opt/llvm/lib/libclang.dylib";
            yield break;
        }

        yield return "libclang.so";
        for (int major = NewestProbedMajor; major >= OldestProbedMajor; major--)
        {
            yield return $"libclang-{major}.so.1";
            yield return $"libclang.so.{major}";
            yield return $"/usr/lib/llvm-{major}/lib/libclang.so.1";
        }
        yield return "libclang.so.1";
    }
}
