namespace Platform.Sidecar.Health;

/// <summary>
/// What the health endpoints report: outbound (components loaded) is true once the host runs; the sidecar is
/// ready once the app channel is set up (the app answered and its subscriptions are consumed) or when there is no app.
/// </summary>
internal sealed class Readiness
{
    private volatile bool _appReady;

    /// <summary>True once the app channel and subscriptions are set up.</summary>
    public bool AppReady => _appReady;

    /// <summary>Marks the app channel ready.</summary>
    public void MarkAppReady() => _appReady = true;
}

/// <summary>Maps <c>/v1.0/healthz</c> and <c>/v1.0/healthz/outbound</c>.</summary>
internal static class HealthEndpoints
{
    /// <summary>Maps the health API.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1.0/healthz", (Readiness readiness) => readiness.AppReady
            ? Results.NoContent()
            : new Hosting.DaprError(500, "ERR_HEALTH_NOT_READY", "dapr is not ready").ToResult());
        endpoints.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        return endpoints;
    }
}
