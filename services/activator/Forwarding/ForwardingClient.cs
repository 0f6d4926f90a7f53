using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Platform.Activator.Forwarding;

/// <summary>The one HTTP client and request transformer shared by every forwarded request.</summary>
internal sealed class ForwardingClient : IDisposable
{
    /// <summary>Header Knative's activator sets so that the revision's side knows the request came through it.</summary>
    public const string ProxyHeader = "K-Proxy-Request";

    /// <summary>Creates the shared client and transformer.</summary>
    public ForwardingClient(ITransformBuilder transforms)
    {
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        });
        Transformer = transforms.Create(context =>
        {
            // Knative keeps the caller's Host: the workload sees hello.default.localhost, not 127.0.0.1:port.
            context.AddOriginalHost(useOriginal: true);
            context.AddXForwardedFor(action: ForwardedTransformActions.Append);
            context.AddXForwardedProto(action: ForwardedTransformActions.Set);
            context.AddXForwardedHost(action: ForwardedTransformActions.Set);
            context.AddRequestHeader(ProxyHeader, "activator", append: false);
        });
        TimedTransformer = new ResponseStartTransformer(Transformer);
    }

    /// <summary>Pooled connections to every replica (no proxy, no redirects, no decompression).</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>Copies headers, keeps Host, adds <c>X-Forwarded-For/Proto/Host</c> and <c>K-Proxy-Request</c>.</summary>
    public HttpTransformer Transformer { get; }

    /// <summary><see cref="Transformer"/> that also stops the request's <see cref="ResponseStartTimer"/> when the response starts.</summary>
    public HttpTransformer TimedTransformer { get; }

    /// <inheritdoc />
    public void Dispose() => Invoker.Dispose();
}
