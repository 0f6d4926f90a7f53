using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Sidecar.Core.Http;

/// <summary>
/// daprd's <c>CleanPathMiddleware</c> (pkg/api/http): repeated slashes in a request path count as one, so
/// <c>//v1.0/actors/...</c> is served as <c>/v1.0/actors/...</c>. The Dapr .NET SDK depends on it: its HTTP endpoint
/// defaults to <c>http://localhost:{DAPR_HTTP_PORT}/</c> (built with <see cref="UriBuilder"/>, so with a trailing
/// slash) and its actor client appends <c>/v1.0/...</c>, so every actor proxy call and every actor state or timer
/// call of an app left on the defaults arrives with a leading <c>//</c>. ASP.NET Core routing does not match an
/// empty segment, which answered 404.
/// </summary>
public static class CleanPath
{
    /// <summary>
    /// Cleans every request path before routing. Registered as a startup filter because a
    /// <see cref="WebApplication"/> routes before the first middleware added with <c>app.Use</c>; idempotent.
    /// </summary>
    public static IServiceCollection AddDaprCleanPath(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, CleanPathStartupFilter>());
        return services;
    }

    /// <summary><paramref name="path"/> with each run of slashes collapsed to one.</summary>
    public static string Collapse(string path)
    {
        var clean = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c == '/' && clean.Length > 0 && clean[^1] == '/') continue;
            clean.Append(c);
        }
        return clean.ToString();
    }

    private sealed class CleanPathStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path.Value is { } path && path.Contains("//", StringComparison.Ordinal))
                    context.Request.Path = new PathString(Collapse(path));
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
