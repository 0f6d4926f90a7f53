using Platform.Eventing.Filters.Cesql;

namespace Platform.Eventing.Filters.Tests.Cesql;

/// <summary>
/// Expressions arrive from users at apply time: whatever the text, parsing answers with a result or a positioned
/// error, and evaluating a parsed expression never throws.
/// </summary>
public sealed class CesqlRobustnessTests
{
    private static readonly string[] Pieces =
    [
        "(", ")", ",", "+", "-", "*", "/", "%", "=", "!=", "<>", "<", "<=", ">", ">=", "AND", "or", "XoR", "NOT",
        "LIKE", "EXISTS", "IN", "TRUE", "false", "0", "1", "-2147483648", "2147483647", "'a%_\\'", "\"x\"", "type",
        "myint", "missing", "LENGTH", "CONCAT", "SUBSTRING", "ABS", "INT", "BOOL", "LEFT", "NOPE", "'😀'", " ", "!", "'", "@",
    ];

    [Fact]
    public void Random_token_soup_never_throws()
    {
        var random = new Random(20260101);
        var cloudEvent = TestEvents.Create(attributes: [("myint", 7)]);
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = string.Join(" ", Enumerable.Range(0, random.Next(1, 12)).Select(_ => Pieces[random.Next(Pieces.Length)]));
            if (CesqlExpression.TryParse(text, out var expression, out var error))
            {
                parsed++;
                var result = expression!.Evaluate(cloudEvent);
                Assert.Equal(result.Passes, expression.Matches(cloudEvent));
            }
            else
            {
                Assert.InRange(error!.Position, 0, text.Length);
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }
        }
        Assert.InRange(parsed, 100, 19_900); // the soup exercises both outcomes
    }
}
