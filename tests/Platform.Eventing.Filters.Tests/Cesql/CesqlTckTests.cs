using Platform.Eventing.Filters.Cesql;

namespace Platform.Eventing.Filters.Tests.Cesql;

/// <summary>
/// Every case of every file of the CloudEvents SQL TCK, no exclusions. Without the TCK on the machine there is one
/// row, skipped with the reason (failed under CI=true).
/// </summary>
public sealed class CesqlTckTests
{
    public static IEnumerable<object[]> Cases() => CesqlTck.Missing is null
        ? CesqlTck.Cases.Select(c => new object[] { c.File, c.Index, c.Name })
        : [["(the TCK is missing)", -1, "every TCK case"]];

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Case(string file, int index, string name)
    {
        CesqlTck.RequirePresent();
        var tck = CesqlTck.Cases.Single(c => c.File == file && c.Index == index);
        Assert.Equal(name, tck.Name);

        var parsed = CesqlExpression.TryParse(tck.Expression, out var expression, out var parseError);
        if (tck.Error == CesqlErrorKind.Parse)
        {
            Assert.False(parsed, $"'{tck.Expression}' parsed but the TCK expects a parse error");
            Assert.NotNull(parseError);
            Assert.InRange(parseError.Position, 0, tck.Expression.Length);
            return;
        }
        Assert.True(parsed, $"'{tck.Expression}' failed to parse: {parseError}");

        var result = expression!.Evaluate(tck.BuildEvent());

        if (tck.Error is { } expectedError)
        {
            Assert.True(result.HasErrors, $"expected a {expectedError} error, got none (value {result.Value})");
            Assert.All(result.Errors, e => Assert.Equal(expectedError, e.Kind));
        }
        else
        {
            Assert.Empty(result.Errors);
        }
        if (tck.Result is { } expected)
        {
            Assert.Equal(expected.Type, result.Value.Type);
            Assert.Equal(expected, result.Value);
        }
    }

    [SkippableFact]
    public void Every_file_of_the_TCK_is_read_and_has_cases()
    {
        CesqlTck.RequirePresent();
        var files = CesqlTck.Files.Select(Path.GetFileName).ToList();
        Assert.True(files.Count >= 18, $"expected the 18 TCK files in {CesqlTck.Directory}, found {files.Count}");
        foreach (var file in files)
        {
            Assert.Contains(CesqlTck.Cases, c => c.File == file);
        }
        Assert.Equal(CesqlTck.Cases.Count, Cases().Count());
    }
}
