// Walks a parsed translation unit and builds the HeaderModel. Only declarations in
// files under the header's own directory are read (so a public header split into
// several files still works, and <stdint.h> and friends are not).
//
// Two passes: the first names every record and enum (a typedef name wins over the
// tag, so "typedef struct {..} foo;" is "foo"), the second maps fields, parameters
// and results, which may refer to any of those names.
using IsingNative.BindingGen.Clang;
using IsingNative.BindingGen.Generation;
using IsingNative.BindingGen.Model;

namespace IsingNative.BindingGen.Reading;

internal sealed unsafe class HeaderReader : ITypeNames
{
    private readonly void* _translationUnit;
    private readonly string _headerDirectory;
    private readonly Action<string> _note;
    private readonly TypeMapper _types;

    private readonly Dictionary<string, string> _cNameByUsr = new(StringComparer.Ordinal);
    private readonly HashSet<string> _definedRecords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TypeDeclaration> _typesByUsr = new(StringComparer.Ordinal);
    private readonly List<TypeDeclaration> _typeOrder = [];
    private readonly Dictionary<string, CXCursor> _typedefByUsr = new(StringComparer.Ordinal);

    public HeaderReader(void* translationUnit, string headerPath, Action<string> note)
    {
        _translationUnit = translationUnit;
        _headerDirectory = Path.GetDirectoryName(Path.GetFullPath(headerPath))!;
        _note = note;
        _types = new TypeMapper(this);
    }

    public HeaderModel Read()
    {
        CXCursor root = LibClang.clang_getTranslationUnitCursor(_translationUnit);
        List<CXCursor> ours = Cx.Children(root).Where(IsOurs).ToList();

        NameTypes(ours);

        var constants = new MacroReader(_translationUnit, _note);
        var functions = new List<FunctionDeclaration>();
        var seenFunctions = new HashSet<string>(StringComparer.Ordinal);
        foreach (CXCursor cursor in ours)
        {
            switch (cursor.Kind)
            {
                case CXCursorKind.EnumDecl or CXCursorKind.StructDecl or CXCursorKind.UnionDecl:
                    ReadTypeDeclaration(cursor);
                    break;
                case CXCursorKind.TypedefDecl:
                    // "typedef struct {..} x;" defines the record inside the typedef.
                    foreach (CXCursor child in Cx.Children(cursor))
                    {
                        if (child.Kind is CXCursorKind.EnumDecl or CXCursorKind.StructDecl or CXCursorKind.UnionDecl)
                        {
                            ReadTypeDeclaration(child);
                        }
                    }
                    break;
                case CXCursorKind.FunctionDecl:
                    FunctionDeclaration? function = ReadFunction(cursor);
                    if (function is not null && seenFunctions.Add(function.Name))
                    {
                        functions.Add(function);
                    }
                    break;
                case CXCursorKind.VarDecl:
                    _note($"skipped variable '{Cx.Spelling(cursor)}': only functions are bound");
                    break;
                case CXCursorKind.MacroDefinition:
                    constants.Read(cursor);
                    break;
            }
        }
        CheckUniqueNames();
        return new HeaderModel(_typeOrder, constants.Constants, functions);
    }

    // ---- pass 1: names ---------------------------------------------------------------

    private void NameTypes(List<CXCursor> ours)
    {
        // Typedef names first: they are what C users write.
        foreach (CXCursor cursor in ours.Where(c => c.Kind == CXCursorKind.TypedefDecl))
        {
            CXType underlying = LibClang.clang_getTypedefDeclUnderlyingType(cursor);
            while (underlying.Kind == CXTypeKind.Elaborated)
            {
                underlying = LibClang.clang_Type_getNamedType(underlying);
            }
            if (underlying.Kind is CXTypeKind.Record or CXTypeKind.Enum)
            {
                string usr = Cx.Usr(LibClang.clang_getTypeDeclaration(underlying));
                _cNameByUsr.TryAdd(usr, Cx.Spelling(cursor));
                _typedefByUsr.TryAdd(usr, cursor);
            }
        }
        foreach (CXCursor cursor in ours)
        {
            NameRecordOrEnum(cursor, fallbackName: null);
            if (cursor.Kind == CXCursorKind.TypedefDecl)
            {
                foreach (CXCursor child in Cx.Children(cursor))
                {
                    NameRecordOrEnum(child, fallbackName: null);
                }
            }
        }
    }

    private void NameRecordOrEnum(CXCursor cursor, string? fallbackName)
    {
        if (cursor.Kind is not (CXCursorKind.StructDecl or CXCursorKind.UnionDecl or CXCursorKind.EnumDecl))
        {
            return;
        }
        string usr = Cx.Usr(cursor);
        if (!_cNameByUsr.ContainsKey(usr))
        {
            string spelling = Cx.Spelling(cursor);
            // Unnamed records spell as "" (libclang 14) or "struct (unnamed at ...)" (newer).
            bool unnamed = spelling.Length == 0 || spelling.Contains(' ');
            if (unnamed && fallbackName is null)
            {
                throw new BindingException($"unnamed type at {Describe(cursor)} (an anonymous member?): give it a tag, a typedef name or a field name");
            }
            _cNameByUsr[usr] = unnamed ? fallbackName! : spelling;
        }
        if (cursor.Kind != CXCursorKind.EnumDecl && LibClang.clang_isCursorDefinition(cursor) != 0)
        {
            _definedRecords.Add(usr);
            // Records nested in a definition: an unnamed one takes "<outer>_<field>".
            string outer = _cNameByUsr[usr];
            List<CXCursor> children = Cx.Children(cursor);
            foreach (CXCursor child in children.Where(c => c.Kind is CXCursorKind.StructDecl or CXCursorKind.UnionDecl or CXCursorKind.EnumDecl))
            {
                string childUsr = Cx.Usr(child);
                string? fieldName = children
                    .Where(f => f.Kind == CXCursorKind.FieldDecl
                        && Cx.Usr(LibClang.clang_getTypeDeclaration(StripArrays(LibClang.clang_getCursorType(f)))) == childUsr)
                    .Select(Cx.Spelling)
                    .FirstOrDefault(name => name.Length > 0);
                // No named field of this type: a C11 anonymous member (clang hides its implicit
                // field), whose members C# cannot flatten; the unnamed-type error below says so.
                NameRecordOrEnum(child, fieldName is null ? null : $"{outer}_{fieldName}");
            }
        }
    }

    private static CXType StripArrays(CXType type)
    {
        type = TypeMapper.StripSugar(type);
        while (type.Kind is CXTypeKind.ConstantArray or CXTypeKind.IncompleteArray)
        {
            type = TypeMapper.StripSugar(LibClang.clang_getArrayElementType(type));
        }
        return type;
    }

    // ---- ITypeNames ------------------------------------------------------------------

    public string? DefinedRecordName(CXCursor declaration)
    {
        string usr = Cx.Usr(declaration);
        if (_definedRecords.Contains(usr))
        {
            return CsName(usr, declaration);
        }
        if (LibClang.clang_isCursorDefinition(LibClang.clang_getCursorDefinition(declaration)) != 0)
        {
            throw new BindingException($"struct '{Cx.Spelling(declaration)}' is defined outside {_headerDirectory} ({Describe(declaration)})");
        }
        return null;
    }

    public string HandleName(CXCursor declaration)
    {
        string usr = Cx.Usr(declaration);
        if (!_typesByUsr.TryGetValue(usr, out TypeDeclaration? handle))
        {
            string cName = _cNameByUsr.TryGetValue(usr, out string? named) ? named : Cx.Spelling(declaration);
            handle = new HandleDeclaration(cName, Naming.TypeName(cName) + "Handle", DocOf(declaration));
            Add(usr, handle);
        }
        return handle.CsName;
    }

    public string EnumName(CXCursor declaration) => CsName(Cx.Usr(declaration), declaration);

    private string CsName(string usr, CXCursor declaration) =>
        _cNameByUsr.TryGetValue(usr, out string? cName)
            ? Naming.TypeName(cName)
            : throw new BindingException($"type '{Cx.Spelling(declaration)}' is declared outside {_headerDirectory} ({Describe(declaration)})");

    // ---- pass 2: declarations --------------------------------------------------------

    private void ReadTypeDeclaration(CXCursor cursor)
    {
        string usr = Cx.Usr(cursor);
        if (_typesByUsr.ContainsKey(usr))
        {
            return;
        }
        if (LibClang.clang_isCursorDefinition(cursor) == 0)
        {
            // A forward declaration: an opaque handle unless a definition exists somewhere.
            if (cursor.Kind != CXCursorKind.EnumDecl && !_definedRecords.Contains(usr))
            {
                HandleName(cursor);
            }
            return;
        }
        if (cursor.Kind == CXCursorKind.EnumDecl)
        {
            Add(usr, ReadEnum(cursor));
            return;
        }
        // Nested definitions first, so the output reads bottom-up like C requires.
        foreach (CXCursor child in Cx.Children(cursor))
        {
            if (child.Kind is CXCursorKind.StructDecl or CXCursorKind.UnionDecl or CXCursorKind.EnumDecl)
            {
                ReadTypeDeclaration(child);
            }
        }
        Add(usr, StructReader.Read(cursor, _cNameByUsr[usr], _types, DocOf(cursor)));
    }

    private EnumDeclaration ReadEnum(CXCursor cursor)
    {
        string cName = _cNameByUsr[Cx.Usr(cursor)];
        CXType integer = LibClang.clang_getCanonicalType(LibClang.clang_getEnumDeclIntegerType(cursor));
        bool signed = integer.Kind is CXTypeKind.Int or CXTypeKind.Long or CXTypeKind.LongLong
            or CXTypeKind.Short or CXTypeKind.SChar or CXTypeKind.Char_S;
        long size = LibClang.clang_Type_getSizeOf(integer);

        var constants = Cx.Children(cursor).Where(c => c.Kind == CXCursorKind.EnumConstantDecl).ToList();
        var values = constants.Select(c => signed
            ? (Int128)LibClang.clang_getEnumConstantDeclValue(c)
            : (Int128)LibClang.clang_getEnumConstantDeclUnsignedValue(c)).ToList();
        string underlying = EnumUnderlyingType(size, signed && values.Any(v => v < 0), values.DefaultIfEmpty(0).Max(), cName);

        IReadOnlyList<string> memberNames = Naming.EnumMemberNames(constants.Select(Cx.Spelling).ToList());
        var members = constants.Select((c, i) => new EnumMember(Cx.Spelling(c), memberNames[i],
            values[i].ToString(System.Globalization.CultureInfo.InvariantCulture), DocOf(c))).ToList();
        return new EnumDeclaration(cName, Naming.TypeName(cName), DocOf(cursor), underlying, members);
    }

    /// <summary>
    /// int for the usual 4-byte C enum with values in int range (the compiler may pick
    /// unsigned int for non-negative values, but the ABI is the same and int reads better).
    /// </summary>
    private static string EnumUnderlyingType(long size, bool hasNegative, Int128 max, string cName) => size switch
    {
        1 => hasNegative ? "sbyte" : "byte",
        2 => hasNegative ? "short" : "ushort",
        4 => hasNegative || max <= int.MaxValue ? "int" : "uint",
        8 => hasNegative || max <= long.MaxValue ? "long" : "ulong",
        _ => throw new BindingException($"enum '{cName}' has an unsupported size of {size} bytes"),
    };

    private FunctionDeclaration? ReadFunction(CXCursor cursor)
    {
        string name = Cx.Spelling(cursor);
        if (LibClang.clang_Cursor_getStorageClass(cursor) == CXStorageClass.Static)
        {
            _note($"skipped static function '{name}': not exported");
            return null;
        }
        if (LibClang.clang_Cursor_isVariadic(cursor) != 0)
        {
            throw new BindingException($"function '{name}' is variadic; P/Invoke cannot call it portably");
        }
        try
        {
            string result = _types.Map(LibClang.clang_getCursorResultType(cursor), TypeUse.Return);
            var parameters = new List<ParameterDeclaration>();
            int count = LibClang.clang_Cursor_getNumArguments(cursor);
            for (uint i = 0; i < count; i++)
            {
                CXCursor argument = LibClang.clang_Cursor_getArgument(cursor, i);
                string parameterName = Cx.Spelling(argument);
                parameters.Add(new ParameterDeclaration(
                    Naming.Identifier(parameterName.Length == 0 ? $"arg{i}" : parameterName),
                    _types.Map(LibClang.clang_getCursorType(argument), TypeUse.Parameter)));
            }
            return new FunctionDeclaration(name, result, parameters, DocOf(cursor));
        }
        catch (BindingException e)
        {
            throw new BindingException($"function '{name}' ({Describe(cursor)}): {e.Message}");
        }
    }

    // ---- helpers ---------------------------------------------------------------------

    private void Add(string usr, TypeDeclaration declaration)
    {
        _typesByUsr[usr] = declaration;
        _typeOrder.Add(declaration);
    }

    private void CheckUniqueNames()
    {
        foreach (var clash in _typeOrder.GroupBy(t => t.CsName).Where(g => g.Count() > 1))
        {
            throw new BindingException($"C types {string.Join(", ", clash.Select(t => $"'{t.CName}'"))} all map to C# name '{clash.Key}'");
        }
        foreach (EnumDeclaration e in _typeOrder.OfType<EnumDeclaration>())
        {
            foreach (var clash in e.Members.GroupBy(m => m.CsName).Where(g => g.Count() > 1))
            {
                throw new BindingException($"enum '{e.CName}': members {string.Join(", ", clash.Select(m => m.CName))} all map to '{clash.Key}'");
            }
        }
    }

    /// <summary>The comment clang attached; for a typedef'd record, the typedef's comment is the fallback.</summary>
    private DocComment DocOf(CXCursor cursor)
    {
        string? raw = Cx.RawComment(cursor);
        if (raw is null && cursor.Kind is CXCursorKind.StructDecl or CXCursorKind.UnionDecl or CXCursorKind.EnumDecl
            && _typedefByUsr.TryGetValue(Cx.Usr(cursor), out CXCursor typedef))
        {
            raw = Cx.RawComment(typedef);
        }
        return DocCommentParser.Parse(raw);
    }

    private bool IsOurs(CXCursor cursor)
    {
        string file = Cx.Position(cursor).File;
        return file.Length > 0
            && Path.GetFullPath(file).StartsWith(_headerDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static string Describe(CXCursor cursor)
    {
        SourcePosition position = Cx.Position(cursor);
        return $"{position.File}:{position.Line}:{position.Column}";
    }
}
