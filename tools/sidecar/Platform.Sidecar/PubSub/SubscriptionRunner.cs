using Platform.Sidecar.Components;
using Platform.Sidecar.Core.PubSub;
using Platform.Sidecar.Health;
using Platform.Sidecar.Hosting;

namespace Platform.Sidecar.PubSub;

/// <summary>
/// Once the app's port opens: reads <c>GET /dapr/subscribe</c>, adds the declarative subscriptions, and consumes
/// every subscribed topic with consumer group = app-id and consumer = this instance, handing each message to
/// <see cref="AppDelivery"/>. Marks the sidecar ready when consumption has started (or at once without an app).
/// </summary>
internal sealed class SubscriptionRunner(
    AppChannel channel,
    LoadedComponents components,
    AppDelivery delivery,
    SubscriptionCatalog catalog,
    Readiness readiness,
    SidecarOptions options,
    ILogger<SubscriptionRunner> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (channel.BaseUrl is null)
        {
            readiness.MarkAppReady();
            return;
        }
        try
        {
            await channel.WaitForPortAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        SidecarLog.AppChannelOpen(logger, options.AppId, channel.BaseUrl);
        var subscriptions = await ListAsync(stoppingToken).ConfigureAwait(false);
        catalog.Set(subscriptions);
        var consumers = new List<Task>();
        foreach (var group in subscriptions.GroupBy(s => s.PubSubName))
        {
            var pubsub = components.PubSub(group.Key)!;
            var byTopic = new Dictionary<string, TopicSubscription>(StringComparer.Ordinal);
            foreach (var s in group)
            {
                var effective = s.Bulk is { } asked ? s with { Bulk = asked.LimitedTo(pubsub.MaxInFlight) } : s;
                byTopic[s.Topic] = effective;
                SidecarLog.Subscribed(logger, options.AppId, s.PubSubName, s.Topic, s.Kind, s.DeadLetterTopic, effective.Bulk is { } bulk
                    ? $"bulk, up to {bulk.MaxMessagesCount} per request (maxMessagesCount {s.Bulk!.MaxMessagesCount}, component concurrency {pubsub.MaxInFlight}), maxAwaitDurationMs {bulk.MaxAwaitDurationMs}"
                    : "one event per request");
            }
            consumers.Add(pubsub.ConsumeAsync(byTopic.Keys.ToList(), options.AppId, options.InstanceId,
                (message, ct) => byTopic.TryGetValue(message.Topic, out var subscription)
                    ? delivery.DeliverAsync(subscription, pubsub, message, ct)
                    : Task.CompletedTask,
                stoppingToken));
        }
        readiness.MarkAppReady();
        await Task.WhenAll(consumers).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<TopicSubscription>> ListAsync(CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var programmatic = new List<TopicSubscription>();
        try
        {
            using var response = await channel.Client.GetAsync("/dapr/subscribe", cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
                programmatic.AddRange(TopicSubscription.ParseProgrammatic(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), errors));
        }
        catch (HttpRequestException e)
        {
            SidecarLog.SubscribeListFailed(logger, options.AppId, e);
        }
        var all = new List<TopicSubscription>();
        foreach (var s in programmatic.Concat(components.Resources.Subscriptions.Select(d =>
            new TopicSubscription(d.PubSubName, d.Topic, d.Routes, d.DeadLetterTopic, d.Metadata, "DECLARATIVE", d.Bulk))))
        {
            if (components.PubSub(s.PubSubName) is null) { errors.Add($"{s.PubSubName}/{s.Topic}: pubsub '{s.PubSubName}' is not loaded"); continue; }
            if (all.Any(a => a.PubSubName == s.PubSubName && a.Topic == s.Topic)) { errors.Add($"{s.PubSubName}/{s.Topic}: subscribed more than once; the first ({all.First(a => a.PubSubName == s.PubSubName && a.Topic == s.Topic).Kind}) is kept"); continue; }
            all.Add(s);
        }
        foreach (var error in errors) SidecarLog.SubscriptionProblem(logger, options.AppId, error);
        return all;
    }
}
