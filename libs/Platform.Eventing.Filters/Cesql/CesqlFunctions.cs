using System.Text;

namespace Platform.Eventing.Filters.Cesql;

/// <summary>
/// The built-in functions: the string and math functions of spec §3.5 and the casting functions INT, BOOL,
/// STRING, IS_BOOL, IS_INT exercised by the TCK. Names are case-insensitive; overloads are told apart by arity.
/// Lengths and positions count Unicode code points, not UTF-16 units.
/// </summary>
internal static class CesqlFunctions
{
    private const CesqlType S = CesqlType.String;
    private const CesqlType I = CesqlType.Integer;
    private const CesqlType B = CesqlType.Boolean;

    private static readonly Dictionary<string, CesqlFunction[]> ByName = new CesqlFunction[]
    {
        new("ABS", [I], false, I, Abs),
        new("LENGTH", [S], false, I, static (a, ref _, _) => CesqlValue.Integer(CodePoints.Count(a[0].AsString))),
        new("CONCAT", [S], true, S, static (a, ref _, _) => CesqlValue.String(Join("", a))),
        new("CONCAT_WS", [S, S], true, S, static (a, ref _, _) => CesqlValue.String(Join(a[0].AsString, a[1..]))),
        new("LOWER", [S], false, S, static (a, ref _, _) => CesqlValue.String(a[0].AsString.ToLowerInvariant())),
        new("UPPER", [S], false, S, static (a, ref _, _) => CesqlValue.String(a[0].AsString.ToUpperInvariant())),
        new("TRIM", [S], false, S, static (a, ref _, _) => CesqlValue.String(a[0].AsString.Trim())),
        new("LEFT", [S, I], false, S, static (a, ref s, p) => Side(a, ref s, p, fromLeft: true)),
        new("RIGHT", [S, I], false, S, static (a, ref s, p) => Side(a, ref s, p, fromLeft: false)),
        new("SUBSTRING", [S, I], false, S, static (a, ref s, p) => Substring(a[0].AsString, a[1].AsInteger, null, ref s, p)),
        new("SUBSTRING", [S, I, I], false, S, static (a, ref s, p) => Substring(a[0].AsString, a[1].AsInteger, a[2].AsInteger, ref s, p)),
        new("INT", [null], false, I, static (a, ref s, p) => CesqlCast.Explicit(a[0], I, ref s, p)),
        new("BOOL", [null], false, B, static (a, ref s, p) => CesqlCast.Explicit(a[0], B, ref s, p)),
        new("STRING", [null], false, S, static (a, ref s, p) => CesqlCast.Explicit(a[0], S, ref s, p)),
        new("IS_BOOL", [S], false, B, static (a, ref _, _) => CesqlValue.Boolean(CesqlCast.TryParseBoolean(a[0].AsString, out _))),
        new("IS_INT", [S], false, B, static (a, ref _, _) => CesqlValue.Boolean(CesqlCast.TryParseInteger(a[0].AsString, out _))),
    }.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds the overload of <paramref name="name"/> (any case) taking <paramref name="arity"/> arguments.</summary>
    public static bool TryResolve(string name, int arity, out CesqlFunction function)
    {
        function = null!;
        if (!ByName.TryGetValue(name, out var overloads)) return false;
        // A fixed-arity overload wins over a variadic one (spec §3.5 keeps them from overlapping anyway).
        foreach (var candidate in overloads)
        {
            if (!candidate.IsVariadic && candidate.Accepts(arity)) { function = candidate; return true; }
        }
        foreach (var candidate in overloads)
        {
            if (candidate.Accepts(arity)) { function = candidate; return true; }
        }
        return false;
    }

    public static string DescribeMissing(string name, int arity) =>
        ByName.ContainsKey(name)
            ? $"function {name.ToUpperInvariant()} does not take {arity} argument{(arity == 1 ? "" : "s")}"
            : $"unknown function {name.ToUpperInvariant()}";

    private static CesqlValue Abs(ReadOnlySpan<CesqlValue> arguments, ref EvaluationScope scope, int position)
    {
        var x = arguments[0].AsInteger;
        if (x != int.MinValue) return CesqlValue.Integer(Math.Abs(x));
        scope.Raise(CesqlErrorKind.Math, position, "ABS(-2147483648) overflows a 32-bit integer");
        return CesqlValue.Integer(int.MaxValue);
    }

    private static string Join(string separator, ReadOnlySpan<CesqlValue> parts)
    {
        if (parts.Length == 0) return "";
        if (parts.Length == 1) return parts[0].AsString;
        var builder = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) builder.Append(separator);
            builder.Append(parts[i].AsString);
        }
        return builder.ToString();
    }

    /// <summary>LEFT/RIGHT: the first/last y characters, x itself when y ≥ length, and x with an error when y &lt; 0.</summary>
    private static CesqlValue Side(ReadOnlySpan<CesqlValue> arguments, ref EvaluationScope scope, int position, bool fromLeft)
    {
        var text = arguments[0].AsString;
        var count = arguments[1].AsInteger;
        if (count < 0)
        {
            scope.Raise(CesqlErrorKind.FunctionEvaluation, position, (fromLeft, count),
                static s => $"{(s.fromLeft ? "LEFT" : "RIGHT")} length must not be negative, got {s.count}");
            return arguments[0];
        }
        var length = CodePoints.Count(text);
        if (count >= length) return arguments[0];
        return CesqlValue.String(fromLeft
            ? text[..CodePoints.Offset(text, count)]
            : text[CodePoints.Offset(text, length - count)..]);
    }

    private static CesqlValue Substring(string text, int pos, int? len, ref EvaluationScope scope, int position)
    {
        var length = CodePoints.Count(text);
        if (len < 0)
        {
            scope.Raise(CesqlErrorKind.FunctionEvaluation, position, len.Value, static l => $"SUBSTRING length must not be negative, got {l}");
            return CesqlValue.String("");
        }
        if (pos > length || pos < -length)
        {
            scope.Raise(CesqlErrorKind.FunctionEvaluation, position, (pos, length),
                static s => $"SUBSTRING position {s.pos} is outside a string of {s.length} characters");
            return CesqlValue.String("");
        }
        if (pos == 0) return CesqlValue.String("");
        var start = pos > 0 ? pos - 1 : length + pos;
        var take = Math.Min(len ?? int.MaxValue, length - start);
        var from = CodePoints.Offset(text, start);
        return CesqlValue.String(text[from..CodePoints.Offset(text, start + take)]);
    }
}

/// <summary>Counting and indexing by Unicode code point; plain UTF-16 arithmetic when there are no surrogates.</summary>
internal static class CodePoints
{
    public static int Count(string text)
    {
        if (!HasSurrogates(text)) return text.Length;
        var count = 0;
        for (var i = 0; i < text.Length; i += Width(text, i)) count++;
        return count;
    }

    /// <summary>UTF-16 offset of the code point at <paramref name="index"/> (text length when past the end).</summary>
    public static int Offset(string text, int index)
    {
        if (!HasSurrogates(text)) return Math.Min(index, text.Length);
        var offset = 0;
        for (var i = 0; i < index && offset < text.Length; i++) offset += Width(text, offset);
        return offset;
    }

    private static bool HasSurrogates(string text) => text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    private static int Width(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
}
