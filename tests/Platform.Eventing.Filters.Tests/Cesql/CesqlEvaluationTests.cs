using Platform.Eventing.Filters.Cesql;

namespace Platform.Eventing.Filters.Tests.Cesql;

/// <summary>Semantics the TCK leaves open, decided from the spec text; each row: expression, value, error kind.</summary>
public sealed class CesqlEvaluationTests
{
    public static TheoryData<string, object, CesqlErrorKind?> Rows => new()
    {
        // Precedence (spec §3.6): * / % over + -, over comparisons, over AND/OR/XOR (one level, grouping to the
        // right as the reference grammar does; operands still evaluate left to right).
        { "1 + 2 * 3", 7, null },
        { "10 - 4 - 3", 3, null },
        { "2 * 3 % 4", 2, null },
        { "1 + 1 = 2", true, null },
        { "TRUE OR FALSE AND FALSE", true, null },
        { "FALSE AND FALSE OR TRUE", false, null },
        { "FALSE AND missing OR TRUE", false, null },
        { "TRUE AND FALSE XOR TRUE", true, null },
        { "FALSE XOR TRUE AND FALSE", false, null },
        { "TRUE XOR TRUE XOR TRUE", true, null },
        { "NOT FALSE AND FALSE", false, null },
        { "NOT 1 = 1", false, CesqlErrorKind.Cast }, // NOT binds tighter than =: (NOT 1) = 1
        { "NOT 'true' LIKE 'f%'", true, null }, // (NOT 'true') LIKE 'f%': "false" LIKE 'f%'
        { "NOT 'a' LIKE 'a'", false, CesqlErrorKind.Cast }, // the cast error inside NOT makes LIKE false
        { "-2 IN (-2)", true, null },
        { "1 + 1 IN (2)", 1, null }, // IN binds tighter than +: 1 + (1 IN (2)) = 1 + FALSE
        { "-(3 + 4)", -7, null },
        // Truncated division and remainder with the dividend's sign.
        { "-7 / 2", -3, null },
        { "-7 % 2", -1, null },
        { "7 % -2", 1, null },
        // 32-bit range: the minimum is a literal; overflow is a math error.
        { "-2147483648", int.MinValue, null },
        { "+5", 5, null },
        { "2147483647 + 1", 0, CesqlErrorKind.Math },
        { "-2147483648 - 1", 0, CesqlErrorKind.Math },
        { "65536 * 65536", 0, CesqlErrorKind.Math },
        { "-2147483648 / -1", 0, CesqlErrorKind.Math },
        { "-(-2147483648)", int.MaxValue, CesqlErrorKind.Math },
        // Implicit casts.
        { "'10' > '9'", true, null },
        { "'abc' = 1", false, CesqlErrorKind.Cast },
        { "'x' + 1", 1, CesqlErrorKind.Cast },
        { "1 = TRUE", false, CesqlErrorKind.Cast },
        { "'yes' AND TRUE", false, CesqlErrorKind.Cast },
        { "TRUE = 'true'", true, null },
        { "BOOL('tRuE')", true, null },
        { "INT('+42')", 42, null },
        { "INT(' 42')", 0, CesqlErrorKind.Cast },
        { "INT('2147483648')", 0, CesqlErrorKind.Cast },
        { "STRING(-0)", "0", null },
        { "IS_INT('12')", true, null },
        { "IS_INT('1.5')", false, null },
        { "IS_BOOL('False')", true, null },
        { "IS_BOOL(1)", false, null },
        // Errors inside operands give the operator's zero value, not a computed one.
        { "NOT (1 / 0 = 0)", false, CesqlErrorKind.Math },
        { "LENGTH(missing)", 0, CesqlErrorKind.MissingAttribute },
        { "CONCAT('a', missing)", "", CesqlErrorKind.MissingAttribute },
        { "missing IN (1, 2)", false, CesqlErrorKind.MissingAttribute },
        { "1 IN (2, missing)", false, CesqlErrorKind.MissingAttribute },
        { "1 IN (1, missing)", true, null },
        { "missing OR TRUE", false, CesqlErrorKind.MissingAttribute },
        { "TRUE OR missing", true, null },
        { "FALSE AND missing", false, null },
        // Functions: names are case-insensitive; unknown ones evaluate to false with MissingFunction.
        { "lower('ABC')", "abc", null },
        { "Concat_Ws('-', 1, TRUE)", "1-true", null },
        { "NOPE(1)", false, CesqlErrorKind.MissingFunction },
        { "ABS(1, 2)", false, CesqlErrorKind.MissingFunction },
        { "SUBSTRING('abc', 1, -1)", "", CesqlErrorKind.FunctionEvaluation },
        { "SUBSTRING('abc', -3)", "abc", null },
        { "SUBSTRING('abc', 3)", "c", null },
        { "LEFT('abc', 'x')", "", CesqlErrorKind.Cast },
        { "TRIM('\t a \n')", "a", null },
        { "CONCAT('a','b','c','d','e','f')", "abcdef", null },
        // Characters are code points: an emoji is one character.
        { "LENGTH('a😀b')", 3, null },
        { "LEFT('😀😀x', 2)", "😀😀", null },
        { "RIGHT('x😀', 1)", "😀", null },
        { "SUBSTRING('a😀bc', 2, 2)", "😀b", null },
        { "'😀' LIKE '_'", true, null },
        // LIKE: % and _ wildcards, backslash escapes, case-sensitive, whole-string match.
        { "'ABC' LIKE 'abc'", false, null },
        { "'abc' NOT LIKE 'x%'", true, null },
        { "'abc' NOT LIKE 'a%'", false, null },
        { "4 NOT IN (1, 2)", true, null },
        { "'2' NOT IN (1, 2)", false, null },
        { "missing NOT LIKE 'x'", false, CesqlErrorKind.MissingAttribute },
        { "missing NOT IN (1)", false, CesqlErrorKind.MissingAttribute },
        { "'abc' LIKE '%'", true, null },
        { "'' LIKE '%'", true, null },
        { "'' LIKE '_'", false, null },
        { "'abcabc' LIKE '%b_a%'", true, null },
        { "'abc' LIKE '%d%'", false, null },
        { "'xabcx' LIKE '%abc%'", true, null },
        { "'a\\b' LIKE 'a\\\\b'", true, null },
        { "'100%' LIKE '100\\%'", true, null },
        { "'1000' LIKE '100\\%'", false, null },
        { "'aXbXc' LIKE 'a%X%c'", true, null },
        { "'mississippi' LIKE 'm%iss%ppi'", true, null },
        { "'mississippi' LIKE 'm%issx%ppi'", false, null },
        // Literals: doubled quotes, escapes, keywords in any case.
        { "'it''s'", "it's", null },
        { "\"say \"\"hi\"\"\"", "say \"hi\"", null },
        { "TrUe aNd NoT fAlSe", true, null },
        // Attributes: case-insensitive names, typed extensions.
        { "TYPE = 'dev.knative.sample'", true, null },
        { "count + 1", 42, null },
        { "flag", true, null },
        { "EXISTS count AND NOT EXISTS nothere", true, null },
        { "seq IN (5, 6)", true, null },
        { "subject LIKE 'order-%'", true, null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Evaluates(string text, object want, CesqlErrorKind? wantError)
    {
        var expression = CesqlExpression.Parse(text);
        var cloudEvent = TestEvents.Create(attributes: [("count", 41), ("flag", true), ("seq", "5"), ("subject", "order-7")]);

        var result = expression.Evaluate(cloudEvent);

        var expected = want switch
        {
            int i => CesqlValue.Integer(i),
            bool b => CesqlValue.Boolean(b),
            _ => CesqlValue.String((string)want),
        };
        Assert.Equal(expected, result.Value);
        if (wantError is { } kind)
        {
            Assert.NotEmpty(result.Errors);
            Assert.All(result.Errors, e => Assert.Equal(kind, e.Kind));
        }
        else
        {
            Assert.Empty(result.Errors);
        }
        Assert.Equal(result.Passes, expression.Matches(cloudEvent));
    }

    [Theory]
    [InlineData("missing", 0)]
    [InlineData("1 + missing", 4)]
    [InlineData("1 / 0", 2)]
    [InlineData("INT('x')", 0)] // an explicit cast is raised by the call
    [InlineData("LEFT('a', 'x')", 10)] // an implicit argument cast points at the argument
    [InlineData("  NOPE()", 2)]
    [InlineData("LEFT('a', -1)", 0)]
    public void Evaluation_errors_carry_the_position_of_the_subexpression(string text, int position)
    {
        var result = CesqlExpression.Parse(text).Evaluate(TestEvents.Create());

        var error = Assert.Single(result.Errors);
        Assert.Equal(position, error.Position);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Missing_attribute_error_names_the_attribute()
    {
        var result = CesqlExpression.Parse("Missing = 'x'").Evaluate(TestEvents.Create());

        Assert.Contains("'missing'", Assert.Single(result.Errors).Message);
    }

    [Theory]
    [InlineData("TRUE", CesqlType.Boolean)]
    [InlineData("1 + 1", CesqlType.Integer)]
    [InlineData("CONCAT('a')", CesqlType.String)]
    [InlineData("type LIKE 'a%'", CesqlType.Boolean)]
    [InlineData("type", null)]
    public void Return_type_is_known_statically_except_for_bare_attributes(string text, CesqlType? want)
    {
        Assert.Equal(want, CesqlExpression.Parse(text).ReturnType);
    }

    [Fact]
    public void Unknown_functions_parse_but_are_listed_with_their_position()
    {
        Assert.True(CesqlExpression.TryParse("TRUE AND foo(1) OR LEFT('a')", out var expression, out _));

        Assert.Collection(expression!.UnknownFunctions,
            e => Assert.Equal(("unknown function FOO", 9), (e.Message, e.Position)),
            e => Assert.Equal(("function LEFT does not take 1 argument", 19), (e.Message, e.Position)));
    }

    [Theory]
    [InlineData("TRUE", true)]
    [InlineData("'true'", false)] // a filter needs a Boolean, not something castable to one
    [InlineData("1", false)]
    [InlineData("flag", true)]
    [InlineData("type = 'dev.knative.sample' OR missing", true)]
    [InlineData("missing OR type = 'dev.knative.sample'", false)]
    [InlineData("1 / 0 = 0", false)]
    public void Matches_only_on_Boolean_true_without_errors(string text, bool want)
    {
        Assert.Equal(want, CesqlExpression.Parse(text).Matches(TestEvents.Create(attributes: [("flag", true)])));
    }

    [Fact]
    public void Time_is_read_in_its_canonical_string_form()
    {
        var cloudEvent = TestEvents.Create(attributes: [("time", "2024-01-02T03:04:05Z")]);

        var result = CesqlExpression.Parse("time LIKE '2024-01-02T03:04:05%'").Evaluate(cloudEvent);

        Assert.True(result.Passes, string.Join(", ", result.Errors));
    }

    [Fact]
    public void Matching_a_typical_expression_does_not_allocate()
    {
        var expression = CesqlExpression.Parse("type = 'dev.knative.sample' AND source LIKE 'https://%' AND seq IN ('5', '6') AND NOT EXISTS nothere");
        var cloudEvent = TestEvents.Create(attributes: [("seq", "5")]);
        for (var i = 0; i < 100; i++) Assert.True(expression.Matches(cloudEvent));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++) expression.Matches(cloudEvent);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Evaluate_rejects_a_null_event_and_Parse_reports_position()
    {
        Assert.Throws<ArgumentNullException>(() => CesqlExpression.Parse("TRUE").Evaluate(null!));
        var error = Assert.Throws<FormatException>(() => CesqlExpression.Parse("1 +"));
        Assert.Contains("at position 3", error.Message);
    }
}
