using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Admission;
using Platform.ControlPlane.Server.Catalog;
using Platform.ControlPlane.Server.Http;
using Platform.ControlPlane.Server.Persistence;
using Platform.ControlPlane.Server.Security;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Server.Hosting;

/// <summary>Wiring of the control-plane API server into the process that hosts it (serving-controller in local mode).</summary>
public static class ControlPlaneServerExtensions
{
    /// <summary>
    /// Registers the catalog, its persistence (<c>ControlPlane:Persistence</c>: <c>dapr</c> or <c>memory</c>), the
    /// kinds (<see cref="ResourceKinds.Knative"/>), the admission (<c>ControlPlane:Admission</c>) and an in-process
    /// <see cref="IResourceStore"/>, which the host's own reconcilers then use instead of the HTTP client. Each is
    /// registered with TryAdd, so a registration made before this call wins. Other services follow changes with
    /// watches (<c>ResourceInformer</c>); nothing is published on pub/sub.
    /// </summary>
    public static IHostApplicationBuilder AddControlPlaneServer(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ControlPlaneOptions>().BindConfiguration(ControlPlaneOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ResourceKinds.Knative);
        services.TryAddSingleton<IResourceAdmission>(sp =>
        {
            var admission = sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.Admission;
            return admission.ToLowerInvariant() switch
            {
                "basic" => new BasicAdmission(),
                "knative" => KnativeAdmission.Default,
                _ => throw new InvalidOperationException($"{ControlPlaneOptions.Section}:Admission is \"{admission}\"; it must be \"basic\" or \"knative\""),
            };
        });
        services.TryAddSingleton<IResourcePersistence>(sp =>
        {
            var persistence = sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.Persistence;
            return persistence.ToLowerInvariant() switch
            {
                "memory" => new InMemoryResourcePersistence(),
                "dapr" => ActivatorUtilities.CreateInstance<DaprResourcePersistence>(sp),
                _ => throw new InvalidOperationException($"{ControlPlaneOptions.Section}:Persistence is \"{persistence}\"; it must be \"dapr\" or \"memory\""),
            };
        });
        services.TryAddSingleton(sp => AuthOptions(builder.Configuration));
        services.TryAddSingleton<ResourceCatalog>();
        services.TryAddSingleton<IResourceStore, InProcessResourceStore>();
        // Registered before the web server's own hosted service, so the catalog is loaded before the first request.
        services.AddHostedService<CatalogLoader>();
        return builder;
    }

    /// <summary>
    /// <c>ControlPlane:Auth</c> (<see cref="ApiAuthOptions"/>), with the token's location taken from <c>PLATFORM_DIR</c>
    /// (the run's <c>.platform</c>) when not set; fails at start naming a bad setting.
    /// </summary>
    public static ApiAuthOptions AuthOptions(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = configuration.GetSection($"{ControlPlaneOptions.Section}:Auth").Get<ApiAuthOptions>() ?? new ApiAuthOptions();
        if (options.TokenLocation is null && configuration["PLATFORM_DIR"] is { Length: > 0 } dir)
            options = options with { TokenLocation = System.IO.Path.Combine(dir, "api-token") };
        if (options.Validate() is { Count: > 0 } errors)
            throw new InvalidOperationException("Invalid control-plane configuration: " + string.Join("; ", errors));
        return options;
    }

    /// <summary>Maps the API on <c>/apis/**</c>, behind the bearer-token check when <c>ControlPlane:Auth:Token</c> is set.</summary>
    public static WebApplication MapControlPlaneApi(this WebApplication app)
    {
        app.UseMiddleware<ApiAuthenticationMiddleware>();
        app.Map("/apis/{**rest}", (RequestDelegate)(context => ResourceApi.HandleAsync(context, context.Request.RouteValues["rest"] as string)));
        return app;
    }
}

/// <summary>Loads the catalog from its persistence at start-up, retrying while the state store is not reachable yet.</summary>
internal sealed partial class CatalogLoader(ResourceCatalog catalog, IOptions<ControlPlaneOptions> options, TimeProvider time, ILogger<CatalogLoader> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.LoadTimeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await catalog.LoadAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && time.GetUtcNow() < deadline)
            {
                LogRetry(ex.Message, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempt)), time, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Loading resources from the state store failed ({Reason}), attempt {Attempt}; retrying")]
    private partial void LogRetry(string reason, int attempt);
}
