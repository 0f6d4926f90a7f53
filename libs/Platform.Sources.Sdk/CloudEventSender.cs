using System.Net;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.CloudEvents;

namespace Platform.Sources.Sdk;

/// <summary>How a send ended.</summary>
/// <param name="Delivered">True when the sink answered 2xx.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="Status">HTTP status of the last attempt; null after a network error or timeout.</param>
/// <param name="Error">Why the last attempt failed (network error, timeout), or null.</param>
public sealed record SendResult(bool Delivered, int Attempts, int? Status, string? Error)
{
    /// <summary>One line for logs and status messages: <c>503 ServiceUnavailable after 6 attempts</c>.</summary>
    public string Describe() =>
        Delivered ? $"delivered ({Status}) after {Attempts} attempt{(Attempts == 1 ? "" : "s")}"
        : $"{(Status is { } s ? $"{s} {(HttpStatusCode)s}" : Error ?? "network error")} after {Attempts} attempt{(Attempts == 1 ? "" : "s")}";
}

/// <summary>
/// Sends CloudEvents over HTTP in binary mode with a <see cref="RetryPolicy"/>: the one sender of every source (the
/// sources service's PingSource and ApiServerSource, and custom sources built on this SDK). One long-lived
/// connection pool; <c>*.localhost</c> names go to loopback; redirects are not followed (a 3xx is final, as in Knative).
/// </summary>
public sealed partial class CloudEventSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    /// <summary>A sender with <paramref name="policy"/> (default <see cref="RetryPolicy.Default"/>).</summary>
    public CloudEventSender(RetryPolicy? policy = null, TimeProvider? time = null, ILogger? log = null, HttpMessageHandler? handler = null)
    {
        Policy = policy ?? RetryPolicy.Default;
        _time = time ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            ConnectCallback = LocalhostNames.ConnectAsync,
            MaxConnectionsPerServer = 256,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            UseCookies = false,
            ActivityHeadersPropagator = null,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The retries, backoff and attempt timeout.</summary>
    public RetryPolicy Policy { get; }

    /// <summary>
    /// Sends <paramref name="cloudEvent"/> to <paramref name="sink"/>, retrying as <see cref="Policy"/> says; never
    /// throws for a failed delivery (the result says how it ended), only when cancelled.
    /// </summary>
    public async Task<SendResult> SendAsync(Uri sink, CloudEvent cloudEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(cloudEvent);
        int? status = null;
        string? error = null;
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                var delay = Policy.DelayBefore(attempt - 1);
                if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            (status, error) = await AttemptAsync(sink, cloudEvent, cancellationToken).ConfigureAwait(false);
            var result = RetryPolicy.Classify(status);
            if (result == AttemptResult.Delivered) return new SendResult(true, attempt, status, null);
            LogAttemptFailed(cloudEvent.Id, cloudEvent.Type, sink, attempt, status, error);
            if (result == AttemptResult.Refused || attempt > Policy.Retries) return new SendResult(false, attempt, status, error);
        }
    }

    private async Task<(int? Status, string? Error)> AttemptAsync(Uri sink, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, sink) { Content = CloudEventHttp.ToHttpContent(cloudEvent, ContentMode.Binary) };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Policy.AttemptTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"timed out after {Policy.AttemptTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    [LoggerMessage(EventId = 7101, Level = LogLevel.Debug, Message = "event {EventId} ({Type}) to {Sink}: attempt {Attempt} failed ({Status}) {Error}")]
    private partial void LogAttemptFailed(string? eventId, string? type, Uri sink, int attempt, int? status, string? error);
}
