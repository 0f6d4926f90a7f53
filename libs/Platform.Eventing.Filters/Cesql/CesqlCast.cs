using System.Globalization;

namespace Platform.Eventing.Filters.Cesql;

/// <summary>
/// Type casts (spec §3.7). A failed cast raises a Cast error and yields the target type's zero value; the caller
/// carries on with it, as CESQL operators are total.
/// </summary>
internal static class CesqlCast
{
    /// <summary>
    /// The cast operators apply to their operands. Integer → Boolean is refused here (Cast error, false) as the TCK
    /// requires for <c>NOT 10</c>; the explicit <c>BOOL()</c> function accepts it.
    /// </summary>
    public static CesqlValue Implicit(CesqlValue value, CesqlType target, ref EvaluationScope scope, int position) =>
        value.Type == target ? value : Convert(value, target, allowIntegerToBoolean: false, ref scope, position);

    /// <summary>The cast the INT, BOOL and STRING functions perform: every pair of types of the cast table.</summary>
    public static CesqlValue Explicit(CesqlValue value, CesqlType target, ref EvaluationScope scope, int position) =>
        value.Type == target ? value : Convert(value, target, allowIntegerToBoolean: true, ref scope, position);

    /// <summary>String → Integer: optional sign, base-10 digits, 32-bit range.</summary>
    public static bool TryParseInteger(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>String → Boolean: the lower-case form must be exactly "true" or "false".</summary>
    public static bool TryParseBoolean(string text, out bool value)
    {
        if (AsciiEqualsIgnoreCase(text, "true"))
        {
            value = true;
            return true;
        }
        value = false;
        return AsciiEqualsIgnoreCase(text, "false");
    }

    private static CesqlValue Convert(CesqlValue value, CesqlType target, bool allowIntegerToBoolean, ref EvaluationScope scope, int position)
    {
        switch (target)
        {
            case CesqlType.String:
                return CesqlValue.String(value.ToString());
            case CesqlType.Integer when value.Type == CesqlType.Boolean:
                return CesqlValue.Integer(value.AsBoolean ? 1 : 0);
            case CesqlType.Integer:
                if (TryParseInteger(value.AsString, out var integer)) return CesqlValue.Integer(integer);
                break;
            case CesqlType.Boolean when value.Type == CesqlType.Integer:
                if (allowIntegerToBoolean) return CesqlValue.Boolean(value.AsInteger != 0);
                break;
            case CesqlType.Boolean:
                if (TryParseBoolean(value.AsString, out var boolean)) return CesqlValue.Boolean(boolean);
                break;
        }

        scope.Raise(CesqlErrorKind.Cast, position, (value, target), static s => Describe(s.value, s.target));
        return CesqlValue.Zero(target);
    }

    private static string Describe(CesqlValue value, CesqlType target) => value.Type == CesqlType.String
        ? $"cannot cast String '{value.AsString}' to {target}"
        : $"cannot cast {value.Type} {value} to {target}";

    private static bool AsciiEqualsIgnoreCase(string text, string lowerAscii)
    {
        if (text.Length != lowerAscii.Length) return false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterUpper(c)) c = (char)(c | 0x20);
            if (c != lowerAscii[i]) return false;
        }
        return true;
    }
}
