using CsCheck;
using Platform.Eventing.Filters.Cesql;

namespace Platform.Eventing.Filters.Tests.Properties;

/// <summary>The CESQL parser over random token soups: an expression or an error with a position, never an exception.</summary>
public sealed class CesqlProperties
{
    private static readonly Gen<string> Tokens = Gen.OneOf(
        "type", "source", "subject", "id", "=", "!=", "<>", "<", ">=", "AND", "OR", "XOR", "NOT", "LIKE", "IN", "EXISTS",
        "(", ")", ",", "'a%'", "'x'", "\"y\"", "1", "-2", "2147483648", "TRUE", "FALSE", "+", "-", "*", "/", "%",
        "UPPER", "LOWER", "CONCAT", "ABS", "INT", "BOOL", "STRING", "IS", "NULL", "'unterminated", "\\", "é", " ");

    [Fact]
    public void Parsing_a_random_token_soup_never_throws_and_every_refusal_says_why() =>
        Tokens.Array[0, 25].Select(t => string.Join(' ', t)).Sample(text =>
            CesqlExpression.TryParse(text, out var expression, out var error)
                ? expression is not null
                : error is not null && !string.IsNullOrWhiteSpace(error.ToString()), iter: 5000);

    [Fact]
    public void Parsing_random_characters_never_throws() =>
        Gen.String[Gen.Char, 0, 200].Sample(text => { CesqlExpression.TryParse(text, out _, out _); }, iter: 3000);
}
