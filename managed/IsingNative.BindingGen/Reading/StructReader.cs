// Reads one struct/union definition. The C# struct is Sequential when clang's field
// offsets are exactly what natural alignment gives (then .NET computes the same
// layout); anything else (#pragma pack, alignas, unions) gets an explicit layout
// with clang's offsets and size, so the C# side can never drift from the C side.
using IsingNative.BindingGen.Clang;
using IsingNative.BindingGen.Model;

namespace IsingNative.BindingGen.Reading;

internal static class StructReader
{
    public static StructDeclaration Read(CXCursor cursor, string cName, TypeMapper types, DocComment doc)
    {
        bool isUnion = cursor.Kind == CXCursorKind.UnionDecl;
        CXType type = LibClang.clang_getCursorType(cursor);
        long size = LibClang.clang_Type_getSizeOf(type);
        long alignment = LibClang.clang_Type_getAlignOf(type);
        if (size < 0 || alignment <= 0)
        {
            throw new BindingException($"struct '{cName}': libclang could not compute its layout (error {size})");
        }

        var fields = new List<FieldDeclaration>();
        bool natural = !isUnion;
        long end = 0;
        foreach (CXCursor field in Cx.Children(cursor).Where(c => c.Kind == CXCursorKind.FieldDecl))
        {
            string name = Cx.Spelling(field);
            string where = $"struct '{cName}', field '{name}'";
            if (name.Length == 0)
            {
                throw new BindingException($"struct '{cName}' has an anonymous member; name it");
            }
            if (LibClang.clang_Cursor_isBitField(field) != 0)
            {
                throw new BindingException($"{where}: bit-fields have no portable layout; use a whole integer");
            }

            CXType fieldType = LibClang.clang_getCursorType(field);
            long offsetBits = LibClang.clang_Cursor_getOffsetOfField(field);
            long fieldSize = LibClang.clang_Type_getSizeOf(fieldType);
            long fieldAlignment = LibClang.clang_Type_getAlignOf(fieldType);
            if (offsetBits < 0 || offsetBits % 8 != 0 || fieldSize < 0 || fieldAlignment <= 0)
            {
                throw new BindingException($"{where}: libclang could not compute its layout (flexible array member?)");
            }
            long offset = offsetBits / 8;
            natural &= offset == AlignUp(end, fieldAlignment);
            end = offset + fieldSize;

            (CXType element, long length) = ArrayElement(fieldType);
            string csType;
            try
            {
                csType = types.Map(element, TypeUse.Field);
            }
            catch (BindingException e)
            {
                throw new BindingException($"{where}: {e.Message}");
            }
            fields.Add(new FieldDeclaration(name, csType, offset, length, DocCommentParser.Parse(Cx.RawComment(field))));
        }
        natural &= AlignUp(end, alignment) == size;
        return new StructDeclaration(cName, Generation.Naming.TypeName(cName), doc, isUnion, size, alignment, !natural, fields);
    }

    /// <summary>
    /// For an array field, its innermost element type (sugar kept, so int32_t stays
    /// int32_t) and the total element count; multi-dimensional arrays are flattened in
    /// row-major order. For other fields, the type itself and 0.
    /// </summary>
    private static (CXType Element, long Length) ArrayElement(CXType type)
    {
        long length = 0;
        while (true)
        {
            CXType bare = TypeMapper.StripSugar(type);
            if (bare.Kind == CXTypeKind.IncompleteArray)
            {
                throw new BindingException("flexible array members are not supported");
            }
            if (bare.Kind != CXTypeKind.ConstantArray)
            {
                return (type, length);
            }
            long dimension = LibClang.clang_getArraySize(bare);
            if (dimension <= 0)
            {
                throw new BindingException("zero-length arrays are not supported");
            }
            length = length == 0 ? dimension : length * dimension;
            type = LibClang.clang_getArrayElementType(bare);
        }
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}
