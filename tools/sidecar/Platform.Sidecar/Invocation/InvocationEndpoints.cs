using System.Net;
using Platform.Sidecar.Core.Discovery;
using Platform.Sidecar.Hosting;
using Platform.Sidecar.PubSub;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Sidecar.Invocation;

/// <summary>
/// Service invocation, <c>/v1.0/invoke/{appId}/method/{*path}</c> with any verb: a call for this app goes to the
/// app (<c>/{path}</c>); a call for another app goes to one of its sidecars from the registry (round robin), which
/// then calls its app. Forwarding uses YARP's <see cref="IHttpForwarder"/>.
/// </summary>
internal static class InvocationEndpoints
{
    /// <summary>Header carrying the calling app-id, as daprd sets it.</summary>
    public const string CallerHeader = "dapr-caller-app-id";

    /// <summary>Maps the invocation API.</summary>
    public static IEndpointRouteBuilder MapInvocationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/v1.0/invoke/{appId}/method/{**path}", InvokeAsync);
        return endpoints;
    }

    private static async Task InvokeAsync(HttpContext context, string appId, string? path, IHttpForwarder forwarder, InvocationTargets targets,
        SidecarOptions options, AppChannel channel, ILogger<InvocationTargets> logger)
    {
        var targetAppId = appId;
        var dot = appId.IndexOf('.');
        if (dot > 0 && appId != options.AppId && !await targets.ExistsAsync(appId, context.RequestAborted).ConfigureAwait(false))
            targetAppId = appId[..dot]; // "app.namespace" form: namespaces are not used locally.

        string destination;
        HttpTransformer transformer;
        HttpMessageInvoker invoker;
        if (targetAppId == options.AppId)
        {
            if (channel.BaseUrl is null)
            {
                await DaprError.DirectInvoke(appId, "app channel is not initialized: the sidecar runs without --app-port").ToResult().ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            destination = channel.BaseUrl.ToString().TrimEnd('/');
            transformer = new InvocationTransformer("/" + path, options.AppApiToken, callerAppId: null);
            invoker = targets.AppInvoker;
        }
        else
        {
            var target = await targets.PickAsync(targetAppId, context.RequestAborted).ConfigureAwait(false);
            if (target is null)
            {
                SidecarLog.InvokeFailed(logger, options.AppId, targetAppId, "not found in the registry");
                await DaprError.DirectInvoke(targetAppId, $"couldn't find service: {targetAppId} (no live sidecar in {options.RegistryDir})").ToResult().ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            destination = target.SidecarHttpEndpoint.TrimEnd('/');
            transformer = new InvocationTransformer($"/v1.0/invoke/{targetAppId}/method/{path}", options.ApiToken, options.AppId);
            invoker = targets.SidecarInvoker;
        }
        var error = await forwarder.SendAsync(context, destination, invoker, ForwarderRequestConfig.Empty, transformer).ConfigureAwait(false);
        if (error != ForwarderError.None)
        {
            var detail = context.GetForwarderErrorFeature()?.Exception?.Message ?? error.ToString();
            SidecarLog.InvokeFailed(logger, options.AppId, targetAppId, detail);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await DaprError.DirectInvoke(targetAppId, detail).ToResult().ExecuteAsync(context).ConfigureAwait(false);
            }
        }
    }

    private sealed class InvocationTransformer(string path, string? token, string? callerAppId) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            proxyRequest.RequestUri = new Uri(destinationPrefix + path + httpContext.Request.QueryString.Value);
            proxyRequest.Headers.Host = null;
            proxyRequest.Headers.Remove("dapr-api-token");
            if (token is not null) proxyRequest.Headers.TryAddWithoutValidation("dapr-api-token", token);
            if (callerAppId is not null)
            {
                proxyRequest.Headers.Remove(CallerHeader);
                proxyRequest.Headers.TryAddWithoutValidation(CallerHeader, callerAppId);
            }
        }
    }
}

/// <summary>Finds the sidecars of other apps in the registry and spreads calls over their instances.</summary>
internal sealed class InvocationTargets(FileAppRegistry registry, AppChannel channel)
{
    private int _next;

    /// <summary>Forwards to the app (shares the app channel's pooled handler).</summary>
    public HttpMessageInvoker AppInvoker { get; } = new(channel.Handler, disposeHandler: false);

    /// <summary>Forwards to other sidecars.</summary>
    public HttpMessageInvoker SidecarInvoker { get; } = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    });

    /// <summary>True when some live sidecar serves <paramref name="appId"/>.</summary>
    public async Task<bool> ExistsAsync(string appId, CancellationToken cancellationToken) =>
        (await registry.FindAsync(appId, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false)).Count > 0;

    /// <summary>The next instance of <paramref name="appId"/> (round robin), or null when none is live.</summary>
    public async Task<AppInstance?> PickAsync(string appId, CancellationToken cancellationToken)
    {
        var instances = await registry.FindAsync(appId, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        if (instances.Count == 0) return null;
        return instances[(int)((uint)Interlocked.Increment(ref _next) % (uint)instances.Count)];
    }
}
