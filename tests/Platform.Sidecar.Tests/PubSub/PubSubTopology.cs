using System.Collections.Concurrent;
using System.Text.Json;
using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Sidecar.Tests.Infrastructure;
using Platform.Testing;

namespace Platform.Sidecar.Tests.PubSub;

/// <summary>
/// Real processes over a real Redis: a publisher sidecar without app ("pub"), app "alpha" with two replicas (two
/// sidecars) and app "beta" with one, both Dapr.AspNetCore apps. Inbound retry policy: constant 20ms, 3 retries.
/// </summary>
public sealed class PubSubTopology : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly SidecarEnvironment _environment = new();

    /// <summary>The Redis server.</summary>
    public RedisServer Redis { get; } = new();

    /// <summary>Publisher sidecar (no app).</summary>
    public SidecarProcess Publisher { get; private set; } = null!;

    /// <summary>The two replicas of app alpha.</summary>
    public TestApp[] Alpha { get; private set; } = [];

    /// <summary>App beta.</summary>
    public TestApp Beta { get; private set; } = null!;

    /// <summary>Attempts per payload key seen by beta's outcome handlers.</summary>
    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        if (Redis.Unavailable is not null) return;
        _environment
            .WithFile("pubsub.yaml", SidecarEnvironment.Component("pubsub", "pubsub.redis", ("redisHost", Redis.HostPort), ("redeliverInterval", "2s"), ("processingTimeout", "10s")))
            .WithFile("resiliency.yaml", """
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: test-resiliency
                spec:
                  policies:
                    retries:
                      fast:
                        policy: constant
                        duration: 20ms
                        maxRetries: 3
                  targets:
                    components:
                      pubsub:
                        inbound:
                          retry: fast
                """);

        Alpha = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => TestApp.StartAsync(app =>
            app.MapPost("/fanout", () => Results.Ok()).WithTopic("pubsub", "fanout"))));
        Beta = await TestApp.StartAsync(MapBeta);
        _owned.AddRange(Alpha);
        _owned.Add(Beta);

        var sidecars = await StartAllAsync(
            SidecarProcess.StartAsync("pub", _environment),
            SidecarProcess.StartAsync("alpha", _environment, Alpha[0].Port),
            SidecarProcess.StartAsync("alpha", _environment, Alpha[1].Port),
            SidecarProcess.StartAsync("beta", _environment, Beta.Port));
        Publisher = sidecars[0];
    }

    private void MapBeta(WebApplication app)
    {
        app.MapPost("/fanout", () => Results.Ok()).WithTopic("pubsub", "fanout");
        app.MapPost("/ce", () => Results.Ok()).WithTopic("pubsub", "ce");
        app.MapPost("/retry", async (HttpRequest r) =>
            Attempts.AddOrUpdate(await KeyAsync(r), 1, (_, n) => n + 1) <= 2 ? Results.Json(new { status = "RETRY" }) : Results.Json(new { status = "SUCCESS" }))
            .WithTopic("pubsub", "outcome-retry");
        app.MapPost("/drop", async (HttpRequest r) => { Attempts.AddOrUpdate(await KeyAsync(r), 1, (_, n) => n + 1); return Results.Json(new { status = "DROP" }); })
            .WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "outcome-drop", DeadLetterTopic = "dead-drop" });
        app.MapPost("/notfound", async (HttpRequest r) => { Attempts.AddOrUpdate(await KeyAsync(r), 1, (_, n) => n + 1); return Results.NotFound(); })
            .WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "outcome-404", DeadLetterTopic = "dead-404" });
        app.MapPost("/fail", async (HttpRequest r) => { Attempts.AddOrUpdate(await KeyAsync(r), 1, (_, n) => n + 1); return Results.StatusCode(500); })
            .WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "outcome-500", DeadLetterTopic = "dead-500" });
        app.MapPost("/fail-no-dlt", async (HttpRequest r) => { Attempts.AddOrUpdate(await KeyAsync(r), 1, (_, n) => n + 1); return Results.StatusCode(500); })
            .WithTopic("pubsub", "outcome-500-nodlt");
        app.MapPost("/unknown-status", async (HttpRequest r) => Attempts.AddOrUpdate(await KeyAsync(r), 1, (_, n) => n + 1) <= 1 ? Results.Json(new { status = "MAYBE" }) : Results.Ok())
            .WithTopic("pubsub", "outcome-unknown");
        app.MapPost("/dead-drop", () => Results.Ok()).WithTopic("pubsub", "dead-drop");
        app.MapPost("/dead-404", () => Results.Ok()).WithTopic("pubsub", "dead-404");
        app.MapPost("/dead-500", () => Results.Ok()).WithTopic("pubsub", "dead-500");
        app.MapPost("/raw", () => Results.Ok()).WithTopic("pubsub", "raw", enableRawPayload: true);
        app.MapPost("/created", () => Results.Ok()).WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "routed", Match = "event.type == \"order.created\"", Priority = 1 });
        app.MapPost("/shipped-or-closed", () => Results.Ok()).WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "routed", Match = "event.type == \"order.shipped\" || (event.type == \"order.closed\" && event.source == \"shop\")", Priority = 2 });
        app.MapPost("/routed-default", () => Results.Ok()).WithTopic("pubsub", "routed");
        // Bulk subscribe with the SDK's own types: its attribute writes bulkSubscribe into /dapr/subscribe, and ASP.NET
        // binds our request body to its BulkSubscribeMessage. Keys say what to answer: ok-, retry- (once), drop-.
        app.MapPost("/bulk", (Dapr.AspNetCore.BulkSubscribeMessage<JsonElement> message) =>
        {
            BulkSizes.Enqueue(message.Entries.Count);
            var statuses = message.Entries.Select(entry =>
            {
                var key = entry.Event.GetProperty("data").GetProperty("key").GetString()!;
                var attempt = Attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
                var status = key.StartsWith("drop", StringComparison.Ordinal) ? Dapr.AspNetCore.BulkSubscribeAppResponseStatus.DROP
                    : key.StartsWith("retry", StringComparison.Ordinal) && attempt == 1 ? Dapr.AspNetCore.BulkSubscribeAppResponseStatus.RETRY
                    : Dapr.AspNetCore.BulkSubscribeAppResponseStatus.SUCCESS;
                return new Dapr.AspNetCore.BulkSubscribeAppResponseEntry(entry.EntryId, status);
            }).ToList();
            return Results.Json(new Dapr.AspNetCore.BulkSubscribeAppResponse(statuses));
        }).WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "bulk", DeadLetterTopic = "dead-bulk" })
          .WithMetadata(new Dapr.AspNetCore.BulkSubscribeAttribute("bulk", 100, 50));
        app.MapPost("/dead-bulk", () => Results.Ok()).WithTopic("pubsub", "dead-bulk");
    }

    /// <summary>Entries per bulk request received on /bulk.</summary>
    public ConcurrentQueue<int> BulkSizes { get; } = new();

    private static async Task<string> KeyAsync(HttpRequest request)
    {
        using var doc = await JsonDocument.ParseAsync(request.Body);
        return doc.RootElement.GetProperty("key").GetString()!;
    }

    // Every sidecar that did start is owned (and killed on dispose) even when another one fails.
    private async Task<SidecarProcess[]> StartAllAsync(params Task<SidecarProcess>[] starts)
    {
        try
        {
            return await Task.WhenAll(starts);
        }
        finally
        {
            lock (_owned) _owned.AddRange(starts.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            if (starts.Any(t => !t.IsCompletedSuccessfully)) await DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        List<IAsyncDisposable> owned;
        lock (_owned) { owned = [.. _owned]; _owned.Clear(); }
        foreach (var d in owned.AsEnumerable().Reverse()) await d.DisposeAsync();
        await Redis.DisposeAsync();
        _environment.Dispose();
    }
}
