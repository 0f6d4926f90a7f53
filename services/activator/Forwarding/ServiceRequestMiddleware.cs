using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using Platform.Activator.Routing;
using Platform.Activator.Stats;
using Platform.Activator.Throttling;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Activator.Forwarding;

/// <summary>
/// The data path, first in the pipeline: a request whose Host names a service is routed, throttled and forwarded
/// with YARP's <see cref="IHttpForwarder"/>; a request for the activator's own host goes on to its endpoints (health
/// on the ingress; the control endpoints answer on the control port only); any other host gets 404 naming it. Failures answer with JSON <c>{"error": code, "message": ..., "host": ...}</c>.
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
    Telemetry.ActivatorMetrics metrics,
    ILogger<ServiceRequestMiddleware> logger)
{
    private readonly ConcurrentDictionary<TimeSpan, ForwarderRequestConfig> _configs = new();
    private readonly ConcurrentDictionary<Uri, AddressTransformer> _addresses = new();

    /// <summary>Routes one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        // The control port never forwards: it serves the control endpoints and health only.
        if (context.Connection.LocalPort == options.ControlPort) return next(context);
        var request = context.Request;
        var host = request.Host.Host;
        var decision = decider.Decide(routes.Current, host, request.Headers[RouteDecider.TagHeader],
            context.Connection.RemoteIpAddress, Random.Shared.Next(100));
        return decision.Outcome switch
        {
            RouteOutcome.Activator => next(context),
            RouteOutcome.Forward => ForwardAsync(context, decision.Route!.Service!, decision.Revision!),
            RouteOutcome.ForwardToAddress => ForwardToAddressAsync(context, decision.Route!.Address!),
            RouteOutcome.LocalOnly => WriteAsync(context, new ProxyFailure(StatusCodes.Status403Forbidden, "cluster-local",
                $"service {decision.Route!.Service!.Key} is reachable only from local networks ({ServiceVisibility.LabelKey}: {ServiceVisibility.ClusterLocalLabel} or a {RoutingSnapshot.ClusterLocalSuffix} host); caller {context.Connection.RemoteIpAddress} is not local")),
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

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (System.Diagnostics.Activity.Current is { IsAllDataRequested: true } span)
        {
            span.SetTag("kn.service.name", service.Name);
            span.SetTag("kn.revision.name", revision);
            span.SetTag("k8s.namespace.name", service.Namespace);
        }
        var window = stats.Started(service.Namespace, revision);
        var aborted = context.RequestAborted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var timeouts = throttler.Timeouts;
        var timeout = timeouts.Total;
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
                    var token = upgrade ? aborted : deadline.Token;
                    // Only a response-start limit shorter than the timeout needs its own clock (Knative's default has none).
                    using var responseStart = timeouts.ResponseStart is { } limit && !upgrade ? new ResponseStartTimer(limit, token) : null;
                    if (responseStart is not null) context.Features.Set(responseStart);
                    var error = await forwarder.SendAsync(context, replica.DestinationPrefix, client.Invoker,
                        ConfigFor(timeouts.Idle ?? timeout), responseStart is null ? client.Transformer : client.TimedTransformer,
                        responseStart?.Token ?? token);
                    responseStart?.Settle(token);
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
                    // A replica killed while it held the request drops the connection before answering. A safe request
                    // without a body can be sent again (RFC 9110 §9.2.2): it goes to the next replica the throttler picks.
                    if (attempt < MaxConnectAttempts && !context.Response.HasStarted && !upgrade
                        && ReplayableAfterDrop(context.Request.Method, context.Request.ContentLength, context.Request.Headers.TransferEncoding.Count > 0, error, exception))
                    {
                        LogReplayed(service.Namespace, revision, replica.Endpoint, attempt);
                        context.Response.Clear();
                        continue;
                    }
                    var expired = deadline.IsCancellationRequested ? ExpiredLimit.Total
                        : responseStart is { Fired: true } ? ExpiredLimit.ResponseStart
                        // YARP's activity timeout is the idle limit when there is one (the total has its own token).
                        : timeouts.Idle is not null && error is ForwarderError.RequestTimedOut ? ExpiredLimit.Idle
                        : ExpiredLimit.None;
                    var failure = ForwarderErrorMapping.Map(error, exception, expired, $"{service.Namespace}/{revision}");
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
            metrics.Record(service, throttler, context.Response.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// A custom domain mapped to an addressable that is not a Knative Service (a Broker, a Channel): forwarded to its
    /// URL with the activator's default timeout; nothing to throttle or hold, the addressable is always up or down.
    /// </summary>
    private async Task ForwardToAddressAsync(HttpContext context, Uri address)
    {
        if (context.Request.ContentLength > options.MaxRequestBodyBytes)
        {
            await WriteAsync(context, BodyTooLarge());
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = options.MaxRequestBodyBytes;
        var transformer = _addresses.GetOrAdd(address, static a => new AddressTransformer(a));
        var timeout = TimeSpan.FromSeconds(options.DefaultTimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        var error = await forwarder.SendAsync(context, transformer.DestinationPrefix, client.Invoker, ConfigFor(timeout), transformer, deadline.Token);
        if (error == ForwarderError.None || context.RequestAborted.IsCancellationRequested) return;
        var failure = ForwarderErrorMapping.Map(error, context.GetForwarderErrorFeature()?.Exception,
            deadline.IsCancellationRequested ? ExpiredLimit.Total : ExpiredLimit.None, address.ToString());
        if (failure is not { } f) return;
        LogForwardFailed("-", address.ToString(), address.Authority, error, f.StatusCode);
        if (!context.Response.HasStarted) await WriteAsync(context, f);
        else context.Abort();
    }

    /// <summary>Connection attempts per request before a refused connection is answered 502.</summary>
    public const int MaxConnectAttempts = 3;

    /// <summary>True when the forward failed connecting (refused, reset before any byte): the request was never sent.</summary>
    public static bool ConnectionRefused(ForwarderError error, Exception? exception) =>
        error is ForwarderError.Request
        && exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } http
        && http.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };

    /// <summary>
    /// True when the replica dropped the connection before any response (reset, closed) and the request is safe
    /// (GET, HEAD, OPTIONS, TRACE) with no body: sending it again cannot repeat an effect nor needs a body already read.
    /// </summary>
    public static bool ReplayableAfterDrop(string method, long? contentLength, bool chunked, ForwarderError error, Exception? exception) =>
        (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        && contentLength is null or 0 && !chunked
        && error is ForwarderError.Request && exception is HttpRequestException http && !ConnectionRefused(error, exception)
        && (http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded || DroppedByPeer(http));

    // A reset while the request is written surfaces as Unknown with the socket error inside.
    private static bool DroppedByPeer(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionAborted or System.Net.Sockets.SocketError.Shutdown })
                return true;
        return false;
    }

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
            AcquireOutcome.RevisionFailed => new(StatusCodes.Status503ServiceUnavailable, "revision-failed",
                $"revision {t.Namespace}/{t.Name} has no ready replica and cannot start one: {t.Failure}"),
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

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Replica {Endpoint} of {Namespace}/{Revision} dropped a safe request before answering (attempt {Attempt}): sending it again")]
    private partial void LogReplayed(string @namespace, string revision, string endpoint, int attempt);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Forwarding to revision {Namespace}/{Revision} at {Endpoint} failed ({Error}): answered {Status}")]
    private partial void LogForwardFailed(string @namespace, string revision, string endpoint, ForwarderError error, int status);
}
