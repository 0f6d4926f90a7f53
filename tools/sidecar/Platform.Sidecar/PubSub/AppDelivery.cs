using System.Net.Http.Headers;
using Platform.Sidecar.Components;
using Platform.Sidecar.Core.PubSub;
using Platform.Sidecar.Hosting;

namespace Platform.Sidecar.PubSub;

/// <summary>
/// Delivers one message of a subscription to the app: routes it, POSTs it as
/// <c>application/cloudevents+json</c>, reads the outcome (SUCCESS/RETRY/DROP and the status table), retries as
/// the component's inbound resiliency policy says, and dead-letters (or logs and drops) what cannot be delivered.
/// A bulk subscription sends the event as an entry of a bulk request (<see cref="BulkDelivery"/>) under the same
/// rules. Completes when the message may be acknowledged.
/// </summary>
internal sealed class AppDelivery(AppChannel channel, BulkDelivery bulkDelivery, LoadedComponents components, SidecarOptions options, TimeProvider time, ILogger<AppDelivery> logger)
{
    private static readonly MediaTypeHeaderValue CloudEventsType = new(CloudEventEnvelope.CloudEventsContentType);

    /// <summary>Handles <paramref name="message"/> of <paramref name="subscription"/> on <paramref name="pubsub"/>.</summary>
    public async Task DeliverAsync(TopicSubscription subscription, IPubSub pubsub, PubSubMessage message, CancellationToken cancellationToken)
    {
        var envelope = ToEnvelope(subscription, message.Data);
        if (CloudEventEnvelope.IsExpired(envelope.Span, time.GetUtcNow()))
        {
            SidecarLog.Expired(logger, options.AppId, pubsub.Name, message.Topic, message.Id);
            return;
        }
        var route = subscription.Routes.Select(envelope.Span);
        if (route is null)
        {
            SidecarLog.NoRoute(logger, options.AppId, pubsub.Name, message.Topic, message.Id);
            return;
        }
        var policy = components.Resiliency.InboundFor(pubsub.Name);
        for (var attempt = 1; ; attempt++)
        {
            var (status, reason) = subscription.Bulk is not null
                ? await bulkDelivery.PostAsync(subscription, route, message.Id, envelope, policy.Timeout, cancellationToken).ConfigureAwait(false)
                : await PostAsync(route, envelope, policy.Timeout, cancellationToken).ConfigureAwait(false);
            switch (status)
            {
                case DeliveryStatus.Success:
                    return;
                case DeliveryStatus.Drop:
                    SidecarLog.Dropped(logger, options.AppId, pubsub.Name, message.Topic, message.Id, reason);
                    await DeadLetterAsync(subscription, pubsub, message, envelope, cancellationToken).ConfigureAwait(false);
                    return;
            }
            if (policy.Retry.DelayBeforeRetry(attempt) is not { } delay)
            {
                if (subscription.DeadLetterTopic is null) SidecarLog.RetriesExhausted(logger, options.AppId, pubsub.Name, message.Topic, message.Id, attempt);
                await DeadLetterAsync(subscription, pubsub, message, envelope, cancellationToken).ConfigureAwait(false);
                return;
            }
            SidecarLog.Retrying(logger, options.AppId, pubsub.Name, message.Topic, message.Id, route, attempt, delay);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ReadOnlyMemory<byte> ToEnvelope(TopicSubscription subscription, ReadOnlyMemory<byte> data)
    {
        // rawPayload subscriptions get the bytes wrapped as data_base64, as daprd does; a message that is not a
        // CloudEvent (published raw) is wrapped the same way for the others. A bulk request carries each event as raw
        // JSON, so there a message must also be complete JSON to go as it is.
        if (subscription.RawPayload || !LooksLikeJsonObject(data.Span) || (subscription.Bulk is not null && !BulkMessage.IsJson(data.Span)))
            return CloudEventEnvelope.WrapRaw(data.Span, subscription.Topic, subscription.PubSubName, "");
        return data;
    }

    private static bool LooksLikeJsonObject(ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && trimmed[0] == (byte)'{';
    }

    private async Task<(DeliveryStatus Status, string Reason)> PostAsync(string route, ReadOnlyMemory<byte> envelope, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route.StartsWith('/') ? route : "/" + route);
        var content = new ReadOnlyMemoryContent(envelope);
        content.Headers.ContentType = CloudEventsType;
        request.Content = content;
        using var cts = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts?.CancelAfter(timeout!.Value);
        try
        {
            using var response = await channel.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts?.Token ?? cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var body = code is >= 200 and <= 299 ? await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false) : [];
            var status = DeliveryOutcome.FromResponse(code, body);
            return (status, code == 404 ? "404 Not Found" : $"HTTP {code}");
        }
        catch (HttpRequestException e)
        {
            return (DeliveryStatus.Retry, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (DeliveryStatus.Retry, "timed out");
        }
    }

    private async Task DeadLetterAsync(TopicSubscription subscription, IPubSub pubsub, PubSubMessage message, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        if (subscription.DeadLetterTopic is not { } deadLetter) return;
        try
        {
            await pubsub.PublishAsync(deadLetter, subscription.RawPayload ? message.Data : envelope, cancellationToken).ConfigureAwait(false);
            SidecarLog.DeadLettered(logger, options.AppId, pubsub.Name, message.Topic, message.Id, deadLetter);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SidecarLog.DeadLetterFailed(logger, options.AppId, pubsub.Name, deadLetter, message.Id, e);
        }
    }
}
