namespace Platform.Sidecar.Security;

/// <summary>
/// Enforces <c>DAPR_API_TOKEN</c>: every request except <c>/v1.0/healthz*</c> must carry the header
/// <c>dapr-api-token</c>; otherwise HTTP 401, or gRPC <c>Unauthenticated</c> for gRPC calls.
/// </summary>
internal static class ApiTokenMiddleware
{
    /// <summary>Adds the check when <paramref name="token"/> is set.</summary>
    public static IApplicationBuilder UseDaprApiToken(this IApplicationBuilder app, string? token)
    {
        if (token is null) return app;
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v1.0/healthz") ||
                string.Equals(context.Request.Headers["dapr-api-token"], token, StringComparison.Ordinal))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
            {
                // Trailers-only gRPC response: status in the headers.
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = "16";
                context.Response.Headers["grpc-message"] = "missing or invalid dapr-api-token";
                return;
            }
            await new Hosting.DaprError(401, "ERR_UNAUTHORIZED", "invalid api token").ToResult().ExecuteAsync(context).ConfigureAwait(false);
        });
    }
}
