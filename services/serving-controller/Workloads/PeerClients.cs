using Dapr.Client;
using Microsoft.Extensions.Options;

namespace Platform.ServingController.Workloads;

/// <summary>
/// HTTP clients to the activator and the autoscaler: a direct base URL when configured, else Dapr service
/// invocation (<see cref="DaprClient.CreateInvokeHttpClient"/>, which reads <c>DAPR_HTTP_ENDPOINT</c>/<c>DAPR_HTTP_PORT</c>).
/// </summary>
public sealed class PeerClients : IDisposable
{
    /// <summary>Creates both clients from the options.</summary>
    public PeerClients(IOptions<ServingWiringOptions> options)
    {
        var o = options.Value;
        Activator = Create(o.ActivatorUrl, o.ActivatorAppId, o.PeerTimeout);
        Autoscaler = Create(o.AutoscalerUrl, o.AutoscalerAppId, o.PeerTimeout);
    }

    /// <summary>The activator's control endpoints.</summary>
    public HttpClient Activator { get; }

    /// <summary>The autoscaler's intake.</summary>
    public HttpClient Autoscaler { get; }

    private static HttpClient Create(string? url, string appId, TimeSpan timeout)
    {
        var client = string.IsNullOrEmpty(url)
            ? DaprClient.CreateInvokeHttpClient(appId: appId)
            : new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        client.Timeout = timeout;
        return client;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Activator.Dispose();
        Autoscaler.Dispose();
    }
}
