using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Sidecar.Tests.Infrastructure;
using Platform.Testing;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;
using Status = Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;

namespace Platform.Sidecar.Tests.PubSub;

/// <summary><c>SubscribeTopicEventsAlpha1</c> (streaming subscriptions) against a real sidecar process and Redis.</summary>
public sealed class StreamingSubscriptionTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private SidecarEnvironment _environment = null!;
    private SidecarProcess _sidecar = null!;
    private GrpcChannel _channel = null!;
    private DaprGrpc.DaprClient _client = null!;

    public async Task InitializeAsync()
    {
        if (redis.Unavailable is not null) return;
        _environment = new SidecarEnvironment().WithFile("pubsub.yaml", SidecarEnvironment.Component("pubsub", "pubsub.redis",
            ("redisHost", redis.HostPort), ("processingTimeout", "1s"), ("redeliverInterval", "500ms")));
        _sidecar = await SidecarProcess.StartAsync("streamer", _environment);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_sidecar.GrpcPort}");
        _client = new DaprGrpc.DaprClient(_channel);
    }

    public async Task DisposeAsync()
    {
        if (redis.Unavailable is not null) return;
        _channel.Dispose();
        await _sidecar.DisposeAsync();
        _environment.Dispose();
    }

    private static string Topic() => "stream-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<AsyncDuplexStreamingCall<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1>> SubscribeAsync(
        string topic, string? deadLetter, bool raw, CancellationToken cancellationToken)
    {
        var call = _client.SubscribeTopicEventsAlpha1(cancellationToken: cancellationToken);
        var initial = new SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "pubsub", Topic = topic };
        if (deadLetter is not null) initial.DeadLetterTopic = deadLetter;
        if (raw) initial.Metadata["rawPayload"] = "true";
        await call.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1 { InitialRequest = initial }, cancellationToken);
        Assert.True(await call.ResponseStream.MoveNext(cancellationToken));
        Assert.Equal(SubscribeTopicEventsResponseAlpha1.SubscribeTopicEventsResponseTypeOneofCase.InitialResponse, call.ResponseStream.Current.SubscribeTopicEventsResponseTypeCase);
        return call;
    }

    private Task PublishAsync(string topic, string data, bool raw)
    {
        var request = new PublishEventRequest { PubsubName = "pubsub", Topic = topic, Data = ByteString.CopyFromUtf8(data), DataContentType = "application/json" };
        if (raw) request.Metadata["rawPayload"] = "true";
        return _client.PublishEventAsync(request).ResponseAsync;
    }

    private static async Task<TopicEventRequest> NextAsync(AsyncDuplexStreamingCall<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> call, CancellationToken cancellationToken)
    {
        Assert.True(await call.ResponseStream.MoveNext(cancellationToken));
        return call.ResponseStream.Current.EventMessage;
    }

    private static Task AnswerAsync(AsyncDuplexStreamingCall<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> call, string id, Status status) =>
        call.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1
        {
            EventProcessed = new SubscribeTopicEventsRequestProcessedAlpha1 { Id = id, Status = new TopicEventResponse { Status = status } },
        });

    [SkippableFact]
    public async Task Events_arrive_as_topic_event_requests_and_answers_ack_or_dead_letter()
    {
        redis.SkipIfUnavailable();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var topic = Topic();
        using var call = await SubscribeAsync(topic, topic + "-dlq", raw: false, cts.Token);
        foreach (var n in new[] { 1, 2, 3 }) await PublishAsync(topic, $"{{\"n\":{n}}}", raw: false);

        var answers = new Dictionary<string, Status> { ["{\"n\":1}"] = Status.Success, ["{\"n\":2}"] = Status.Retry, ["{\"n\":3}"] = Status.Drop };
        for (var i = 0; i < 3; i++)
        {
            var e = await NextAsync(call, cts.Token);
            Assert.Equal(topic, e.Topic);
            Assert.Equal("pubsub", e.PubsubName);
            Assert.Equal("com.dapr.event.sent", e.Type);
            Assert.Equal("streamer", e.Source);
            Assert.False(string.IsNullOrEmpty(e.Id));
            await AnswerAsync(call, e.Id, answers[e.Data.ToStringUtf8()]);
        }

        // RETRY without a resiliency policy and DROP both end in the dead-letter topic; SUCCESS is acknowledged.
        await using var connection = redis.Connect();
        var db = connection.GetDatabase();
        await Eventually.HoldsAsync(() => db.StreamLength(topic + "-dlq") == 2, "two messages dead-lettered");
        await Eventually.HoldsAsync(() => db.StreamPending(topic, "streamer").PendingMessageCount == 0, "nothing left pending");
        await call.RequestStream.CompleteAsync();
    }

    [SkippableFact]
    public async Task Raw_payload_arrives_as_published_and_an_unanswered_event_is_redelivered_to_the_next_stream()
    {
        redis.SkipIfUnavailable();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var topic = Topic();
        using (var streamCts = CancellationTokenSource.CreateLinkedTokenSource(cts.Token))
        {
            using var first = await SubscribeAsync(topic, null, raw: true, streamCts.Token);
            await PublishAsync(topic, "{\"specversion\":\"1.0\",\"id\":\"abc\",\"source\":\"urn:x\",\"type\":\"t\"}", raw: true);
            var e = await NextAsync(first, streamCts.Token);
            Assert.Equal("{\"specversion\":\"1.0\",\"id\":\"abc\",\"source\":\"urn:x\",\"type\":\"t\"}", e.Data.ToStringUtf8());
            // No answer: the app goes away.
            await streamCts.CancelAsync();
        }
        using var second = await SubscribeAsync(topic, null, raw: true, cts.Token);
        var again = await NextAsync(second, cts.Token);
        Assert.Contains("\"id\":\"abc\"", again.Data.ToStringUtf8());
        await AnswerAsync(second, again.Id, Status.Success);
        await using var connection = redis.Connect();
        await Eventually.HoldsAsync(() => connection.GetDatabase().StreamPending(topic, "streamer").PendingMessageCount == 0, "acknowledged after redelivery");
        await second.RequestStream.CompleteAsync();
    }

    [SkippableFact]
    public async Task A_stream_must_start_with_an_initial_request_naming_a_loaded_pubsub()
    {
        redis.SkipIfUnavailable();
        using var call = _client.SubscribeTopicEventsAlpha1();
        await call.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1 { InitialRequest = new SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "nope", Topic = "t" } });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("nope", error.Status.Detail);

        using var bad = _client.SubscribeTopicEventsAlpha1();
        await bad.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1 { EventProcessed = new SubscribeTopicEventsRequestProcessedAlpha1 { Id = "x" } });
        var error2 = await Assert.ThrowsAsync<RpcException>(() => bad.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, error2.StatusCode);
        Assert.Contains("initial_request", error2.Status.Detail);
    }

    [SkippableFact]
    public async Task A_body_that_is_not_the_methods_protobuf_message_is_InvalidArgument_on_the_wire()
    {
        redis.SkipIfUnavailable();
        // A length-prefixed gRPC frame whose 5 bytes cannot be a PublishEventRequest (a truncated field).
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_sidecar.GrpcPort}/dapr.proto.runtime.v1.Dapr/PublishEvent")
        {
            Version = System.Net.HttpVersion.Version20, // h2c with prior knowledge, as gRPC clients speak to a sidecar
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = response.Headers.TryGetValues("grpc-status", out var h) ? h.First()
            : response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First() : null;
        Assert.True(status == "3", $"InvalidArgument, not Unknown; got HTTP/{response.Version} {(int)response.StatusCode}, headers {response.Headers}, trailers {response.TrailingHeaders}");
        var message = response.Headers.TryGetValues("grpc-message", out var m) ? m.First() : string.Join("", response.TrailingHeaders.GetValues("grpc-message"));
        Assert.Contains("not a valid PublishEventRequest", Uri.UnescapeDataString(message));
    }
}
