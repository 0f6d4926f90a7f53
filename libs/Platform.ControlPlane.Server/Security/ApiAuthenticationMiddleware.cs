using Microsoft.AspNetCore.Http;
using Platform.ControlPlane.Server.Http;

namespace Platform.ControlPlane.Server.Security;

/// <summary>
/// Checks the bearer token of every API call (<c>/apis/**</c>, and the host's own <c>/workloads/**</c>): 401 without
/// a valid token, 403 for the read-only token on a writing verb, as a Kubernetes <c>Status</c> with
/// <c>WWW-Authenticate: Bearer</c>. Health endpoints stay open for probes.
/// </summary>
internal sealed class ApiAuthenticationMiddleware(RequestDelegate next, ApiAuthOptions options)
{
    /// <summary>Paths that need a credential.</summary>
    public static bool Protected(PathString path) => path.StartsWithSegments("/apis") || path.StartsWithSegments("/workloads");

    public Task InvokeAsync(HttpContext context)
    {
        if (!options.Enabled || !Protected(context.Request.Path)) return next(context);
        if (ApiAccess.Check(options, context.Request.Method, context.Request.Headers.Authorization) is not { } error) return next(context);
        if (error.Code == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer realm=\"platform\"";
        return Responses.WriteErrorAsync(context, error);
    }
}
