using CloudNative.CloudEvents;
using Platform.CloudEvents;

namespace Platform.Broker.Delivery;

/// <summary>Where one event goes: the subscriber, its policy, and the resource it belongs to (for logs).</summary>
/// <param name="Resource">e.g. <c>Trigger default/my-trigger</c>.</param>
/// <param name="Namespace">Sent as <c>Kn-Namespace</c>.</param>
/// <param name="Subscriber">The resolved subscriber URI.</param>
/// <param name="Policy">Retries, backoff, timeout, format, dead-letter sink.</param>
internal sealed record DeliveryTarget(string Resource, string Namespace, Uri Subscriber, DeliveryPolicy Policy);

/// <summary>How a dispatch ended.</summary>
internal enum DispatchStatus
{
    /// <summary>The subscriber took it (2xx), possibly with a reply.</summary>
    Delivered,
    /// <summary>Every attempt failed; the event went to the dead-letter sink.</summary>
    DeadLettered,
    /// <summary>Every attempt failed and there is no dead-letter sink: dropped, as Knative does.</summary>
    Dropped,
    /// <summary>Every attempt failed and so did the dead-letter sink: the caller should leave the event for redelivery.</summary>
    Failed,
}

/// <summary>The outcome of <see cref="EventDispatcher.DispatchAsync"/>.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Reply">The subscriber's reply event, when it sent one.</param>
/// <param name="Attempts">Attempts made to the subscriber.</param>
/// <param name="LastStatus">HTTP status of the last attempt, null for a network error.</param>
internal sealed record DispatchResult(DispatchStatus Status, CloudEvent? Reply, int Attempts, int? LastStatus);

/// <summary>
/// Delivers a CloudEvent over HTTP with a <see cref="DeliveryPolicy"/>: binary mode unless <c>format: json</c>, with
/// <c>Prefer: reply</c>, <c>Kn-Namespace</c> and <c>traceparent</c>; retries with backoff and Retry-After; the
/// original event plus error extensions to the dead-letter sink after the last attempt.
/// </summary>
internal sealed partial class EventDispatcher(HttpClient http, TimeProvider time, ILogger<EventDispatcher> logger)
{
    private const long MaxReplyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Delivers <paramref name="cloudEvent"/> to <paramref name="target"/>; completes when it may be acknowledged (or must
    /// not be). Each retry is counted in <paramref name="account"/> as it starts (a trigger retrying forever shows it).
    /// </summary>
    public async Task<DispatchResult> DispatchAsync(CloudEvent cloudEvent, DeliveryTarget target, CancellationToken cancellationToken, Accounting.DeliveryCounters? account = null)
    {
        var policy = target.Policy;
        Attempt last = default;
        var attempts = 0;
        for (var retry = 0; ; retry++)
        {
            if (retry > 0)
            {
                account?.Retried(1);
                var delay = policy.DelayBefore(retry, last.Status, last.RetryAfter);
                if (delay > TimeSpan.Zero) await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            attempts++;
            last = await SendAsync("deliver attempt", attempts, cloudEvent, target.Subscriber, target.Namespace, policy, cancellationToken).ConfigureAwait(false);
            var outcome = DeliveryPolicy.Classify(last.Status);
            if (outcome == AttemptOutcome.Success) return new DispatchResult(DispatchStatus.Delivered, last.Reply, attempts, last.Status);
            LogAttemptFailed(target.Resource, cloudEvent.Id, target.Subscriber, attempts, StatusText.Of(last.Status), last.Error);
            if (outcome == AttemptOutcome.Final || retry >= policy.Retry) break;
        }
        if (policy.DeadLetterUri is not { } dls)
        {
            LogDropped(target.Resource, cloudEvent.Id, attempts);
            return new DispatchResult(DispatchStatus.Dropped, null, attempts, last.Status);
        }
        var dead = DeadLetterEvent.Build(cloudEvent, target.Subscriber, last.Status, last.Body);
        var deadPolicy = policy with { DeadLetterUri = null };
        for (var retry = 0; ; retry++)
        {
            if (retry > 0)
            {
                var delay = deadPolicy.BackoffBefore(retry);
                if (delay > TimeSpan.Zero) await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            var sent = await SendAsync("dead-letter attempt", retry + 1, dead, dls, target.Namespace, deadPolicy, cancellationToken).ConfigureAwait(false);
            var outcome = DeliveryPolicy.Classify(sent.Status);
            if (outcome == AttemptOutcome.Success)
            {
                LogDeadLettered(target.Resource, cloudEvent.Id, dls, attempts);
                return new DispatchResult(DispatchStatus.DeadLettered, null, attempts, last.Status);
            }
            if (outcome == AttemptOutcome.Final || retry >= deadPolicy.Retry)
            {
                LogDeadLetterFailed(target.Resource, cloudEvent.Id, dls, StatusText.Of(sent.Status));
                return new DispatchResult(DispatchStatus.Failed, null, attempts, last.Status);
            }
        }
    }

    private readonly record struct Attempt(int? Status, byte[] Body, TimeSpan? RetryAfter, CloudEvent? Reply, string? Error);

    // One attempt, as a client span of the delivery when traces are recorded (so retries and dead letters show).
    private async Task<Attempt> SendAsync(string spanName, int attempt, CloudEvent cloudEvent, Uri destination, string ns, DeliveryPolicy policy, CancellationToken cancellationToken)
    {
        var span = Telemetry.BrokerTelemetry.StartAttempt(spanName, destination, attempt);
        var sent = await SendAsync(cloudEvent, destination, ns, policy, span?.Id ?? TraceParent(cloudEvent), cancellationToken).ConfigureAwait(false);
        Telemetry.BrokerTelemetry.EndAttempt(span, sent.Status, sent.Error);
        return sent;
    }

    private async Task<Attempt> SendAsync(CloudEvent cloudEvent, Uri destination, string ns, DeliveryPolicy policy, string traceParent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, destination) { Content = CloudEventHttp.ToHttpContent(cloudEvent, policy.Mode) };
        request.Headers.TryAddWithoutValidation("Prefer", "reply");
        request.Headers.TryAddWithoutValidation("Kn-Namespace", ns);
        request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(policy.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and <= 299)
            {
                var reply = await CloudEventHttp.ReadReplyAsync(response, MaxReplyBytes, cts.Token).ConfigureAwait(false);
                if (reply is { Error: { } error }) return new Attempt(status, [], null, null, "bad reply: " + error.Reason);
                return new Attempt(status, [], null, reply?.Event, null);
            }
            var body = await ReadSomeAsync(response.Content, DeadLetterEvent.MaxErrorData, cts.Token).ConfigureAwait(false);
            var retryAfter = response.Headers.TryGetValues("Retry-After", out var values)
                ? DeliveryPolicy.ParseRetryAfter(values.FirstOrDefault(), time.GetUtcNow())
                : null;
            return new Attempt(status, body, retryAfter, null, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Attempt(null, [], null, null, $"timed out after {policy.Timeout}");
        }
        catch (HttpRequestException e)
        {
            return new Attempt(null, [], null, null, e.Message);
        }
    }

    private static async Task<byte[]> ReadSomeAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[max];
        var total = 0;
        int read;
        while (total < max && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0) total += read;
        return buffer[..total];
    }

    /// <summary>The event's own <c>traceparent</c> extension (distributed tracing), else a fresh sampled one.</summary>
    private static string TraceParent(CloudEvent cloudEvent) =>
        cloudEvent["traceparent"] as string is { Length: > 0 } tp
            ? tp
            : $"00-{System.Diagnostics.ActivityTraceId.CreateRandom()}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "{Resource}: event {EventId} to {Subscriber}: attempt {Attempt} failed ({Status}) {Error}")]
    private partial void LogAttemptFailed(string resource, string? eventId, Uri subscriber, int attempt, string status, string? error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "{Resource}: event {EventId} dropped after {Attempts} attempts (no dead-letter sink)")]
    private partial void LogDropped(string resource, string? eventId, int attempts);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "{Resource}: event {EventId} sent to dead-letter sink {Sink} after {Attempts} attempts")]
    private partial void LogDeadLettered(string resource, string? eventId, Uri sink, int attempts);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "{Resource}: event {EventId} could not be dead-lettered to {Sink} ({Status}); left for redelivery")]
    private partial void LogDeadLetterFailed(string resource, string? eventId, Uri sink, string status);
}
