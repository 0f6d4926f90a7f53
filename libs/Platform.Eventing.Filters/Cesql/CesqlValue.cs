using System.Globalization;

namespace Platform.Eventing.Filters.Cesql;

/// <summary>The three primitive CESQL types (spec §3.1).</summary>
public enum CesqlType
{
    /// <summary>true or false; zero value <c>false</c>.</summary>
    Boolean,

    /// <summary>32-bit signed integer; zero value <c>0</c>.</summary>
    Integer,

    /// <summary>A sequence of Unicode characters; zero value <c>""</c>.</summary>
    String,
}

/// <summary>
/// A CESQL value: a Boolean, an Integer or a String. A struct so evaluation on the dispatcher's hot path does not
/// allocate for booleans and integers.
/// </summary>
public readonly struct CesqlValue : IEquatable<CesqlValue>
{
    private readonly int _integer;
    private readonly string? _string;

    private CesqlValue(CesqlType type, int integer, string? text)
    {
        Type = type;
        _integer = integer;
        _string = text;
    }

    /// <summary>The value <c>true</c>.</summary>
    public static CesqlValue True { get; } = new(CesqlType.Boolean, 1, null);

    /// <summary>The value <c>false</c>, also the zero value of Boolean.</summary>
    public static CesqlValue False { get; } = new(CesqlType.Boolean, 0, null);

    /// <summary>The type of this value.</summary>
    public CesqlType Type { get; }

    /// <summary>The Boolean held; throws if this is not a Boolean.</summary>
    public bool AsBoolean => Type == CesqlType.Boolean ? _integer != 0 : throw WrongType(CesqlType.Boolean);

    /// <summary>The Integer held; throws if this is not an Integer.</summary>
    public int AsInteger => Type == CesqlType.Integer ? _integer : throw WrongType(CesqlType.Integer);

    /// <summary>The String held; throws if this is not a String.</summary>
    public string AsString => Type == CesqlType.String ? _string ?? "" : throw WrongType(CesqlType.String);

    /// <summary>True when this is the Boolean <c>true</c>.</summary>
    public bool IsTrue => Type == CesqlType.Boolean && _integer != 0;

    /// <summary>A Boolean value.</summary>
    public static CesqlValue Boolean(bool value) => value ? True : False;

    /// <summary>An Integer value.</summary>
    public static CesqlValue Integer(int value) => new(CesqlType.Integer, value, null);

    /// <summary>A String value.</summary>
    public static CesqlValue String(string value) => new(CesqlType.String, 0, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>The zero value of <paramref name="type"/> (spec §3.1): false, 0 or "".</summary>
    public static CesqlValue Zero(CesqlType type) => type switch
    {
        CesqlType.Integer => Integer(0),
        CesqlType.String => String(""),
        _ => False,
    };

    /// <inheritdoc />
    public bool Equals(CesqlValue other) =>
        Type == other.Type && (Type == CesqlType.String ? string.Equals(AsString, other.AsString, StringComparison.Ordinal) : _integer == other._integer);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CesqlValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Type == CesqlType.String ? HashCode.Combine(Type, AsString) : HashCode.Combine(Type, _integer);

    /// <summary>Value equality.</summary>
    public static bool operator ==(CesqlValue left, CesqlValue right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(CesqlValue left, CesqlValue right) => !left.Equals(right);

    /// <summary>The value as CESQL would cast it to String: <c>true</c>, <c>-12</c>, or the string itself.</summary>
    public override string ToString() => Type switch
    {
        CesqlType.Boolean => _integer != 0 ? "true" : "false",
        CesqlType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        _ => _string ?? "",
    };

    private InvalidOperationException WrongType(CesqlType wanted) =>
        new($"The CESQL value is a {Type}, not a {wanted}.");
}
