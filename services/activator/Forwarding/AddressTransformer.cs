using Yarp.ReverseProxy.Forwarder;

namespace Platform.Activator.Forwarding;

/// <summary>
/// Forwards a custom domain's request to another addressable's URL (a DomainMapping to a Broker, a Channel, ...):
/// the request's path goes after the address's path (<c>/</c> alone maps to the address itself), its query is kept,
/// and the Host becomes the address's, as a client of that address would send it.
/// </summary>
internal sealed class AddressTransformer(Uri address) : HttpTransformer
{
    /// <summary>The address's scheme and authority: YARP's destination prefix.</summary>
    public string DestinationPrefix { get; } = address.GetLeftPart(UriPartial.Authority);

    /// <inheritdoc />
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = Target(address, httpContext.Request.Path, httpContext.Request.QueryString);
        proxyRequest.Headers.Host = null;
        proxyRequest.Headers.TryAddWithoutValidation(ForwardingClient.ProxyHeader, "activator");
    }

    /// <summary>The URL a request for <paramref name="path"/> and <paramref name="query"/> goes to, pure.</summary>
    public static Uri Target(Uri address, PathString path, QueryString query)
    {
        var basePath = address.AbsolutePath.TrimEnd('/');
        var rest = path.HasValue && path.Value != "/" ? path.Value : "";
        var combined = basePath + rest;
        var builder = new UriBuilder(address) { Path = combined.Length == 0 ? "/" : combined, Query = query.HasValue ? query.Value![1..] : "" };
        return builder.Uri;
    }
}
