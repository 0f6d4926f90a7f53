namespace Platform.Serving.Contracts.Routing;

/// <summary>
/// The activator's control endpoints (its control port, not the ingress): what serving-controller calls, through
/// Dapr service invocation on app-id <see cref="AppId"/> or a direct URL.
/// </summary>
public static class ActivatorApi
{
    /// <summary>The activator's Dapr app-id.</summary>
    public const string AppId = "activator";

    /// <summary><c>PUT</c> a whole <see cref="RouteTable"/>; <c>GET</c> the current one.</summary>
    public const string Routes = "/activator/v1/routes";

    /// <summary><c>GET</c> per-revision throttler figures and the last stats batch.</summary>
    public const string Stats = "/activator/v1/stats";

    /// <summary><c>PUT</c> an <see cref="EndpointsUpdate"/>: one revision's ready replicas.</summary>
    public static string Endpoints(string ns, string revision) =>
        $"/activator/v1/revisions/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(revision)}/endpoints";
}
