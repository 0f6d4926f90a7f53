using CloudNative.CloudEvents;
using Platform.Eventing.Filters.Filters;

namespace Platform.Eventing.Filters.Tests.Filters;

/// <summary>Knative Trigger filter semantics, as tables: label, attributes, filters, event, want.</summary>
public sealed class TriggerFilterTests
{
    private static readonly CloudEvent Order = TestEvents.Create(
        "com.example.order.created", "https://shop.example.com/orders",
        ("subject", "order-42"), ("region", "eu-west"), ("priority", 5), ("urgent", true), ("blank", ""));

    public sealed record Row(string Label, Dictionary<string, string>? Attributes, SubscriptionsApiFilter[]? Filters, bool Want)
    {
        public override string ToString() => Label;
    }

    private static Dictionary<string, string> Map(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private static SubscriptionsApiFilter Exact(params (string, string)[] pairs) => new() { Exact = Map(pairs) };

    private static SubscriptionsApiFilter Prefix(params (string, string)[] pairs) => new() { Prefix = Map(pairs) };

    private static SubscriptionsApiFilter Suffix(params (string, string)[] pairs) => new() { Suffix = Map(pairs) };

    private static SubscriptionsApiFilter Cesql(string expression) => new() { Cesql = expression };

    public static TheoryData<Row> Rows => new()
    {
        // No filter at all: everything passes.
        new("no filter", null, null, true),
        new("empty attributes and filters", Map(), [], true),

        // filter.attributes: exact match; "" = present with a non-empty value; missing attribute fails.
        new("attributes: type matches", Map(("type", "com.example.order.created")), null, true),
        new("attributes: type differs", Map(("type", "com.example.order.deleted")), null, false),
        new("attributes: case-sensitive values", Map(("type", "COM.EXAMPLE.ORDER.CREATED")), null, false),
        new("attributes: type and source match", Map(("type", "com.example.order.created"), ("source", "https://shop.example.com/orders")), null, true),
        new("attributes: one of two differs", Map(("type", "com.example.order.created"), ("source", "https://other")), null, false),
        new("attributes: extension matches", Map(("region", "eu-west")), null, true),
        new("attributes: integer extension by its string form", Map(("priority", "5")), null, true),
        new("attributes: boolean extension by its string form", Map(("urgent", "true")), null, true),
        new("attributes: missing extension fails", Map(("tenant", "acme")), null, false),
        new("attributes: empty value, extension present", Map(("region", "")), null, true),
        new("attributes: empty value, extension absent", Map(("tenant", "")), null, false),
        new("attributes: empty value, extension present but empty", Map(("blank", "")), null, false),
        new("attributes: empty value, optional subject present", Map(("subject", "")), null, true),
        new("attributes: empty value, optional time absent", Map(("time", "")), null, false),
        new("attributes: specversion", Map(("specversion", "1.0")), null, true),

        // exact / prefix / suffix dialects.
        new("exact: match", null, [Exact(("type", "com.example.order.created"))], true),
        new("exact: mismatch", null, [Exact(("type", "com.example.order"))], false),
        new("exact: missing attribute", null, [Exact(("tenant", "acme"))], false),
        new("exact: several attributes all match", null, [Exact(("type", "com.example.order.created"), ("region", "eu-west"))], true),
        new("exact: several attributes, one differs", null, [Exact(("type", "com.example.order.created"), ("region", "us-east"))], false),
        new("prefix: match", null, [Prefix(("type", "com.example."))], true),
        new("prefix: whole value", null, [Prefix(("type", "com.example.order.created"))], true),
        new("prefix: mismatch", null, [Prefix(("type", "org.example."))], false),
        new("prefix: on source URI", null, [Prefix(("source", "https://"))], true),
        new("prefix: missing extension", null, [Prefix(("tenant", "a"))], false),
        new("suffix: match", null, [Suffix(("type", ".created"))], true),
        new("suffix: mismatch", null, [Suffix(("type", ".deleted"))], false),
        new("suffix: on extension", null, [Suffix(("region", "-west"))], true),
        new("suffix: missing extension", null, [Suffix(("tenant", "a"))], false),

        // all / any / not.
        new("all: every nested filter matches", null, [new() { All = [Prefix(("type", "com.")), Suffix(("type", ".created"))] }], true),
        new("all: one nested filter fails", null, [new() { All = [Prefix(("type", "com.")), Suffix(("type", ".deleted"))] }], false),
        new("any: one nested filter matches", null, [new() { Any = [Exact(("type", "x")), Exact(("region", "eu-west"))] }], true),
        new("any: no nested filter matches", null, [new() { Any = [Exact(("type", "x")), Exact(("region", "y"))] }], false),
        new("not: negates a mismatch", null, [new() { Not = Exact(("type", "x")) }], true),
        new("not: negates a match", null, [new() { Not = Exact(("region", "eu-west")) }], false),
        new("not: missing attribute makes the inner filter fail, so not passes", null, [new() { Not = Exact(("tenant", "a")) }], true),
        new("nested: not(any(all))", null, [new() { Not = new() { Any = [new() { All = [Exact(("region", "eu-west")), Prefix(("subject", "order-"))] }] } }], false),

        // cesql dialect: true only without errors.
        new("cesql: match", null, [Cesql("type LIKE '%.created' AND priority > 3")], true),
        new("cesql: false", null, [Cesql("priority > 10")], false),
        new("cesql: boolean extension", null, [Cesql("urgent")], true),
        new("cesql: missing attribute evaluates to false", null, [Cesql("NOT (tenant = 'acme')")], false),
        new("cesql: error with a true value still fails", null, [Cesql("NOT 10")], false),
        new("cesql: math error fails", null, [Cesql("priority / 0 = 0")], false),
        new("cesql: string value is not a Boolean", null, [Cesql("region")], false),

        // The filters list is ANDed and overrides filter.attributes.
        new("filters: all entries match", null, [Exact(("region", "eu-west")), Cesql("EXISTS subject")], true),
        new("filters: one entry fails", null, [Exact(("region", "eu-west")), Cesql("NOT EXISTS subject")], false),
        new("filters override a failing attributes filter", Map(("type", "never")), [Exact(("region", "eu-west"))], true),
        new("filters override a passing attributes filter", Map(("region", "eu-west")), [Exact(("type", "never"))], false),
        new("empty filters list falls back to attributes", Map(("type", "never")), [], false),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Matches(Row row)
    {
        var filter = TriggerFilterBuilder.Build(row.Attributes, row.Filters);

        Assert.Equal(row.Want, filter.Matches(Order));
        Assert.Equal(row.Want, filter.Matches(Order)); // pure: same answer twice
    }

    [Theory]
    [InlineData(false, false, TriggerFilterSource.None)]
    [InlineData(true, false, TriggerFilterSource.Attributes)]
    [InlineData(true, true, TriggerFilterSource.Filters)]
    [InlineData(false, true, TriggerFilterSource.Filters)]
    public void Source_says_which_part_of_the_spec_decides(bool attributes, bool filters, TriggerFilterSource want)
    {
        var filter = TriggerFilterBuilder.Build(
            attributes ? Map(("type", "a")) : null,
            filters ? [Exact(("type", "b"))] : null);

        Assert.Equal(want, filter.Source);
    }

    [Fact]
    public void Matching_a_typical_trigger_does_not_allocate()
    {
        var filter = TriggerFilterBuilder.Build(null,
        [
            Exact(("type", "com.example.order.created"), ("source", "https://shop.example.com/orders")),
            Prefix(("region", "eu-")),
            Cesql("subject LIKE 'order-%' AND region IN ('eu-west', 'eu-north')"),
        ]);
        for (var i = 0; i < 100; i++) Assert.True(filter.Matches(Order));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++) filter.Matches(Order);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Match_all_lets_everything_through()
    {
        Assert.True(TriggerFilter.MatchAll.Matches(Order));
        Assert.Throws<ArgumentNullException>(() => TriggerFilter.MatchAll.Matches(null!));
    }
}
