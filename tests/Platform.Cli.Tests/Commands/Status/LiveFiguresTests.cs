using Platform.Cli.Commands.Status;

namespace Platform.Cli.Tests.Commands.Status;

public class LiveFiguresTests
{
    // label, one line of the exposition format, name, "k=v,k=v" labels, value (null: skipped)
    public static TheoryData<string, string, string?, string, double?> Lines => new()
    {
        { "labels", "activator_request_count{namespace_name=\"default\",revision_name=\"hello-00001\",response_code=\"200\"} 12", "activator_request_count", "namespace_name=default,revision_name=hello-00001,response_code=200", 12 },
        { "no labels", "dotnet_gc_collections 3", "dotnet_gc_collections", "", 3 },
        { "timestamp after the value", "up{job=\"x\"} 1 1712345678000", "up", "job=x", 1 },
        { "float with exponent", "x_sum{a=\"b\"} 1.5e3", "x_sum", "a=b", 1500 },
        { "+Inf bucket label", "x_bucket{le=\"+Inf\"} 7", "x_bucket", "le=+Inf", 7 },
        { "escaped quote and comma in a value", "x{a=\"say \\\"hi\\\", bye\",b=\"2\"} 4", "x", "a=say \"hi\", bye,b=2", 4 },
        { "comment", "# HELP x something", null, "", null },
        { "unterminated labels", "x{a=\"b\" 1", null, "", null },
        { "not a number", "x{a=\"b\"} many", null, "", null },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Reads_a_line_of_the_exposition_format(string label, string line, string? name, string labels, double? value)
    {
        var samples = MetricsText.Parse(line + "\n");
        if (name is null)
        {
            Assert.True(samples.Count == 0, label);
            return;
        }
        var sample = Assert.Single(samples);
        Assert.Equal(name, sample.Name);
        Assert.Equal(value, sample.Value);
        // Values may hold commas: compare label by label in the order written.
        var expected = labels.Length == 0 ? [] : labels == "a=say \"hi\", bye,b=2"
            ? new[] { ("a", "say \"hi\", bye"), ("b", "2") }
            : labels.Split(',').Select(p => (p[..p.IndexOf('=')], p[(p.IndexOf('=') + 1)..])).ToArray();
        Assert.Equal(expected, sample.Labels.Select(kv => (kv.Key, kv.Value)).ToArray());
    }

    private const string Autoscaler = """
        # TYPE autoscaler_desired_pods gauge
        autoscaler_desired_pods{namespace_name="default",configuration_name="hello",revision_name="hello-00001"} 3
        autoscaler_actual_pods{namespace_name="default",configuration_name="hello",revision_name="hello-00001"} 2
        autoscaler_desired_pods{namespace_name="default",configuration_name="hello",revision_name="hello-00002"} 0
        """;

    private const string ActivatorBefore = """
        activator_request_count{namespace_name="default",service_name="hello",configuration_name="hello",revision_name="hello-00001",response_code="200",response_code_class="2xx"} 100
        activator_request_count{namespace_name="default",service_name="hello",configuration_name="hello",revision_name="hello-00001",response_code="503",response_code_class="5xx"} 4
        """;

    private const string ActivatorAfter = """
        activator_request_count{namespace_name="default",service_name="hello",configuration_name="hello",revision_name="hello-00001",response_code="200",response_code_class="2xx"} 140
        activator_request_count{namespace_name="default",service_name="hello",configuration_name="hello",revision_name="hello-00001",response_code="503",response_code_class="5xx"} 6
        activator_request_count{namespace_name="other",service_name="x",configuration_name="x",revision_name="x-00001",response_code="200",response_code_class="2xx"} 5
        activator_request_concurrency{namespace_name="default",configuration_name="hello",revision_name="hello-00001"} 7
        """;

    [Fact]
    public void Revisions_combine_the_autoscaler_gauges_with_the_activator_rate_over_two_scrapes()
    {
        var rows = LiveFigures.Revisions(MetricsText.Parse(Autoscaler), MetricsText.Parse(ActivatorBefore), MetricsText.Parse(ActivatorAfter), 2.0);
        Assert.Equal(
        [
            new RevisionFigures("default", "hello-00001", 3, 2, 7, 21), // (146 - 104) / 2 s, every code
            new RevisionFigures("default", "hello-00002", 0, null, null, null),
            new RevisionFigures("other", "x-00001", null, null, null, 2.5), // new since the first scrape: all of it
        ], rows);
    }

    [Fact]
    public void Deliveries_sum_outcomes_per_trigger_and_subscription()
    {
        var broker = MetricsText.Parse("""
            broker_delivery_outcomes{namespace_name="default",kind="Trigger",trigger_name="display",outcome="delivered"} 10
            broker_delivery_outcomes{namespace_name="default",kind="Trigger",trigger_name="display",outcome="dead_lettered"} 2
            broker_delivery_outcomes{namespace_name="default",kind="Trigger",trigger_name="display",outcome="redelivery"} 1
            broker_delivery_retries{namespace_name="default",kind="Trigger",trigger_name="display"} 9
            broker_delivery_outcomes{namespace_name="default",kind="Subscription",subscription_name="sub",outcome="dropped"} 1
            mt_broker_filter_event_count{namespace_name="default",kind="Trigger",trigger_name="display",response_code="200"} 10
            """);
        Assert.Equal(
        [
            new DeliveryFigures("default", "Subscription", "sub", 0, 0, 0, 1),
            new DeliveryFigures("default", "Trigger", "display", 10, 9, 2, 0),
        ], LiveFigures.Deliveries(broker));
    }
}
