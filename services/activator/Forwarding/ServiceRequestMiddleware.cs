using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using Platform.Activator.Routing;
using Platform.Activator.Stats;
using Platform.Activator.Throttling;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Activator.Forwarding;

/// <summary>
/// The data path, first in the pipeline: a request whose Host names a service is routed, throttled and forwarded
/// with YARP's <see cref="IHttpForwarder"/>; a request for the activator's own host goes on to its endpoints; any
/// other host gets 404 naming it. Failures answer with JSON <c>{"error": code, "message": ..., "host": ...}</c>.
/// </summary>
internal sealed partial class ServiceRequestMiddleware(
    RequestDelegate next,
    IRouteTableStore routes,
    RouteDecider decider,
    RevisionThrottlers throttlers,
    RevisionStatsRecorder stats,
    IHttpForwarder forwarder,
    ForwardingClient client,
    ActivatorOptions options,
    ILogger<ServiceRequestMiddleware> logger)
{
    private readonly ConcurrentDictionary<TimeSpan, ForwarderRequestConfig> _configs = new();

    /// <summary>Routes one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var host = request.Host.Host;
        var decision = decider.Decide(routes.Current, host, request.Headers[RouteDecider.TagHeader],
            context.Connection.RemoteIpAddress, Random.Shared.Next(100));
        return decision.Outcome switch
        {
            RouteOutcome.Activator => next(context),
            RouteOutcome.Forward => ForwardAsync(context, decision.Route!.Service, decision.Revision!),
            RouteOutcome.LocalOnly => WriteAsync(context, new ProxyFailure(StatusCodes.Status403Forbidden, "cluster-local",
                $"service {decision.Route!.Service.Key} is reachable only from local networks ({ServiceVisibility.LabelKey}: {ServiceVisibility.ClusterLocalLabel} or a {RoutingSnapshot.ClusterLocalSuffix} host); caller {context.Connection.RemoteIpAddress} is not local")),
            _ => WriteAsync(context, new ProxyFailure(StatusCodes.Status404NotFound, "unknown-host",
                $"no service is routed at host \"{host}\"")),
        };
    }

    private async Task ForwardAsync(HttpContext context, RoutedService service, string revision)
    {
        var throttler = throttlers.Find(service.Namespace, revision);
        if (throttler is null)
        {
            await WriteAsync(context, new ProxyFailure(StatusCodes.Status503ServiceUnavailable, "revision-unavailable",
                $"revision {service.Namespace}/{revision} of service {service.Key} is not known to the activator"));
            return;
        }
        if (context.Request.ContentLength > options.MaxRequestBodyBytes)
        {
            await WriteAsync(context, BodyTooLarge());
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = options.MaxRequestBodyBytes;

        var window = stats.Started(service.Namespace, revision);
        var aborted = context.RequestAborted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var timeout = throttler.Timeout;
        deadline.CancelAfter(timeout);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var acquisition = await throttler.AcquireAsync(deadline.Token);
                if (acquisition.Outcome != AcquireOutcome.Acquired)
                {
                    if (!aborted.IsCancellationRequested)
                        await WriteAsync(context, NotAcquired(acquisition.Outcome, throttler, timeout));
                    return;
                }
                var replica = acquisition.Replica!;
                try
                {
                    // An upgraded connection (WebSocket) lives past timeoutSeconds; YARP's activity timeout bounds its idle time.
                    var upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
                        || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };
                    var error = await forwarder.SendAsync(context, replica.DestinationPrefix, client.Invoker, ConfigFor(timeout),
                        client.Transformer, upgrade ? aborted : deadline.Token);
                    if (error == ForwarderError.None || aborted.IsCancellationRequested) return;
                    var exception = context.GetForwarderErrorFeature()?.Exception;
                    // A replica that refuses the connection has just died (scaled down, crashed) before its endpoints
                    // update arrived: nothing of the request left, so it goes to another replica instead, if one is left.
                    if (attempt < MaxConnectAttempts && !context.Response.HasStarted && ConnectionRefused(error, exception)
                        && throttler.Evict(replica) > 0)
                    {
                        LogEvicted(service.Namespace, revision, replica.Endpoint, attempt);
                        context.Response.Clear();
                        continue;
                    }
                    var failure = ForwarderErrorMapping.Map(error, exception, deadline.IsCancellationRequested, $"{service.Namespace}/{revision}");
                    if (failure is not { } f) return;
                    LogForwardFailed(service.Namespace, revision, replica.Endpoint, error, f.StatusCode);
                    if (!context.Response.HasStarted) await WriteAsync(context, f);
                    else context.Abort();
                    return;
                }
                finally
                {
                    throttler.Release(replica);
                }
            }
        }
        finally
        {
            stats.Finished(window);
        }
    }

    /// <summary>Connection attempts per request before a refused connection is answered 502.</summary>
    public const int MaxConnectAttempts = 3;

    /// <summary>True when the forward failed connecting (refused, reset before any byte): the request was never sent.</summary>
    public static bool ConnectionRefused(ForwarderError error, Exception? exception) =>
        error is ForwarderError.Request
        && exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } http
        && http.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };

    private ProxyFailure BodyTooLarge() => new(StatusCodes.Status413PayloadTooLarge, "body-too-large",
        $"request body exceeds the activator's limit of {options.MaxRequestBodyBytes} bytes");

    private static ProxyFailure NotAcquired(AcquireOutcome outcome, RevisionThrottler t, TimeSpan timeout)
    {
        var state = t.State;
        return outcome switch
        {
            AcquireOutcome.QueueFull => new(StatusCodes.Status503ServiceUnavailable, "queue-full",
                $"revision {t.Namespace}/{t.Name} is at capacity: {state.InFlight} in flight, {state.Queued} queued (queue depth {state.QueueDepth})"),
            AcquireOutcome.RevisionGone => new(StatusCodes.Status503ServiceUnavailable, "revision-gone",
                $"revision {t.Namespace}/{t.Name} left the route table while the request waited"),
            _ when state.Replicas == 0 => new(StatusCodes.Status503ServiceUnavailable, "activation-timeout",
                $"revision {t.Namespace}/{t.Name} had no ready replica within {timeout.TotalSeconds:0.###}s"),
            _ => new(StatusCodes.Status503ServiceUnavailable, "queue-timeout",
                $"revision {t.Namespace}/{t.Name} had no free slot within {timeout.TotalSeconds:0.###}s"),
        };
    }

    private ForwarderRequestConfig ConfigFor(TimeSpan timeout) =>
        _configs.GetOrAdd(timeout, static t => new ForwarderRequestConfig
        {
            ActivityTimeout = t,
            // Replicas are plain HTTP/1.1 processes; HTTP/2 callers are served HTTP/2 by the activator itself.
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        });

    /// <summary>Writes a failure as JSON (the activator's answer, not the revision's).</summary>
    public static Task WriteAsync(HttpContext context, ProxyFailure failure)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = failure.StatusCode;
        response.Headers.CacheControl = "no-store";
        return response.WriteAsJsonAsync(new FailureBody(failure.Error, failure.Message, context.Request.Host.Value ?? ""));
    }

    /// <summary>JSON body of an activator failure.</summary>
    /// <param name="Error">Stable code.</param>
    /// <param name="Message">What happened.</param>
    /// <param name="Host">The Host the request named.</param>
    public sealed record FailureBody(string Error, string Message, string Host);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Replica {Endpoint} of {Namespace}/{Revision} refused the connection (attempt {Attempt}): trying another")]
    private partial void LogEvicted(string @namespace, string revision, string endpoint, int attempt);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Forwarding to revision {Namespace}/{Revision} at {Endpoint} failed ({Error}): answered {Status}")]
    private partial void LogForwardFailed(string @namespace, string revision, string endpoint, ForwarderError error, int status);
}
