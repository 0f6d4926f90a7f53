using System.Globalization;
using Platform.Sidecar.Components;
using Platform.Sidecar.Core.PubSub;
using Platform.Sidecar.Hosting;

namespace Platform.Sidecar.PubSub;

/// <summary>Why a publish failed, or <see cref="Ok"/>.</summary>
internal enum PublishError
{
    /// <summary>Published.</summary>
    Ok,
    /// <summary>No pub/sub of that name.</summary>
    PubSubNotFound,
    /// <summary>Empty pub/sub name.</summary>
    PubSubEmpty,
    /// <summary>Empty topic.</summary>
    TopicEmpty,
    /// <summary>Bad metadata (e.g. ttlInSeconds).</summary>
    BadRequest,
    /// <summary>An <c>application/cloudevents+json</c> body that is not a sound CloudEvent.</summary>
    CloudEventInvalid,
    /// <summary>The component failed after the outbound retries.</summary>
    Failed,
}

/// <summary>The result of a publish; <see cref="Detail"/> explains failures.</summary>
internal readonly record struct PublishResult(PublishError Error, string? Detail = null)
{
    /// <summary>The Dapr HTTP error for this result (not for <see cref="PublishError.Ok"/>).</summary>
    public DaprError ToDaprError(string pubsub, string topic) => Error switch
    {
        PublishError.PubSubNotFound => DaprError.PubSubNotFound(pubsub),
        PublishError.PubSubEmpty => DaprError.PubSubEmpty(),
        PublishError.TopicEmpty => DaprError.TopicEmpty(pubsub),
        PublishError.BadRequest => DaprError.Malformed(Detail ?? "bad request"),
        PublishError.CloudEventInvalid => DaprError.CloudEventInvalid(Detail ?? "invalid CloudEvent"),
        _ => DaprError.PublishFailed(topic, pubsub, Detail ?? "unknown error"),
    };
}

/// <summary>
/// Publishing shared by the HTTP and gRPC APIs: builds Dapr's envelope (or keeps the bytes for
/// <c>rawPayload</c>) and appends it to the topic, retrying as the component's outbound resiliency policy says.
/// </summary>
internal sealed class Publisher(LoadedComponents components, SidecarOptions options, TimeProvider time, ILogger<Publisher> logger)
{
    /// <summary>Publishes one event.</summary>
    public async Task<PublishResult> PublishAsync(string pubsubName, string topic, ReadOnlyMemory<byte> data, string? contentType,
        IReadOnlyDictionary<string, string>? metadata, string? traceParent, string? traceState, CancellationToken cancellationToken)
    {
        var (pubsub, check) = Resolve(pubsubName, topic);
        if (pubsub is null) return check;
        if (!TryPayload(pubsubName, topic, data, contentType, metadata, traceParent, traceState, out var payload, out var error)) return error;
        return await AppendAsync(pubsub, topic, payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds the component, or says why the request is invalid.</summary>
    public (IPubSub? PubSub, PublishResult Error) Resolve(string pubsubName, string topic)
    {
        if (string.IsNullOrEmpty(pubsubName)) return (null, new(PublishError.PubSubEmpty));
        var pubsub = components.PubSub(pubsubName);
        if (pubsub is null) return (null, new(PublishError.PubSubNotFound));
        if (string.IsNullOrEmpty(topic)) return (null, new(PublishError.TopicEmpty));
        return (pubsub, default);
    }

    /// <summary>The bytes to append for one event: the envelope, or the data itself with <c>rawPayload</c>.</summary>
    public bool TryPayload(string pubsubName, string topic, ReadOnlyMemory<byte> data, string? contentType, IReadOnlyDictionary<string, string>? metadata,
        string? traceParent, string? traceState, out ReadOnlyMemory<byte> payload, out PublishResult error)
    {
        payload = default;
        error = default;
        TimeSpan? ttl = null;
        var raw = false;
        if (metadata is not null)
        {
            if (metadata.TryGetValue("rawPayload", out var r))
            {
                if (!bool.TryParse(r, out raw)) { error = new(PublishError.BadRequest, $"metadata.rawPayload: '{r}' is not true or false"); return false; }
            }
            if (metadata.TryGetValue("ttlInSeconds", out var t))
            {
                if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) { error = new(PublishError.BadRequest, $"metadata.ttlInSeconds: '{t}' is not a non-negative integer"); return false; }
                ttl = TimeSpan.FromSeconds(seconds);
            }
        }
        if (raw)
        {
            payload = data;
            return true;
        }
        // One parse of a structured CloudEvent both checks it and builds the envelope.
        if (CloudEventEnvelope.TryBuild(new PublishInput(data, contentType, options.AppId, topic, pubsubName, traceParent, traceState, ttl), time.GetUtcNow(), out var envelope) is { } problem)
        {
            error = new(PublishError.CloudEventInvalid, problem);
            return false;
        }
        payload = envelope;
        return true;
    }

    /// <summary>Appends prepared bytes, with the outbound retry policy and timeout.</summary>
    public async Task<PublishResult> AppendAsync(IPubSub pubsub, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var policy = components.Resiliency.OutboundFor(pubsub.Name);
        for (var retry = 0; ; retry++)
        {
            try
            {
                if (policy.Timeout is { } timeout)
                {
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    cts.CancelAfter(timeout);
                    await pubsub.PublishAsync(topic, payload, cts.Token).ConfigureAwait(false);
                }
                else
                {
                    await pubsub.PublishAsync(topic, payload, cancellationToken).ConfigureAwait(false);
                }
                return new(PublishError.Ok);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                if (policy.Retry.DelayBeforeRetry(retry + 1) is not { } delay) return new(PublishError.Failed, e.Message);
                SidecarLog.PublishRetry(logger, options.AppId, pubsub.Name, topic, retry + 1, delay, e);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
