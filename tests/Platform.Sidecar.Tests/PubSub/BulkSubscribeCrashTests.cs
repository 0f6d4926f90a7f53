using System.Collections.Concurrent;
using System.Text.Json;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Sidecar.Tests.Infrastructure;
using Platform.Testing;

namespace Platform.Sidecar.Tests.PubSub;

/// <summary>At-least-once for bulk subscriptions across a kill -9 of the subscriber's sidecar, over a real Redis.</summary>
public sealed class BulkSubscribeCrashTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly SidecarEnvironment _environment = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _environment.Dispose();
    }

    [SkippableFact]
    public async Task Killing_the_subscribers_sidecar_mid_stream_loses_no_entry()
    {
        _redis.SkipIfUnavailable();
        // Pending entries of the killed sidecar are reclaimed after processingTimeout by the next one.
        _environment.WithFile("pubsub.yaml", SidecarEnvironment.Component("pubsub", "pubsub.redis",
            ("redisHost", _redis.HostPort), ("redeliverInterval", "500ms"), ("processingTimeout", "1s")));
        var seen = new ConcurrentDictionary<string, int>();
        var firstBatches = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(web => web.MapPost("/orders", async (BulkSubscribeMessage<JsonElement> message) =>
        {
            // Slow enough that the kill lands while batches are still in flight.
            await Task.Delay(30);
            foreach (var entry in message.Entries) seen.AddOrUpdate(entry.Event.GetProperty("data").GetProperty("key").GetString()!, 1, (_, n) => n + 1);
            if (seen.Count >= 30) firstBatches.TrySetResult();
            return Results.Json(new BulkSubscribeAppResponse(message.Entries.Select(e => new BulkSubscribeAppResponseEntry(e.EntryId, BulkSubscribeAppResponseStatus.SUCCESS)).ToList()));
        }).WithTopic("pubsub", "orders").WithMetadata(new BulkSubscribeAttribute("orders", 100, 50)));

        await using var publisher = await SidecarProcess.StartAsync("shop", _environment);
        var subscriber = await SidecarProcess.StartAsync("billing", _environment, app.Port);
        var keys = Enumerable.Range(0, 400).Select(i => $"order-{i}").ToList();
        using (var client = publisher.CreateClient())
        {
            var response = await client.BulkPublishEventAsync("pubsub", "orders", keys.Select(k => new { key = k }).ToList());
            Assert.Empty(response.FailedEntries);
        }

        await firstBatches.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await subscriber.DisposeAsync(); // kill -9 (Process.Kill), with batches in flight and entries unacknowledged
        var before = seen.Count;
        Assert.True(before < keys.Count, $"the kill came after every entry was delivered ({before}); the test proves nothing");

        await using var restarted = await SidecarProcess.StartAsync("billing", _environment, app.Port);
        await Eventually.HoldsAsync(() => keys.All(seen.ContainsKey), $"every entry delivered after the restart (had {before} of {keys.Count} at the kill)", 60);
        await using var redis = _redis.Connect();
        await Eventually.HoldsAsync(() => redis.GetDatabase().StreamPending("orders", "billing").PendingMessageCount == 0, "every entry acknowledged", 30);
    }
}
