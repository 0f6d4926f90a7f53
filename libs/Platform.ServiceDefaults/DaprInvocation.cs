using Dapr.Client;

namespace Platform.ServiceDefaults;

/// <summary>
/// The HTTP client every service uses for Dapr service invocation of another app. The SDK's
/// <see cref="DaprClient.CreateInvokeHttpClient"/> finds the sidecar from <c>DAPR_HTTP_ENDPOINT</c>/<c>DAPR_HTTP_PORT</c>
/// but sends <c>dapr-api-token</c> only when it is handed the token, so without this a sidecar started with
/// <c>DAPR_API_TOKEN</c> refuses every call (401).
/// </summary>
public static class DaprInvocation
{
    /// <summary>A client whose relative URIs are methods of <paramref name="appId"/>; carries <c>DAPR_API_TOKEN</c> when set.</summary>
    public static HttpClient CreateHttpClient(string appId) =>
        DaprClient.CreateInvokeHttpClient(appId: appId, daprEndpoint: null, daprApiToken: ApiToken());

    /// <summary><c>DAPR_API_TOKEN</c> from the environment, or null when unset or empty.</summary>
    public static string? ApiToken() =>
        Environment.GetEnvironmentVariable("DAPR_API_TOKEN") is { Length: > 0 } token ? token : null;
}
