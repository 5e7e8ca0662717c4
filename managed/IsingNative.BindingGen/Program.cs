// IsingNative.BindingGen — generates the C# P/Invoke layer of a plain C header by
// reading it through libclang's stable C API (no CppSharp/ClangSharp needed).
//
//   dotnet run --project managed/IsingNative.BindingGen -- \
//       --header native/include/isingnative.h \
//       --out managed/IsingNative/Interop/IsingNativeApi.generated.cs \
//       --namespace IsingNative.Interop --class IsingNativeApi --library isingnative [--check]
//
// What is read: declarations in files under the header's directory (system headers
// are used for types only). Output: one file, deterministic ("\n" endings, no
// timestamps, the header path shown relative to its git repository).
//
// Mapping rules
//   Functions   [LibraryImport(LibraryName, EntryPoint = "c_name")] + Cdecl, as
//               `public static partial` members of one `internal static unsafe partial`
//               class. Static (inline) functions are skipped; variadic ones are errors.
//   Types       int8_t..uint64_t → sbyte/byte/short/ushort/int/uint/long/ulong (by
//               typedef name, so int64_t is long on every platform), size_t → nuint,
//               intptr_t/ptrdiff_t → nint, float/double as is, plain int/unsigned →
//               int/uint, long → CLong, long long → long, _Bool → byte (C# bool is not
//               blittable). Everything is blittable: no marshalling code is generated.
//   Pointers    T* → T*; void* → void*; char* and const char* → byte* pointing at
//               NUL-terminated UTF-8 (callers pass "..."u8 literals or a pinned
//               Encoding.UTF8 buffer, and read results with Marshal.PtrToStringUTF8);
//               function pointers → delegate* unmanaged[Cdecl]<...>; array parameters
//               decay to pointers. `const` is not expressible in C# and is dropped.
//   Handles     A struct that is declared but never defined (`typedef struct x x;`) is
//               opaque: x* becomes a generated `readonly partial struct XHandle` that
//               wraps the pointer as nint (same ABI as a pointer, but type-safe: a
//               handle of one kind cannot be passed where another is expected); x**
//               becomes XHandle*.
//   Enums       C# enums with the header's values. Underlying type: int for the usual
//               4-byte C enum with values in int range (clang may report unsigned int
//               for non-negative enums; the ABI is identical), otherwise the type of the
//               same size and signedness.
//   Structs     `[StructLayout(LayoutKind.Sequential)] internal unsafe partial struct`,
//               fields in declaration order. Sequential is only emitted when libclang's
//               offsets equal natural alignment; otherwise (packing, alignas, unions)
//               LayoutKind.Explicit with libclang's offsets and size. C arrays of
//               primitives → `fixed` buffers (multi-dimensional ones flattened, row-
//               major); arrays of other types → an [InlineArray] helper struct. Bit-fields,
//               anonymous members and flexible array members are errors.
//   Constants   object-like `#define NAME <numeric literal>` (optionally parenthesised
//               or negated) and `#define NAME OTHER_CONSTANT` → `public const` in the
//               class, typed by C's literal rules (int, then long; uint/ulong for hex or
//               the u suffix; double/float for floating literals). Other macros are
//               skipped (--verbose lists them).
//   Names       Functions, parameters, struct fields and constants keep their exact C
//               spelling (greppable against the header, like SkiaSharp's SkiaApi);
//               C# keywords get an @ prefix. Type names become PascalCase: words split
//               at '_', a trailing "_t" dropped (isn_system_view → IsnSystemView); opaque
//               handles add "Handle" (isn_context → IsnContextHandle). Enum members become
//               PascalCase after removing the leading words all members share
//               (ISN_STATUS_INVALID_ARGUMENT → IsnStatus.InvalidArgument). Name clashes
//               are errors.
//   Docs        The comment before a declaration (or trailing a field, enumerator or
//               macro on the same line) becomes its /// doc, XML-escaped; plain /* */ and
//               // comments count, section banners ("/* ---- x ---- */") are dropped, and
//               Doxygen @brief/@param/@return(s) map to summary/param/returns.
//
// Exit codes: 0 written or up to date; 1 stale (--check); 2 any error (usage, missing
// header or libclang, clang errors, unsupported constructs).
return IsingNative.BindingGen.Generator.Run(args);
