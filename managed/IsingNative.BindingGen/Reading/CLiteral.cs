// C numeric literal → (C# type, C# literal), following C's rules for the type of an
// integer constant (C11 6.4.4.1) with C's long taken as 64-bit: an unsuffixed
// decimal is the first of int, long that holds it; hex/octal also try uint, ulong;
// "u" restricts to unsigned, "l"/"ll" start at long.
using System.Globalization;
using System.Numerics;

namespace IsingNative.BindingGen.Reading;

internal static class CLiteral
{
    public static bool TryParse(string text, bool negative, out string csType, out string value)
    {
        csType = value = "";
        text = text.Replace("'", "", StringComparison.Ordinal);   // C23 digit separators
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!hex && (text.Contains('.') || text.Contains('e') || text.Contains('E')))
        {
            return TryParseFloating(text, negative, out csType, out value);
        }
        return TryParseInteger(text, hex, negative, out csType, out value);
    }

    private static bool TryParseInteger(string text, bool hex, bool negative, out string csType, out string value)
    {
        csType = value = "";
        string suffix = new(text.Reverse().TakeWhile(c => "uUlL".Contains(c)).Reverse().ToArray());
        string digits = text[..^suffix.Length];
        bool unsignedSuffix = suffix.Contains('u') || suffix.Contains('U');
        int longSuffix = suffix.Count(c => c is 'l' or 'L');
        if (longSuffix > 2)
        {
            return false;
        }

        bool binary = digits.StartsWith("0b", StringComparison.OrdinalIgnoreCase);
        int radix = hex ? 16 : binary ? 2 : digits.Length > 1 && digits[0] == '0' ? 8 : 10;
        string body = hex || binary ? digits[2..] : digits;
        if (body.Length == 0)
        {
            return false;
        }
        BigInteger magnitude = BigInteger.Zero;
        foreach (char c in body)
        {
            int digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigitLower(c) ? c - 'a' + 10 : char.IsAsciiHexDigitUpper(c) ? c - 'A' + 10 : 99;
            if (digit >= radix)
            {
                return false;
            }
            magnitude = magnitude * radix + digit;
        }

        string[] candidates = (unsignedSuffix, longSuffix > 0, radix == 10) switch
        {
            (false, false, true) => ["int", "long"],
            (false, false, false) => ["int", "uint", "long", "ulong"],
            (true, false, _) => ["uint", "ulong"],
            (false, true, true) => ["long"],
            (false, true, false) => ["long", "ulong"],
            (true, true, _) => ["ulong"],
        };
        string? type = candidates.FirstOrDefault(t => magnitude <= Max(t));
        if (type is null)
        {
            return false;
        }
        csType = type;
        if (type is "uint" or "ulong")
        {
            // Unary minus on an unsigned constant wraps, exactly as in C.
            BigInteger modulus = Max(type) + 1;
            BigInteger wrapped = negative ? (modulus - magnitude) % modulus : magnitude;
            value = hex && !negative ? "0x" + body.ToUpperInvariant() : wrapped.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            value = (negative ? "-" : "") + (hex ? "0x" + body.ToUpperInvariant() : magnitude.ToString(CultureInfo.InvariantCulture));
        }
        return true;
    }

    private static bool TryParseFloating(string text, bool negative, out string csType, out string value)
    {
        csType = value = "";
        char last = text[^1];
        if (last is 'l' or 'L')
        {
            return false;   // long double has no C# equivalent
        }
        bool single = last is 'f' or 'F';
        string number = single ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }
        // C allows "1." and "1.e5"; C# wants a digit after the point.
        int point = number.IndexOf('.');
        if (point >= 0 && (point == number.Length - 1 || !char.IsAsciiDigit(number[point + 1])))
        {
            number = number.Insert(point + 1, "0");
        }
        csType = single ? "float" : "double";
        value = (negative ? "-" : "") + number + (single ? "f" : "");
        return true;
    }

    private static BigInteger Max(string type) => type switch
    {
        "int" => int.MaxValue,
        "uint" => uint.MaxValue,
        "long" => long.MaxValue,
        _ => ulong.MaxValue,
    };
}
