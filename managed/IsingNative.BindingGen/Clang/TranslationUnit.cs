// Parses a header with libclang as C11 and owns the resulting translation unit.
// Ordinary comments are parsed as documentation (-fparse-all-comments) because
// plain C headers rarely use Doxygen markers; the detailed preprocessing record
// keeps #define's visible as cursors.
using System.Runtime.InteropServices;

namespace IsingNative.BindingGen.Clang;

internal sealed unsafe class TranslationUnit : IDisposable
{
    private void* _index;

    public void* Handle { get; private set; }

    /// <summary>Diagnostics of severity error or fatal, formatted like a compiler would print them.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Warnings, formatted the same way (reported, but they do not stop generation).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public TranslationUnit(string headerPath, IEnumerable<string> includeDirectories, IEnumerable<string> defines)
    {
        var arguments = new List<string> { "-x", "c", "-std=c11", "-fparse-all-comments", "-Wno-pragma-once-outside-header" };
        arguments.AddRange(includeDirectories.Select(d => "-I" + Path.GetFullPath(d)));
        arguments.AddRange(defines.Select(d => "-D" + d));

        _index = LibClang.clang_createIndex(excludeDeclarationsFromPch: 0, displayDiagnostics: 0);
        var native = new byte*[arguments.Count];
        for (int i = 0; i < native.Length; i++)
        {
            native[i] = Cx.AllocUtf8(arguments[i]);
        }
        byte* file = Cx.AllocUtf8(Path.GetFullPath(headerPath));
        try
        {
            fixed (byte** argv = native)
            {
                Handle = LibClang.clang_parseTranslationUnit(_index, file, argv, native.Length, null, 0,
                    CXTranslationUnitFlags.DetailedPreprocessingRecord | CXTranslationUnitFlags.SkipFunctionBodies);
            }
        }
        finally
        {
            NativeMemory.Free(file);
            foreach (byte* argument in native)
            {
                NativeMemory.Free(argument);
            }
        }
        if (Handle == null)
        {
            Dispose();
            throw new InvalidOperationException($"libclang could not parse {headerPath}");
        }

        var errors = new List<string>();
        var warnings = new List<string>();
        uint options = LibClang.clang_defaultDiagnosticDisplayOptions();
        uint count = LibClang.clang_getNumDiagnostics(Handle);
        for (uint i = 0; i < count; i++)
        {
            void* diagnostic = LibClang.clang_getDiagnostic(Handle, i);
            try
            {
                CXDiagnosticSeverity severity = LibClang.clang_getDiagnosticSeverity(diagnostic);
                string text = Cx.Take(LibClang.clang_formatDiagnostic(diagnostic, options));
                if (severity >= CXDiagnosticSeverity.Error) errors.Add(text);
                else if (severity == CXDiagnosticSeverity.Warning) warnings.Add(text);
            }
            finally
            {
                LibClang.clang_disposeDiagnostic(diagnostic);
            }
        }
        Errors = errors;
        Warnings = warnings;
    }

    public void Dispose()
    {
        if (Handle != null)
        {
            LibClang.clang_disposeTranslationUnit(Handle);
            Handle = null;
        }
        if (_index != null)
        {
            LibClang.clang_disposeIndex(_index);
            _index = null;
        }
    }
}
