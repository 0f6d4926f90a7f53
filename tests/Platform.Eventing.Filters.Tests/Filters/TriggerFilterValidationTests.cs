using Platform.Eventing.Filters.Filters;

namespace Platform.Eventing.Filters.Tests.Filters;

/// <summary>Validation reports every problem with its field path, as the Trigger apply needs it.</summary>
public sealed class TriggerFilterValidationTests
{
    public sealed record Row(string Label, Dictionary<string, string>? Attributes, SubscriptionsApiFilter[]? Filters, string[] Want)
    {
        public override string ToString() => Label;
    }

    public static TheoryData<Row> Rows => new()
    {
        new("valid filters", null, [new() { Exact = new() { ["type"] = "a" } }, new() { Cesql = "type = 'a'" }], []),
        new("no dialect", null, [new()],
            ["spec.filters[0]: exactly one dialect must be set (exact, prefix, suffix, all, any, not, cesql), found none"]),
        new("two dialects", null, [new() { Exact = new() { ["type"] = "a" }, Cesql = "TRUE" }],
            ["spec.filters[0]: exactly one dialect must be set (exact, prefix, suffix, all, any, not, cesql), found exact, cesql"]),
        new("cesql parse error", null, [new() { Exact = new() { ["type"] = "a" } }, new() { Cesql = "type = " }],
            ["spec.filters[1].cesql: expected a value, an attribute, a function call or '(', found the end of the expression at position 7"]),
        new("cesql unknown function", null, [new() { Cesql = "FOO(type)" }],
            ["spec.filters[0].cesql: unknown function FOO at position 0"]),
        new("cesql not Boolean", null, [new() { Cesql = "LENGTH(type)" }],
            ["spec.filters[0].cesql: the expression returns Integer, but a filter needs a Boolean"]),
        new("empty exact map", null, [new() { Exact = [] }],
            ["spec.filters[0].exact: must name at least one attribute"]),
        new("empty prefix value", null, [new() { Prefix = new() { ["type"] = "" } }],
            ["spec.filters[0].prefix.type: value must not be empty"]),
        new("bad attribute name", null, [new() { Suffix = new() { ["Type"] = "x" } }],
            ["spec.filters[0].suffix.Type: attribute names must be non-empty and contain only lower-case letters and digits"]),
        new("empty all", null, [new() { All = [] }], ["spec.filters[0].all: must contain at least one filter"]),
        new("empty any", null, [new() { Any = [] }], ["spec.filters[0].any: must contain at least one filter"]),
        new("nested errors keep their paths", null,
            [new() { All = [new() { Exact = new() { ["type"] = "a" } }, new() { Not = new() { Cesql = "(" } }] }, new() { Any = [new()] }],
            [
                "spec.filters[0].all[1].not.cesql: expected a value, an attribute, a function call or '(', found the end of the expression at position 1",
                "spec.filters[1].any[0]: exactly one dialect must be set (exact, prefix, suffix, all, any, not, cesql), found none",
            ]),
        new("bad attributes filter name", new() { ["my-ext"] = "x" }, null,
            ["spec.filter.attributes.my-ext: attribute names must be non-empty and contain only lower-case letters and digits"]),
        new("attributes checked even when filters override them", new() { ["Bad"] = "" }, [new() { Cesql = "TRUE" }],
            ["spec.filter.attributes.Bad: attribute names must be non-empty and contain only lower-case letters and digits"]),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Reports_every_error_with_its_path(Row row)
    {
        var errors = TriggerFilterBuilder.Validate(row.Attributes, row.Filters);

        Assert.Equal(row.Want, errors.Select(e => e.ToString()));
        Assert.Equal(row.Want.Length == 0, TriggerFilterBuilder.TryBuild(row.Attributes, row.Filters, out var filter, out var buildErrors));
        Assert.Equal(row.Want.Length == 0, filter is not null);
        Assert.Equal(errors, buildErrors);
    }

    [Fact]
    public void Build_throws_with_every_error_and_a_custom_path()
    {
        var error = Assert.Throws<ArgumentException>(() => TriggerFilterBuilder.Build(null, [new(), new() { Cesql = "1 +" }], "spec.branches[0]"));

        Assert.Contains("spec.branches[0].filters[0]: exactly one dialect must be set", error.Message);
        Assert.Contains("spec.branches[0].filters[1].cesql: expected a value", error.Message);
    }
}
