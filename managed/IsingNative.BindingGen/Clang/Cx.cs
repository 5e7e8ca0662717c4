// Small managed conveniences over the raw libclang calls: strings, child lists,
// locations and tokens, each freeing what libclang hands out.
using System.Runtime.InteropServices;
using System.Text;

namespace IsingNative.BindingGen.Clang;

internal static unsafe class Cx
{
    /// <summary>Converts and disposes a CXString (null data becomes "").</summary>
    public static string Take(CXString text)
    {
        try
        {
            byte* chars = LibClang.clang_getCString(text);
            return chars == null ? "" : Marshal.PtrToStringUTF8((nint)chars) ?? "";
        }
        finally
        {
            LibClang.clang_disposeString(text);
        }
    }

    public static string Spelling(CXCursor cursor) => Take(LibClang.clang_getCursorSpelling(cursor));

    public static string Spelling(CXType type) => Take(LibClang.clang_getTypeSpelling(type));

    public static string Usr(CXCursor cursor) => Take(LibClang.clang_getCursorUSR(cursor));

    public static bool IsNull(CXCursor cursor) => LibClang.clang_Cursor_isNull(cursor) != 0;

    /// <summary>The direct children of <paramref name="parent"/>, in source order.</summary>
    public static List<CXCursor> Children(CXCursor parent)
    {
        var children = new List<CXCursor>();
        GCHandle handle = GCHandle.Alloc(children);
        try
        {
            LibClang.clang_visitChildren(parent, &CollectChild, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        return children;
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(System.Runtime.CompilerServices.CallConvCdecl) })]
    private static CXChildVisitResult CollectChild(CXCursor cursor, CXCursor parent, void* clientData)
    {
        // No exception may unwind into libclang: adding to a list cannot throw short of OOM.
        var children = (List<CXCursor>)GCHandle.FromIntPtr((nint)clientData).Target!;
        children.Add(cursor);
        return CXChildVisitResult.Continue;
    }

    /// <summary>Full path, line and column where the cursor's text starts (after macro expansion).</summary>
    public static SourcePosition Position(CXCursor cursor) => Position(LibClang.clang_getCursorLocation(cursor));

    public static SourcePosition Position(CXSourceLocation location)
    {
        void* file;
        uint line, column, offset;
        LibClang.clang_getExpansionLocation(location, &file, &line, &column, &offset);
        string path = file == null ? "" : Take(LibClang.clang_getFileName(file));
        return new SourcePosition(path, (int)line, (int)column);
    }

    /// <summary>The tokens covering the cursor's extent (comments excluded).</summary>
    public static List<(CXTokenKind Kind, string Text)> Tokens(void* translationUnit, CXCursor cursor)
    {
        var result = new List<(CXTokenKind, string)>();
        CXToken* tokens = null;
        uint count = 0;
        LibClang.clang_tokenize(translationUnit, LibClang.clang_getCursorExtent(cursor), &tokens, &count);
        try
        {
            for (uint i = 0; i < count; i++)
            {
                CXTokenKind kind = LibClang.clang_getTokenKind(tokens[i]);
                if (kind != CXTokenKind.Comment)
                {
                    result.Add((kind, Take(LibClang.clang_getTokenSpelling(translationUnit, tokens[i]))));
                }
            }
        }
        finally
        {
            if (tokens != null)
            {
                LibClang.clang_disposeTokens(translationUnit, tokens, count);
            }
        }
        return result;
    }

    /// <summary>Raw comment text clang attached to a declaration, or null.</summary>
    public static string? RawComment(CXCursor cursor)
    {
        string text = Take(LibClang.clang_Cursor_getRawCommentText(cursor));
        return text.Length == 0 ? null : text;
    }

    /// <summary>Copies a string into a new NUL-terminated UTF-8 buffer; free it with NativeMemory.Free.</summary>
    public static byte* AllocUtf8(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        byte* native = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(native, bytes.Length));
        native[bytes.Length] = 0;
        return native;
    }
}

/// <summary>A resolved source position.</summary>
internal readonly record struct SourcePosition(string File, int Line, int Column);
