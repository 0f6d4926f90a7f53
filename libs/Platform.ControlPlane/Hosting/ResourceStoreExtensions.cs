using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.ControlPlane.Http;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Kubernetes;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Hosting;

/// <summary>Registers the control-plane client every service uses.</summary>
public static class ResourceStoreExtensions
{
    /// <summary>
    /// Registers <see cref="IResourceStore"/> as <see cref="ResourceStoreOptions"/> asks: the local API over HTTP, or the
    /// Kubernetes API. TryAdd: a process that hosts the API itself (serving-controller) registers its in-process
    /// store first and keeps it. A bad setting fails at start-up naming its path.
    /// </summary>
    public static IHostApplicationBuilder AddResourceStore(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ResourceStoreOptions.Section).Get<ResourceStoreOptions>() ?? new ResourceStoreOptions();
        builder.Services.TryAddSingleton(ResourceKinds.Knative);
        builder.Services.TryAddSingleton<IResourceStore>(sp => Create(options, sp.GetRequiredService<ResourceKinds>()));
        return builder;
    }

    /// <summary>The mode <paramref name="configuration"/> asks for (<c>ResourceStore:Mode</c>, default Local).</summary>
    public static ResourceStoreMode ModeOf(IConfiguration configuration) =>
        (configuration.GetSection(ResourceStoreOptions.Section).Get<ResourceStoreOptions>() ?? new ResourceStoreOptions()).Mode;

    /// <summary>The store <paramref name="options"/> describe.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid (the message names it).</exception>
    public static IResourceStore Create(ResourceStoreOptions options, ResourceKinds kinds)
    {
        switch (options.Mode)
        {
            case ResourceStoreMode.Kubernetes:
                try
                {
                    return KubernetesResourceStore.FromConfig(options.Kubeconfig, options.Context, kinds);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidOperationException($"{ResourceStoreOptions.Section}:Kubeconfig: {e.Message}", e);
                }
            default:
                if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    throw new InvalidOperationException($"{ResourceStoreOptions.Section}:Url: \"{options.Url}\" is not an http(s) URL");
                return HttpResourceStore.Create(url, options.Token);
        }
    }
}
