using System.Net;
using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Sidecar.Core.Discovery;
using Platform.Sidecar.Core.State;
using Platform.Testing;

namespace Platform.Sidecar.Actors.Tests.EndToEnd;

/// <summary>
/// Settings of a test app's actor runtime (what its <c>/dapr/config</c> will say). <paramref name="SdkDefaultEndpoint"/>:
/// the app reaches its sidecar at the endpoint the SDK builds from <c>DAPR_HTTP_PORT</c> (trailing slash) instead of a
/// trimmed one; <paramref name="JsonSerialization"/>: JSON actor remoting instead of DataContract.
/// </summary>
public sealed record TestAppSettings(TimeSpan? IdleTimeout = null, TimeSpan? ScanInterval = null, bool SdkDefaultEndpoint = false, bool JsonSerialization = false);

/// <summary>A real ASP.NET app hosting <see cref="TestActor"/> with Dapr.Actors.AspNetCore, on a free loopback port.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri url) => (_app, Url) = (app, url);

    public Uri Url { get; }

    public static async Task<TestApp> StartAsync(string name, Uri sidecarUrl, TestAppSettings? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(new AppIdentity(name));
        builder.Services.AddActors(o =>
        {
            o.Actors.RegisterActor<TestActor>();
            o.HttpEndpoint = settings?.SdkDefaultEndpoint == true ? ActorCluster.SdkDefaultEndpoint(sidecarUrl.Port) : sidecarUrl.ToString().TrimEnd('/');
            o.UseJsonSerialization = settings?.JsonSerialization == true;
            if (settings?.IdleTimeout is { } idle) o.ActorIdleTimeout = idle;
            if (settings?.ScanInterval is { } scan) o.ActorScanInterval = scan;
        });
        var app = builder.Build();
        app.MapActorsHandlers();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address.Replace("[::1]", "127.0.0.1")));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A minimal sidecar host: Kestrel with the actor runtime and API, a state store and a registry entry.</summary>
public sealed class TestSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestSelfRegistration _self;
    private readonly IAppRegistry _registry;

    private TestSidecar(WebApplication app, TestSelfRegistration self, IAppRegistry registry, Uri url) => (_app, _self, _registry, Url) = (app, self, registry, url);

    public Uri Url { get; }

    public string InstanceId => _self.Self.InstanceId;

    public static async Task<TestSidecar> StartAsync(string appId, int port, Uri appUrl, IStateStore store, IAppRegistry registry, string? instanceId = null, TimeProvider? time = null, string? appApiToken = null)
    {
        var url = new Uri($"http://127.0.0.1:{port}");
        var self = new TestSelfRegistration(registry, new AppInstance(appId, instanceId ?? Guid.NewGuid().ToString("N"), url.ToString().TrimEnd('/'), url.ToString().TrimEnd('/'), []));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton(store);
        if (time is not null) builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IAppRegistry>(registry);
        builder.Services.AddSingleton<ISelfRegistration>(self);
        builder.Services.AddActorRuntime(new ActorRuntimeOptions
        {
            AppId = appId,
            AppBaseUrl = appUrl,
            AppApiToken = appApiToken,
            ConfigPollInterval = TimeSpan.FromMilliseconds(50),
            PlacementRefreshInterval = TimeSpan.FromMilliseconds(200),
            ReminderSyncInterval = TimeSpan.FromMilliseconds(500),
        });
        var app = builder.Build();
        app.MapActorApi();
        await app.StartAsync();
        var sidecar = new TestSidecar(app, self, registry, url);
        await Recorder.WaitUntilAsync(() => self.Self.ActorTypes.Count > 0, $"sidecar {appId} to learn its actor types");
        return sidecar;
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.UnregisterAsync(_self.Self);
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One app with its sidecar; the app is told the sidecar's port before either starts.</summary>
public sealed class ActorCluster : IAsyncDisposable
{
    public required TestApp App { get; init; }
    public required TestSidecar Sidecar { get; init; }
    public required int SidecarPort { get; init; }
    public required IStateStore Store { get; init; }
    public required TestRegistry Registry { get; init; }
    public required string AppId { get; init; }

    public static async Task<ActorCluster> StartAsync(IStateStore store, TestAppSettings? settings = null, TestRegistry? registry = null, string appId = "actors-app", string name = "app", string? instanceId = null)
    {
        registry ??= new TestRegistry();
        var port = FreePort.Next();
        var app = await TestApp.StartAsync(name, new Uri($"http://127.0.0.1:{port}"), settings);
        var sidecar = await TestSidecar.StartAsync(appId, port, app.Url, store, registry, instanceId);
        return new ActorCluster { App = app, Sidecar = sidecar, SidecarPort = port, Store = store, Registry = registry, AppId = appId };
    }

    public ITestActor Proxy(string id) => Proxy(Sidecar.Url, id);

    /// <summary>
    /// The sidecar endpoint as the SDK builds it when only <c>DAPR_HTTP_PORT</c> is set (DaprDefaults uses a
    /// <see cref="UriBuilder"/>): with a trailing slash, so its calls arrive as <c>//v1.0/actors/...</c>.
    /// </summary>
    public static string SdkDefaultEndpoint(int port) => new UriBuilder(Uri.UriSchemeHttp, "127.0.0.1", port).ToString();

    public static ITestActor Proxy(Uri sidecar, string id) =>
        new ActorProxyFactory(new ActorProxyOptions { HttpEndpoint = sidecar.ToString().TrimEnd('/') })
            .CreateActorProxy<ITestActor>(new ActorId(id), nameof(TestActor));

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await App.DisposeAsync();
    }
}
