// Maps C types to blittable C# types. Fixed-width typedefs are recognised by name
// before their sugar is stripped, so "int64_t" becomes "long" on every platform
// (its canonical type is "long" on Linux but "long long" on Windows).
using IsingNative.BindingGen.Clang;

namespace IsingNative.BindingGen.Reading;

/// <summary>Resolves the C# names of the header's records and enums for <see cref="TypeMapper"/>.</summary>
internal interface ITypeNames
{
    /// <summary>C# name of a record with a definition, or null when the record is opaque.</summary>
    string? DefinedRecordName(CXCursor declaration);

    /// <summary>C# handle name of an opaque record (registered on first use).</summary>
    string HandleName(CXCursor declaration);

    /// <summary>C# name of an enum.</summary>
    string EnumName(CXCursor declaration);
}

/// <summary>Where a type occurs; decides what void and arrays mean.</summary>
internal enum TypeUse
{
    Return,
    Parameter,
    Field,
    Pointee,
}

internal sealed class TypeMapper(ITypeNames names)
{
    private static readonly Dictionary<string, string> s_knownTypedefs = new(StringComparer.Ordinal)
    {
        ["int8_t"] = "sbyte",
        ["uint8_t"] = "byte",
        ["int16_t"] = "short",
        ["uint16_t"] = "ushort",
        ["int32_t"] = "int",
        ["uint32_t"] = "uint",
        ["int64_t"] = "long",
        ["uint64_t"] = "ulong",
        ["intptr_t"] = "nint",
        ["uintptr_t"] = "nuint",
        ["ptrdiff_t"] = "nint",
        ["ssize_t"] = "nint",
        ["size_t"] = "nuint",
    };

    /// <summary>Element types C# allows in a <c>fixed</c> buffer.</summary>
    public static readonly HashSet<string> FixedBufferTypes = new(StringComparer.Ordinal)
    {
        "bool", "byte", "char", "short", "int", "long", "sbyte", "ushort", "uint", "ulong", "float", "double",
    };

    /// <summary>The C# spelling of <paramref name="type"/>; throws <see cref="BindingException"/> when it has none.</summary>
    public string Map(CXType type, TypeUse use)
    {
        switch (type.Kind)
        {
            case CXTypeKind.Elaborated:
                return Map(LibClang.clang_Type_getNamedType(type), use);
            case CXTypeKind.Attributed:
                return Map(LibClang.clang_Type_getModifiedType(type), use);
            case CXTypeKind.Typedef:
                CXCursor typedefDecl = LibClang.clang_getTypeDeclaration(type);
                if (s_knownTypedefs.TryGetValue(Cx.Spelling(typedefDecl), out string? known))
                {
                    return known;
                }
                return Map(LibClang.clang_getTypedefDeclUnderlyingType(typedefDecl), use);
            case CXTypeKind.Record:
                CXCursor record = LibClang.clang_getTypeDeclaration(type);
                return names.DefinedRecordName(record)
                    ?? (use == TypeUse.Pointee
                        ? names.HandleName(record)
                        : throw new BindingException($"opaque type '{Cx.Spelling(type)}' can only be used through a pointer"));
            case CXTypeKind.Enum:
                return names.EnumName(LibClang.clang_getTypeDeclaration(type));
            case CXTypeKind.Pointer:
                return MapPointer(LibClang.clang_getPointeeType(type));
            case CXTypeKind.ConstantArray or CXTypeKind.IncompleteArray when use == TypeUse.Parameter:
                return MapPointer(LibClang.clang_getArrayElementType(type));
            case CXTypeKind.Void when use is TypeUse.Return:
                return "void";
            case CXTypeKind.Unexposed:
                // e.g. a parameter declared as an array, which C adjusts to a pointer.
                CXType canonical = LibClang.clang_getCanonicalType(type);
                if (canonical.Kind != CXTypeKind.Unexposed)
                {
                    return Map(canonical, use);
                }
                break;
        }
        return Builtin(type) ?? throw new BindingException($"C type '{Cx.Spelling(type)}' has no blittable C# equivalent here");
    }

    /// <summary>The C# type of a pointer to <paramref name="pointee"/>.</summary>
    private string MapPointer(CXType pointee)
    {
        CXType bare = StripSugar(pointee);
        switch (bare.Kind)
        {
            case CXTypeKind.Void:
                return "void*";
            case CXTypeKind.Char_S or CXTypeKind.Char_U:
                // char* is text: NUL-terminated UTF-8 bytes (see Program.cs).
                return "byte*";
            case CXTypeKind.FunctionProto:
                return FunctionPointer(bare);
            case CXTypeKind.FunctionNoProto:
                throw new BindingException($"function pointer '{Cx.Spelling(pointee)}' has no prototype; declare its parameters (use (void) for none)");
            case CXTypeKind.Record when names.DefinedRecordName(LibClang.clang_getTypeDeclaration(bare)) is null:
                // A pointer to an opaque struct is the handle itself.
                return Map(pointee, TypeUse.Pointee);
        }
        return Map(pointee, TypeUse.Pointee) + "*";
    }

    private string FunctionPointer(CXType function)
    {
        if (LibClang.clang_isFunctionTypeVariadic(function) != 0)
        {
            throw new BindingException($"variadic function pointer '{Cx.Spelling(function)}' is not supported");
        }
        var parts = new List<string>();
        int count = LibClang.clang_getNumArgTypes(function);
        for (uint i = 0; i < count; i++)
        {
            parts.Add(Map(LibClang.clang_getArgType(function, i), TypeUse.Parameter));
        }
        parts.Add(Map(LibClang.clang_getResultType(function), TypeUse.Return));
        return $"delegate* unmanaged[Cdecl]<{string.Join(", ", parts)}>";
    }

    /// <summary>Removes typedefs, elaboration and attributes but keeps the known fixed-width typedefs meaningful.</summary>
    public static CXType StripSugar(CXType type)
    {
        while (true)
        {
            switch (type.Kind)
            {
                case CXTypeKind.Elaborated:
                    type = LibClang.clang_Type_getNamedType(type);
                    break;
                case CXTypeKind.Attributed:
                    type = LibClang.clang_Type_getModifiedType(type);
                    break;
                case CXTypeKind.Typedef:
                    type = LibClang.clang_getTypedefDeclUnderlyingType(LibClang.clang_getTypeDeclaration(type));
                    break;
                case CXTypeKind.Unexposed:
                    CXType canonical = LibClang.clang_getCanonicalType(type);
                    if (canonical.Kind == CXTypeKind.Unexposed)
                    {
                        return type;
                    }
                    type = canonical;
                    break;
                default:
                    return type;
            }
        }
    }

    private static string? Builtin(CXType type) => type.Kind switch
    {
        CXTypeKind.Bool => "byte",          // _Bool is one byte; C# bool is not blittable
        CXTypeKind.Char_S or CXTypeKind.Char_U or CXTypeKind.UChar => "byte",
        CXTypeKind.SChar => "sbyte",
        CXTypeKind.Short => "short",
        CXTypeKind.UShort or CXTypeKind.Char16 => "ushort",
        CXTypeKind.Int => "int",
        CXTypeKind.UInt or CXTypeKind.Char32 => "uint",
        CXTypeKind.Long => "CLong",         // 32 bits on Windows, 64 on Unix: CLong tracks that
        CXTypeKind.ULong => "CULong",
        CXTypeKind.LongLong => "long",
        CXTypeKind.ULongLong => "ulong",
        CXTypeKind.Float => "float",
        CXTypeKind.Double => "double",
        _ => null,
    };
}

/// <summary>A header construct the generator cannot express; reported with exit code 2.</summary>
internal sealed class BindingException(string message) : Exception(message);
