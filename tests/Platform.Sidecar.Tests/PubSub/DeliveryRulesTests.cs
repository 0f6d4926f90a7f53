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

    [Theory]
    [InlineData(200, """{"statuses":[{"entryId":"a","status":"SUCCESS"},{"entryId":"b","status":"DROP"},{"entryId":"c","status":"RETRY"}]}""", "Success,Drop,Retry")]
    [InlineData(200, """{"statuses":[{"entryId":"a","status":"SUCCESS"}]}""", "Success,Retry,Retry")] // not mentioned: retried, as Dapr documents
    [InlineData(200, """{"statuses":[{"status":"SUCCESS","entryId":"c"},{"entryId":"a","status":"MAYBE"},{"entryId":"b","status":1}]}""", "Retry,Retry,Success")]
    [InlineData(200, """{"other":{"statuses":[]},"statuses":[{"entryId":"b","status":"SUCCESS","extra":[1,2]}]}""", "Retry,Success,Retry")]
    [InlineData(200, "", "Success,Success,Success")] // as for one event: an empty 2xx is a success
    [InlineData(204, "not json", "Success,Success,Success")]
    [InlineData(200, """{"status":"RETRY"}""", "Success,Success,Success")] // no statuses array
    [InlineData(404, "", "Drop,Drop,Drop")]
    [InlineData(500, """{"statuses":[{"entryId":"a","status":"SUCCESS"}]}""", "Retry,Retry,Retry")]
    [InlineData(429, "", "Retry,Retry,Retry")]
    public void Bulk_outcome_is_read_per_entry(int status, string body, string want) =>
        Assert.Equal(want, string.Join(',', DeliveryOutcome.FromBulkResponse(status, Encoding.UTF8.GetBytes(body), ["a", "b", "c"])));

    [Fact]
    public void Bulk_message_has_Daprs_layout_with_each_event_as_json()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        BulkMessage.Write(buffer, "batch-1", "ps", "orders", [("1-0", """{"id":"e1","data":{"n":1}}"""u8.ToArray()), ("2-0", """{"id":"e2"}"""u8.ToArray())]);
        Assert.Equal(
            """{"entries":[{"entryId":"1-0","event":{"id":"e1","data":{"n":1}},"contentType":"application/cloudevents+json","metadata":{}},""" +
            """{"entryId":"2-0","event":{"id":"e2"},"contentType":"application/cloudevents+json","metadata":{}}],"id":"batch-1","metadata":{"pubsubName":"ps"},"pubsubname":"ps","topic":"orders","type":"com.dapr.event.sent.bulk"}""",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData("""{"a":1}""", true)]
    [InlineData("""  {"a":[1,2]}  """, true)]
    [InlineData("""{"a":1}{"b":2}""", false)]
    [InlineData("""{"a":""", false)]
    [InlineData("raw bytes", false)]
    [InlineData("", false)]
    public void Only_complete_json_joins_a_bulk_message_as_is(string text, bool want) =>
        Assert.Equal(want, BulkMessage.IsJson(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Programmatic_bulk_subscribe_reads_Daprs_fields_and_defaults()
    {
        var errors = new List<string>();
        var subs = TopicSubscription.ParseProgrammatic("""
            [{"pubsubname":"ps","topic":"a","route":"/a","bulkSubscribe":{"enabled":true,"maxMessagesCount":50,"maxAwaitDurationMs":40}},
             {"pubsubname":"ps","topic":"b","route":"/b","bulkSubscribe":{"enabled":true,"maxMessagesCount":0}},
             {"pubsubname":"ps","topic":"c","route":"/c","bulkSubscribe":{"enabled":false,"maxMessagesCount":5}},
             {"pubsubname":"ps","topic":"d","route":"/d","bulkSubscribe":{"enabled":true,"maxMessagesCount":-3}},
             {"pubsubname":"ps","topic":"e","route":"/e","bulkSubscribe":{"enabled":true,"maxAwaitDurationMs":"soon"}}]
            """u8, errors);
        Assert.Equal(["a", "b", "c"], subs.Select(s => s.Topic));
        Assert.Equal(new BulkSubscribeOptions(50, 40), subs[0].Bulk);
        Assert.Equal(new BulkSubscribeOptions(100, 1000), subs[1].Bulk); // 0 is what the SDKs send for "not set"
        Assert.Null(subs[2].Bulk);
        Assert.Collection(errors,
            e => Assert.Contains("[3]: bulkSubscribe.maxMessagesCount: -3 is not a positive integer", e),
            e => Assert.Contains("[4]: bulkSubscribe.maxAwaitDurationMs: \"soon\" is not a positive integer", e));
    }
}
