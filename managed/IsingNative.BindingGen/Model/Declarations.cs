// What the header reader extracts and the emitter writes: a language-neutral list
// of declarations whose C# types are already resolved (strings such as "int",
// "IsnContextHandle*", "delegate* unmanaged[Cdecl]<void*, int, void>").
namespace IsingNative.BindingGen.Model;

/// <summary>A documentation comment, already split into XML-doc sections (unescaped text).</summary>
internal sealed record DocComment(
    IReadOnlyList<string> Summary,
    IReadOnlyList<(string Name, IReadOnlyList<string> Text)> Params,
    IReadOnlyList<string> Returns)
{
    public static readonly DocComment Empty = new([], [], []);

    public bool IsEmpty => Summary.Count == 0 && Params.Count == 0 && Returns.Count == 0;
}

/// <summary>A top-level C# type generated from the header, in header order.</summary>
internal abstract record TypeDeclaration(string CName, string CsName, DocComment Doc);

/// <summary>A C enum with its explicit values.</summary>
internal sealed record EnumDeclaration(string CName, string CsName, DocComment Doc,
    string UnderlyingType, IReadOnlyList<EnumMember> Members) : TypeDeclaration(CName, CsName, Doc);

internal sealed record EnumMember(string CName, string CsName, string Value, DocComment Doc);

/// <summary>An opaque C struct, only ever used through pointers: a pointer-sized handle in C#.</summary>
internal sealed record HandleDeclaration(string CName, string CsName, DocComment Doc)
    : TypeDeclaration(CName, CsName, Doc);

/// <summary>A C struct or union with a definition.</summary>
internal sealed record StructDeclaration(string CName, string CsName, DocComment Doc,
    bool IsUnion, long Size, long Alignment, bool ExplicitLayout, IReadOnlyList<FieldDeclaration> Fields)
    : TypeDeclaration(CName, CsName, Doc);

/// <summary>
/// One field. <see cref="FixedLength"/> &gt; 0 marks a C array: a C# <c>fixed</c> buffer when
/// <see cref="CsType"/> is a primitive, otherwise an [InlineArray] helper type.
/// </summary>
internal sealed record FieldDeclaration(string CName, string CsType, long Offset, long FixedLength, DocComment Doc);

/// <summary>A <c>#define NAME literal</c> constant.</summary>
internal sealed record ConstantDeclaration(string Name, string CsType, string Value, DocComment Doc);

/// <summary>An exported function.</summary>
internal sealed record FunctionDeclaration(string Name, string ReturnType,
    IReadOnlyList<ParameterDeclaration> Parameters, DocComment Doc);

internal sealed record ParameterDeclaration(string Name, string CsType);

/// <summary>Everything generated from one header.</summary>
internal sealed record HeaderModel(
    IReadOnlyList<TypeDeclaration> Types,
    IReadOnlyList<ConstantDeclaration> Constants,
    IReadOnlyList<FunctionDeclaration> Functions);
