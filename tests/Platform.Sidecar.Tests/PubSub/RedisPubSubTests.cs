using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Sidecar.Tests.Infrastructure;
using StackExchange.Redis;

namespace Platform.Sidecar.Tests.PubSub;

/// <summary>Publish and delivery through real sidecar processes over Redis, with the official SDK on both ends.</summary>
public sealed class RedisPubSubTests(PubSubTopology topology) : IClassFixture<PubSubTopology>
{
    private static string Key(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static string DataKey(Received r) => r.Envelope.GetProperty("data").GetProperty("key").GetString()!;

    [SkippableFact]
    public async Task Every_app_receives_each_message_once_and_replicas_of_one_app_compete()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Publisher.CreateClient();
        var keys = Enumerable.Range(0, 30).Select(_ => Key("fan")).ToList();
        foreach (var key in keys)
        {
            await client.PublishEventAsync("pubsub", "fanout", new { key });
            await Task.Delay(5);
        }

        bool AllArrived() => keys.All(k => topology.Beta.On("fanout").Any(r => DataKey(r) == k))
            && keys.All(k => topology.Alpha.SelectMany(a => a.On("fanout")).Any(r => DataKey(r) == k));
        await Eventually.HoldsAsync(AllArrived, "every fanout message at alpha and beta");
        await Task.Delay(300); // a duplicate would show up now

        var beta = topology.Beta.On("fanout").Select(DataKey).Where(keys.Contains).ToList();
        var alpha = topology.Alpha.Select(a => a.On("fanout").Select(DataKey).Where(keys.Contains).ToList()).ToArray();
        Assert.Equal(keys.Count, beta.Distinct().Count());
        Assert.Equal(keys.Count, beta.Count);
        Assert.Equal(keys.Count, alpha.Sum(a => a.Count));
        Assert.Equal(keys.Count, alpha.SelectMany(a => a).Distinct().Count());
        Assert.All(alpha, replica => Assert.NotEmpty(replica));

        // Dapr's Redis layout: a stream per topic, one consumer group per app-id, the envelope in field "data".
        await using var redis = topology.Redis.Connect();
        var groups = await redis.GetDatabase().StreamGroupInfoAsync("fanout");
        Assert.Equal(["alpha", "beta"], groups.Select(g => g.Name).Order().ToArray());
        var first = (await redis.GetDatabase().StreamRangeAsync("fanout", count: 1)).Single();
        Assert.Equal("data", first.Values.Single().Name);
    }

    [SkippableFact]
    public async Task Http_publish_builds_Dapr_envelope_and_merges_incoming_cloud_events()
    {
        topology.Redis.SkipIfUnavailable();
        using var http = topology.Publisher.CreateHttpClient();
        var key = Key("http");
        using var plain = new StringContent(JsonSerializer.Serialize(new { key }), Encoding.UTF8, "application/json");
        plain.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1.0/publish/pubsub/ce") { Content = plain };
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        request.Headers.Add("traceparent", traceParent);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(request)).StatusCode);

        var merged = Key("merged");
        using var ce = new StringContent($$$"""{"specversion":"1.0","id":"{{{merged}}}","source":"shop","type":"order.placed","data":{"key":"{{{merged}}}"}}""");
        ce.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("/v1.0/publish/pubsub/ce", ce)).StatusCode);

        await Eventually.HoldsAsync(() => topology.Beta.On("ce").Any(r => DataKey(r) == key) && topology.Beta.On("ce").Any(r => DataKey(r) == merged), "both events at /ce");
        var plainEvent = topology.Beta.On("ce").Single(r => DataKey(r) == key);
        Assert.StartsWith("application/cloudevents+json", plainEvent.ContentType);
        var e = plainEvent.Envelope;
        Assert.Equal("pub", e.GetProperty("source").GetString());
        Assert.Equal("com.dapr.event.sent", e.GetProperty("type").GetString());
        Assert.Equal("1.0", e.GetProperty("specversion").GetString());
        Assert.Equal("ce", e.GetProperty("topic").GetString());
        Assert.Equal("pubsub", e.GetProperty("pubsubname").GetString());
        Assert.Equal("application/json", e.GetProperty("datacontenttype").GetString());
        Assert.Equal(traceParent, e.GetProperty("traceparent").GetString());
        Assert.True(Guid.TryParse(e.GetProperty("id").GetString(), out _));

        var m = topology.Beta.On("ce").Single(r => DataKey(r) == merged).Envelope;
        Assert.Equal(merged, m.GetProperty("id").GetString());
        Assert.Equal("shop", m.GetProperty("source").GetString());
        Assert.Equal("order.placed", m.GetProperty("type").GetString());
        Assert.Equal("ce", m.GetProperty("topic").GetString());
        Assert.Equal("pubsub", m.GetProperty("pubsubname").GetString());
    }

    [SkippableFact]
    public async Task Retry_answers_are_redelivered_until_success()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Publisher.CreateClient();
        var key = Key("retry");
        await client.PublishEventAsync("pubsub", "outcome-retry", new { key });
        await Eventually.HoldsAsync(() => topology.Attempts.GetValueOrDefault(key) == 3, "RETRY, RETRY, SUCCESS");
        await Task.Delay(300);
        Assert.Equal(3, topology.Attempts[key]);
    }

    [SkippableFact]
    public async Task Unknown_status_is_retried()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Publisher.CreateClient();
        var key = Key("unknown");
        await client.PublishEventAsync("pubsub", "outcome-unknown", new { key });
        await Eventually.HoldsAsync(() => topology.Attempts.GetValueOrDefault(key) == 2, "unknown status retried once, then 200");
    }

    [SkippableTheory]
    [InlineData("outcome-drop", "dead-drop", 1)]
    [InlineData("outcome-404", "dead-404", 1)]
    [InlineData("outcome-500", "dead-500", 4)]
    public async Task Dropped_or_exhausted_messages_go_to_the_dead_letter_topic(string topic, string deadLetterTopic, int attempts)
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Publisher.CreateClient();
        var key = Key(topic);
        await client.PublishEventAsync("pubsub", topic, new { key });
        await Eventually.HoldsAsync(() => topology.Beta.On(deadLetterTopic).Any(r => DataKey(r) == key), $"{key} on {deadLetterTopic}");
        var dead = topology.Beta.On(deadLetterTopic).Single(r => DataKey(r) == key).Envelope;
        Assert.Equal(topic, dead.GetProperty("topic").GetString()); // the original envelope, unchanged
        await Task.Delay(200);
        Assert.Equal(attempts, topology.Attempts[key]);
    }

    [SkippableFact]
    public async Task Exhausted_message_without_dead_letter_topic_is_acknowledged_after_the_retries()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Publisher.CreateClient();
        var key = Key("nodlt");
        await client.PublishEventAsync("pubsub", "outcome-500-nodlt", new { key });
        await Eventually.HoldsAsync(() => topology.Attempts.GetValueOrDefault(key) == 4, "1 attempt + 3 retries");
        await using var redis = topology.Redis.Connect();
        await Eventually.HoldsAsync(() => redis.GetDatabase().StreamPending("outcome-500-nodlt", "beta").PendingMessageCount == 0, "acknowledged");
        await Task.Delay(2500); // longer than redeliverInterval: nothing comes back
        Assert.Equal(4, topology.Attempts[key]);
    }

    [SkippableFact]
    public async Task Raw_payload_is_stored_as_is_and_delivered_to_a_raw_subscription()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Publisher.CreateClient();
        var bytes = Encoding.UTF8.GetBytes("raw-" + Guid.NewGuid().ToString("N"));
        await client.PublishByteEventAsync("pubsub", "raw", bytes, "application/octet-stream", new Dictionary<string, string> { ["rawPayload"] = "true" });
        await Eventually.HoldsAsync(() => topology.Beta.On("raw").Any(r => r.Envelope.GetProperty("data_base64").GetBytesFromBase64().SequenceEqual(bytes)), "raw delivery");

        await using var redis = topology.Redis.Connect();
        var entries = await redis.GetDatabase().StreamRangeAsync("raw");
        Assert.Contains(entries, e => ((byte[])e["data"]!).SequenceEqual(bytes));
    }

    [SkippableFact]
    public async Task Routing_rules_pick_the_path_by_cel_match()
    {
        topology.Redis.SkipIfUnavailable();
        using var http = topology.Publisher.CreateHttpClient();
        async Task PublishAsync(string type, string source, string key)
        {
            using var ce = new StringContent($$$"""{"specversion":"1.0","id":"{{{key}}}","source":"{{{source}}}","type":"{{{type}}}","datacontenttype":"application/json","data":{"key":"{{{key}}}"}}""");
            ce.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
            Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("/v1.0/publish/pubsub/routed", ce)).StatusCode);
        }
        var created = Key("created");
        var closed = Key("closed");
        var other = Key("other");
        await PublishAsync("order.created", "shop", created);
        await PublishAsync("order.closed", "shop", closed);
        await PublishAsync("order.closed", "elsewhere", other);
        await Eventually.HoldsAsync(() => topology.Beta.On("routed-default").Any(r => DataKey(r) == other), "default route");
        await Eventually.HoldsAsync(() => topology.Beta.On("created").Any(r => DataKey(r) == created), "created route");
        await Eventually.HoldsAsync(() => topology.Beta.On("shipped-or-closed").Any(r => DataKey(r) == closed), "|| and && route");
        Assert.DoesNotContain(topology.Beta.On("routed-default"), r => DataKey(r) == created || DataKey(r) == closed);
    }

    [SkippableFact]
    public async Task Bulk_publish_delivers_every_entry()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Publisher.CreateClient();
        var keys = Enumerable.Range(0, 5).Select(_ => Key("bulk")).ToList();
        var response = await client.BulkPublishEventAsync("pubsub", "ce", keys.Select(k => new { key = k }).ToList());
        Assert.Empty(response.FailedEntries);
        await Eventually.HoldsAsync(() => keys.All(k => topology.Beta.On("ce").Any(r => DataKey(r) == k)), "every bulk entry");
    }

    [SkippableFact]
    public async Task Bulk_subscription_gets_batches_in_the_SDKs_format_and_each_entry_has_its_own_outcome()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Publisher.CreateClient();
        var ok = Enumerable.Range(0, 24).Select(_ => Key("ok")).ToList();
        var retry = Enumerable.Range(0, 3).Select(_ => Key("retry")).ToList();
        var drop = Enumerable.Range(0, 3).Select(_ => Key("drop")).ToList();
        var response = await client.BulkPublishEventAsync("pubsub", "bulk", ok.Concat(retry).Concat(drop).Select(k => new { key = k }).ToList());
        Assert.Empty(response.FailedEntries);

        await Eventually.HoldsAsync(() => drop.All(k => topology.Beta.On("dead-bulk").Any(r => DataKey(r) == k)), "every DROP entry on the dead-letter topic");
        await Eventually.HoldsAsync(() => ok.All(k => topology.Attempts.GetValueOrDefault(k) == 1) && retry.All(k => topology.Attempts.GetValueOrDefault(k) == 2),
            "each ok entry once, each retried entry twice");
        await using var redis = topology.Redis.Connect();
        await Eventually.HoldsAsync(() => redis.GetDatabase().StreamPending("bulk", "beta").PendingMessageCount == 0, "every entry acknowledged");
        await Task.Delay(300); // a duplicate would show up now
        Assert.All(ok, k => Assert.Equal(1, topology.Attempts[k]));
        Assert.All(retry, k => Assert.Equal(2, topology.Attempts[k]));
        Assert.All(drop, k => Assert.Equal(1, topology.Attempts[k]));

        // Batched: the requests carried several entries each (the component's concurrency, 10, bounds one batch).
        var requests = topology.Beta.On("bulk");
        Assert.All(requests, r => Assert.Equal("application/cloudevents-batch+json", r.ContentType));
        Assert.True(topology.BulkSizes.Max() > 1, $"entries per request: {string.Join(",", topology.BulkSizes)}");
        Assert.True(topology.BulkSizes.Max() <= 10, $"entries per request: {string.Join(",", topology.BulkSizes)}");
        var first = requests[0].Envelope;
        Assert.Equal(("com.dapr.event.sent.bulk", "bulk", "pubsub"), (first.GetProperty("type").GetString(), first.GetProperty("topic").GetString(), first.GetProperty("pubsubname").GetString()));
        var entry = first.GetProperty("entries")[0];
        Assert.Equal("application/cloudevents+json", entry.GetProperty("contentType").GetString());
        Assert.Equal("com.dapr.event.sent", entry.GetProperty("event").GetProperty("type").GetString());
    }

    [SkippableFact]
    public async Task Unknown_pubsub_is_refused_with_Dapr_error_codes()
    {
        topology.Redis.SkipIfUnavailable();
        using var http = topology.Publisher.CreateHttpClient();
        var response = await http.PostAsync("/v1.0/publish/nope/t", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ERR_PUBSUB_NOT_FOUND", await response.Content.ReadAsStringAsync());

        using var client = topology.Publisher.CreateClient();
        var e = await Assert.ThrowsAsync<Dapr.DaprException>(() => client.PublishEventAsync("nope", "t", new { a = 1 }));
        var rpc = Assert.IsType<global::Grpc.Core.RpcException>(e.InnerException);
        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Contains("ERR_PUBSUB_NOT_FOUND", rpc.Status.Detail);

        var bad = await http.PostAsync("/v1.0/publish/pubsub/t?metadata.ttlInSeconds=soon", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("ERR_MALFORMED_REQUEST", await bad.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Oversized_bodies_and_unsound_cloud_events_are_refused_and_nothing_is_appended()
    {
        topology.Redis.SkipIfUnavailable();
        using var http = topology.Publisher.CreateHttpClient();
        var topic = Key("refused");
        var big = new byte[5 * 1024 * 1024];
        Array.Fill(big, (byte)'a');

        // Above daprd's default 4 MiB: 413 whether the length is declared or the body is chunked.
        using (var declared = await http.PostAsync($"/v1.0/publish/pubsub/{topic}", new ByteArrayContent(big)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
            Assert.Contains("ERR_BODY_TOO_LARGE", await declared.Content.ReadAsStringAsync());
        }
        using (var chunkedContent = new StreamContent(new MemoryStream(big)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/publish/pubsub/{topic}") { Content = chunkedContent };
            request.Headers.TransferEncodingChunked = true;
            using var chunked = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
            Assert.Contains("ERR_BODY_TOO_LARGE", await chunked.Content.ReadAsStringAsync());
        }

        // application/cloudevents+json that is not a sound CloudEvent: 400 naming the attribute.
        foreach (var (body, why) in new[]
        {
            ("""{"id":"1",""", "body: not valid JSON"),
            ("[1]", "body: a structured CloudEvent is a JSON object"),
            ("""{"id":7,"source":"s","type":"t"}""", "id: must be a string"),
            ("""{"specversion":"2.0","id":"1","source":"s","type":"t"}""", "specversion"),
        })
        {
            using var content = new StringContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
            using var refused = await http.PostAsync($"/v1.0/publish/pubsub/{topic}", content);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("ERR_PUBSUB_CLOUD_EVENTS_SER", text);
            Assert.Contains(why, text);
        }

        // The gRPC API refuses the same, with gRPC codes.
        using var client = topology.Publisher.CreateClient();
        var tooLarge = await Assert.ThrowsAsync<Dapr.DaprException>(() => client.PublishByteEventAsync("pubsub", topic, big, "application/octet-stream"));
        Assert.Equal(global::Grpc.Core.StatusCode.ResourceExhausted, Assert.IsType<global::Grpc.Core.RpcException>(tooLarge.InnerException).StatusCode);
        var unsound = await Assert.ThrowsAsync<Dapr.DaprException>(() => client.PublishByteEventAsync("pubsub", topic, Encoding.UTF8.GetBytes("[1]"), "application/cloudevents+json"));
        var rpc = Assert.IsType<global::Grpc.Core.RpcException>(unsound.InnerException);
        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Contains("ERR_PUBSUB_CLOUD_EVENTS_SER", rpc.Status.Detail);

        // Nothing reached the topic; a body at the limit still goes through.
        await using var redis = topology.Redis.Connect();
        Assert.False(await redis.GetDatabase().KeyExistsAsync(topic));
        using (var atLimit = await http.PostAsync($"/v1.0/publish/pubsub/{topic}?metadata.rawPayload=true", new ByteArrayContent(new byte[4 * 1024 * 1024])))
            Assert.Equal(HttpStatusCode.NoContent, atLimit.StatusCode);
        Assert.Equal(1, await redis.GetDatabase().StreamLengthAsync(topic));
    }
}
