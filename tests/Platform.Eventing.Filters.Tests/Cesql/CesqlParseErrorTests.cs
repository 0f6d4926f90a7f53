using Platform.Eventing.Filters.Cesql;

namespace Platform.Eventing.Filters.Tests.Cesql;

/// <summary>Parse errors: the message says what is wrong, the position (0-based) where.</summary>
public sealed class CesqlParseErrorTests
{
    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("   ", 3, "empty")]
    [InlineData("ABC(", 4, "end of the expression")]
    [InlineData("(1 + 2", 6, "')' to close the '(' at position 0")]
    [InlineData("1 +", 3, "expected a value")]
    [InlineData("1 2", 2, "unexpected '2' after the end")]
    [InlineData("x LIKE 123", 7, "LIKE must be followed by a string literal")]
    [InlineData("x LIKE y", 7, "LIKE must be followed by a string literal")]
    [InlineData("x IN 1", 5, "parenthesised list")]
    [InlineData("x IN ()", 6, "at least one value")]
    [InlineData("x IN (1, 2", 10, "')' to close the IN list opened at position 5")]
    [InlineData("EXISTS 1", 7, "EXISTS must be followed by an attribute name")]
    [InlineData("EXISTS", 6, "EXISTS must be followed by an attribute name")]
    [InlineData("'abc", 0, "unterminated string literal")]
    [InlineData("type = \"abc", 7, "unterminated string literal")]
    [InlineData("a ! b", 2, "'!' must be followed by '='")]
    [InlineData("type == 'a'", 6, "expected a value")]
    [InlineData("a.b = 1", 1, "unexpected character '.'")]
    [InlineData("2147483648", 0, "outside the 32-bit range")]
    [InlineData("1 + -2147483649", 4, "outside the 32-bit range")]
    [InlineData("my_ext = 'x'", 0, "not a valid attribute name")]
    [InlineData("ABC1(2)", 0, "not a valid function name")]
    [InlineData("LEFT('a', 1,)", 12, "expected a value")]
    [InlineData("NOT", 3, "expected a value")]
    [InlineData("TRUE AND", 8, "expected a value")]
    [InlineData("x NOT y", 2, "unexpected 'NOT' after the end")]
    [InlineData(")", 0, "expected a value")]
    public void Reports_message_and_position(string text, int position, string messagePart)
    {
        Assert.False(CesqlExpression.TryParse(text, out var expression, out var error));

        Assert.Null(expression);
        Assert.NotNull(error);
        Assert.Equal(position, error.Position);
        Assert.Contains(messagePart, error.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_rather_than_overflowing_the_stack()
    {
        var deep = new string('(', 10_000) + "1" + new string(')', 10_000);
        Assert.False(CesqlExpression.TryParse(deep, out _, out var error));
        Assert.Contains("nested more than", error!.Message);

        var longChain = string.Join(" + ", Enumerable.Repeat("1", 10_000));
        Assert.False(CesqlExpression.TryParse(longChain, out _, out error));
        Assert.Contains("nested more than", error!.Message);

        var longOr = string.Join(" OR ", Enumerable.Repeat("type = 'a'", 10_000));
        Assert.False(CesqlExpression.TryParse(longOr, out _, out error));
        Assert.Contains("nested more than", error!.Message);

        var manyNots = string.Concat(Enumerable.Repeat("NOT ", 10_000)) + "TRUE";
        Assert.False(CesqlExpression.TryParse(manyNots, out _, out error));
    }

    [Theory]
    [InlineData("(((((1)))))")]
    [InlineData("type = 'a' AND (source LIKE 'b%' OR subject IN ('c', \"d\"))")]
    [InlineData("NOT EXISTS x AND -x < 3")]
    [InlineData("x NOT IN (1) AND y NOT LIKE 'a'")]
    [InlineData("\t1\r\n=\n1 ")]
    [InlineData("1abc = a1b")]
    [InlineData("type = 'a' OR type = 'b' OR type = 'c' OR type = 'd' OR type = 'e' OR type = 'f' OR type = 'g' OR type = 'h'")]
    public void Accepts_valid_expressions(string text)
    {
        Assert.True(CesqlExpression.TryParse(text, out var expression, out var error), error?.ToString());
        Assert.Equal(text, expression!.Text);
    }

    [Fact]
    public void Long_but_flat_chains_within_the_limit_parse_and_evaluate()
    {
        var chain = string.Join(" OR ", Enumerable.Range(0, 500).Select(i => $"type = 't{i}'"));
        var expression = CesqlExpression.Parse(chain);

        Assert.True(expression.Matches(TestEvents.Create(type: "t499")));
        Assert.False(expression.Matches(TestEvents.Create(type: "t500")));
    }
}
