using System.Text;
using System.Text.Json;
using Platform.Sidecar.Core.Components;
using Platform.Sidecar.Core.PubSub;
using Platform.Sidecar.Core.Resiliency;

namespace Platform.Sidecar.Tests.PubSub;

/// <summary>Pure rules of delivery: the outcome table, CEL routing, retry policies, the envelope.</summary>
public sealed class DeliveryRulesTests
{
    [Theory]
    [InlineData(200, "", DeliveryStatus.Success)]
    [InlineData(204, "", DeliveryStatus.Success)]
    [InlineData(200, """{"status":"SUCCESS"}""", DeliveryStatus.Success)]
    [InlineData(200, """{"status":""}""", DeliveryStatus.Success)]
    [InlineData(200, """{"other":1}""", DeliveryStatus.Success)]
    [InlineData(200, "not json", DeliveryStatus.Success)]
    [InlineData(200, """{"status":"RETRY"}""", DeliveryStatus.Retry)]
    [InlineData(200, """{"status":"MAYBE"}""", DeliveryStatus.Retry)]
    [InlineData(200, """{"status":"DROP"}""", DeliveryStatus.Drop)]
    [InlineData(404, "", DeliveryStatus.Drop)]
    [InlineData(500, "", DeliveryStatus.Retry)]
    [InlineData(503, """{"status":"SUCCESS"}""", DeliveryStatus.Retry)]
    [InlineData(400, "", DeliveryStatus.Retry)]
    public void Outcome_follows_Daprs_table(int status, string body, DeliveryStatus want) =>
        Assert.Equal(want, DeliveryOutcome.FromResponse(status, Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("event.type == \"order.created\"", true)]
    [InlineData("event.type == \"order.created\" && event.source == \"shop\"", true)]
    [InlineData("event.type == \"x\" || event.source == \"shop\"", true)]
    [InlineData("event.type != \"order.created\"", false)]
    [InlineData("!(event.type == \"order.created\")", false)]
    [InlineData("event.data.amount > 10 && event.data.amount <= 20", true)]
    [InlineData("event.type.startsWith(\"order.\")", true)]
    [InlineData("event.missing == \"x\"", false)]
    [InlineData("(event.type == \"a\" || event.type == \"order.created\") && event.data.vip == true", true)]
    public void Cel_match_evaluates_against_the_event(string expression, bool want)
    {
        Assert.True(CelMatch.TryCompile(expression, out var match, out var error), error);
        var e = JsonDocument.Parse("""{"type":"order.created","source":"shop","data":{"amount":15,"vip":true}}""").RootElement;
        Assert.Equal(want, match!.Evaluate(e));
    }

    [Theory]
    [InlineData("event.type ==")]
    [InlineData("type == \"x\"")]
    [InlineData("event.type == \"x")]
    [InlineData("event.type = \"x\"")]
    public void Bad_cel_is_refused_with_a_reason(string expression)
    {
        Assert.False(CelMatch.TryCompile(expression, out _, out var error));
        Assert.Contains(expression, error);
    }

    [Theory]
    [InlineData(RetryKind.Constant, 100, 1000, 3, 1, 100)]
    [InlineData(RetryKind.Constant, 100, 1000, 3, 3, 100)]
    [InlineData(RetryKind.Constant, 100, 1000, 3, 4, null)]
    [InlineData(RetryKind.Constant, 100, 1000, 0, 1, null)]
    [InlineData(RetryKind.Constant, 100, 1000, -1, 50, 100)]
    [InlineData(RetryKind.Exponential, 100, 1000, 10, 1, 100)]
    [InlineData(RetryKind.Exponential, 100, 1000, 10, 2, 150)]
    [InlineData(RetryKind.Exponential, 100, 1000, 10, 3, 225)]
    [InlineData(RetryKind.Exponential, 100, 1000, 10, 10, 1000)]
    public void Retry_policy_spaces_and_bounds_attempts(RetryKind kind, int durationMs, int maxIntervalMs, int maxRetries, int retry, int? wantMs)
    {
        var policy = new RetryPolicy("p", kind, TimeSpan.FromMilliseconds(durationMs), TimeSpan.FromMilliseconds(maxIntervalMs), maxRetries);
        Assert.Equal(wantMs is null ? null : TimeSpan.FromMilliseconds(wantMs.Value), policy.DelayBeforeRetry(retry));
    }

    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("100ms", 100)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("250", 250)]
    public void Go_durations_parse(string text, double wantMs)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(wantMs, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("5x")]
    [InlineData("")]
    [InlineData("s")]
    public void Bad_durations_are_refused(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData("application/json", """{"a":1}""", "data", """{"a":1}""")]
    [InlineData("text/plain", "hello", "data", "\"hello\"")]
    [InlineData("application/octet-stream", "hello", "data_base64", "\"aGVsbG8=\"")]
    [InlineData("application/json", "not json", "data", "\"not json\"")]
    public void Envelope_carries_data_by_content_type(string contentType, string body, string field, string wantJson)
    {
        var bytes = CloudEventEnvelope.Build(new PublishInput(Encoding.UTF8.GetBytes(body), contentType, "app", "t", "ps", null, null, null), DateTimeOffset.UnixEpoch);
        var e = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal(wantJson, e.GetProperty(field).GetRawText());
        Assert.Equal(contentType, e.GetProperty("datacontenttype").GetString());
        Assert.Equal("app", e.GetProperty("source").GetString());
        Assert.StartsWith("00-", e.GetProperty("traceparent").GetString());
    }

    [Fact]
    public void Envelope_ttl_sets_expiration_and_expires()
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var bytes = CloudEventEnvelope.Build(new PublishInput("{}"u8.ToArray(), "application/json", "app", "t", "ps", null, null, TimeSpan.FromSeconds(10)), now);
        Assert.False(CloudEventEnvelope.IsExpired(bytes, now.AddSeconds(9)));
        Assert.True(CloudEventEnvelope.IsExpired(bytes, now.AddSeconds(11)));
    }

    [Fact]
    public void Programmatic_subscriptions_parse_routes_and_report_bad_entries()
    {
        var errors = new List<string>();
        var subs = TopicSubscription.ParseProgrammatic("""
            [{"pubsubname":"ps","topic":"a","route":"/a","deadLetterTopic":"dlt","metadata":{"rawPayload":"true"}},
             {"pubsubName":"ps","topic":"b","routes":{"rules":[{"match":"event.type == \"x\"","path":"/x"}],"default":"/b"}},
             {"topic":"c"},
             {"pubsubname":"ps","topic":"d","routes":{"rules":[{"match":"event.type ==","path":"/d"}]}}]
            """u8, errors);
        Assert.Equal(["a", "b", "d"], subs.Select(s => s.Topic));
        Assert.True(subs[0].RawPayload);
        Assert.Equal("dlt", subs[0].DeadLetterTopic);
        Assert.Equal("/x", subs[1].Routes.Select("""{"type":"x"}"""u8));
        Assert.Equal("/b", subs[1].Routes.Select("""{"type":"y"}"""u8));
        Assert.Equal(2, errors.Count);
    }
}
