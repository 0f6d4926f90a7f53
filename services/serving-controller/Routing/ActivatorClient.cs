using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;
using Platform.Serving.Contracts.Routing;
using Platform.ServingController.Hosting;

namespace Platform.ServingController.Routing;

/// <summary>
/// The HTTP client of the activator's control endpoints: a direct base URL when configured, else Dapr service
/// invocation (<see cref="DaprInvocation.CreateHttpClient"/>, which reads <c>DAPR_HTTP_ENDPOINT</c>/<c>DAPR_HTTP_PORT</c>
/// and sends <c>DAPR_API_TOKEN</c>).
/// </summary>
internal sealed class ActivatorClient : IDisposable
{
    /// <summary>Creates the client from the options.</summary>
    public ActivatorClient(IOptions<ServingWiringOptions> options)
    {
        var o = options.Value;
        Http = string.IsNullOrEmpty(o.ActivatorUrl)
            ? DaprInvocation.CreateHttpClient(o.ActivatorAppId)
            : new HttpClient { BaseAddress = new Uri(o.ActivatorUrl.TrimEnd('/') + "/") };
        Http.Timeout = o.PeerTimeout;
    }

    /// <summary>The client; paths are <see cref="ActivatorApi"/>'s.</summary>
    public HttpClient Http { get; }

    /// <inheritdoc />
    public void Dispose() => Http.Dispose();
}
