using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;
using Platform.Sidecar.Components;
using Platform.Sidecar.Core.Components;
using Platform.Sidecar.Core.Discovery;
using Platform.Sidecar.Core.Http;
using Platform.Sidecar.Core.State;
using Platform.Sidecar.Discovery;
using Platform.Sidecar.Grpc;
using Platform.Sidecar.Health;
using Platform.Sidecar.Invocation;
using Platform.Sidecar.Metadata;
using Platform.Sidecar.PubSub;
using Platform.Sidecar.State;

namespace Platform.Sidecar.Hosting;

/// <summary>Wiring of the sidecar: listeners, logging, components, APIs. Program.cs reads as the outline.</summary>
internal static class SidecarHost
{
    /// <summary>Exit code for bad arguments or resource files.</summary>
    public const int BadConfiguration = 2;

    /// <summary>Exit code when a listener cannot start (e.g. a port is taken).</summary>
    public const int StartFailed = 3;

    /// <summary>Reads the resources for the app, or prints the problem (naming file and field) and returns null.</summary>
    public static ResourceSet? LoadResources(SidecarOptions options)
    {
        try
        {
            return ResourceLoader.Load(options.ResourcesPaths, options.AppId);
        }
        catch (ResourceFileException e)
        {
            Console.Error.WriteLine($"platform-sidecar (app {options.AppId}): {e.Message}");
            return null;
        }
    }

    private const string UsageLine = "usage: platform-sidecar --app-id ID [--app-port N] --dapr-http-port N --dapr-grpc-port N [--resources-path DIR]... " +
        "[--app-protocol http] [--app-channel-address 127.0.0.1] [--registry-dir DIR] [--metrics-port N] [--log-level debug|info|warn|error] [--max-body-size 4Mi]";

    /// <summary>Prints argument errors and the usage line; returns <see cref="BadConfiguration"/>.</summary>
    public static int Usage(IReadOnlyList<string> errors)
    {
        foreach (var e in errors) Console.Error.WriteLine($"platform-sidecar: {e}");
        Console.Error.WriteLine(UsageLine);
        return BadConfiguration;
    }

    /// <summary><c>--help</c>: what the sidecar is and its flags (daprd's names), on standard output; exit code 0.</summary>
    public static int Help()
    {
        Console.WriteLine("platform-sidecar: the Dapr-compatible local sidecar (daprd's HTTP and gRPC APIs for pub/sub, state,");
        Console.WriteLine("service invocation and actors), one per app, started by `./platform up` where no daprd is installed.");
        Console.WriteLine(UsageLine);
        Console.WriteLine("Environment: APP_API_TOKEN, DAPR_API_TOKEN (as daprd). Components are read from every --resources-path.");
        return 0;
    }

    /// <summary>Registers the sidecar's listeners, logging, components and services.</summary>
    public static WebApplicationBuilder AddSidecar(this WebApplicationBuilder builder, SidecarOptions options, ResourceSet resources)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(options.HttpPort, l => l.Protocols = HttpProtocols.Http1);
            kestrel.ListenLocalhost(options.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
            kestrel.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Logging.SetMinimumLevel(options.LogLevel switch
        {
            "debug" => LogLevel.Debug,
            "warn" => LogLevel.Warning,
            "error" or "fatal" => LogLevel.Error,
            _ => LogLevel.Information,
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // ASP.NET Core's hosting layer opens a log scope and starts an Activity for every request as soon as its
        // category is enabled at any level; it only logs request start/finish (Information), which is filtered anyway.
        // Off, a publish or delivery request carries no per-message scope or Activity unless a tracer listens.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);

        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        // daprd serves //v1.0/... as /v1.0/...; the .NET SDK's default endpoint produces such paths.
        services.AddDaprCleanPath();
        services.AddSingleton(sp => LoadedComponents.Create(resources, sp.GetRequiredService<ILoggerFactory>()));
        foreach (var store in resources.Components.Where(c => c.Type.StartsWith("state.", StringComparison.Ordinal)))
            services.AddSingleton<IStateStore>(sp => sp.GetRequiredService<LoadedComponents>().StateStore(store.Name)!);

        var self = new AppInstance(options.AppId, options.InstanceId, $"http://127.0.0.1:{options.HttpPort}", $"http://127.0.0.1:{options.GrpcPort}", []);
        services.AddSingleton(sp => new FileAppRegistry(options.RegistryDir, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAppRegistry>(sp => sp.GetRequiredService<FileAppRegistry>());
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SelfRegistration>(sp, self));
        services.AddSingleton<ISelfRegistration>(sp => sp.GetRequiredService<SelfRegistration>());
        services.AddHostedService<RegistryHeartbeat>();

        services.AddSingleton<Readiness>();
        services.AddSingleton<AppChannel>();
        services.AddSingleton<Publisher>();
        services.AddSingleton<BulkDelivery>();
        services.AddSingleton<AppDelivery>();
        services.AddSingleton<SubscriptionCatalog>();
        services.AddHostedService<SubscriptionRunner>();
        services.AddSingleton<MetadataService>();
        services.AddSingleton<InvocationTargets>();
        services.AddHttpForwarder();

        services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = true;
            o.MaxReceiveMessageSize = (int)Math.Min(options.MaxBodySize, int.MaxValue);
        });
        services.AddSingleton<IServiceMethodProvider<DaprGrpcService>, DaprMethodProvider>();
        services.AddSingleton<DaprGrpcService>();
        return builder;
    }

    /// <summary>Maps the HTTP and gRPC APIs (actors are mapped by their own package).</summary>
    public static WebApplication MapSidecarApi(this WebApplication app)
    {
        app.UseBodySizeLimit(app.Services.GetRequiredService<SidecarOptions>().MaxBodySize);
        app.MapHealthApi();
        app.MapMetadataApi();
        app.MapPublishApi();
        app.MapStateApi();
        app.MapInvocationApi();
        app.MapGrpcService<DaprGrpcService>();
        return app;
    }

    /// <summary>
    /// Creates the components (bad metadata → exit 2 naming file and field), starts the listeners (a taken port →
    /// exit 3) and runs until SIGTERM/Ctrl-C.
    /// </summary>
    public static async Task<int> RunSidecarAsync(this WebApplication app, SidecarOptions options)
    {
        LoadedComponents components;
        try
        {
            components = app.Services.GetRequiredService<LoadedComponents>();
        }
        catch (ResourceFileException e)
        {
            Console.Error.WriteLine($"platform-sidecar (app {options.AppId}): {e.Message}");
            return BadConfiguration;
        }
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"platform-sidecar (app {options.AppId}): cannot listen on HTTP port {options.HttpPort} / gRPC port {options.GrpcPort}: {e.Message}");
            return StartFailed;
        }
        var names = string.Join(", ", components.Resources.Components.Select(c => $"{c.Name} ({c.Type})"));
        SidecarLog.Started(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Sidecar"), options.AppId, options.HttpPort, options.GrpcPort, names.Length == 0 ? "none" : names);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        return 0;
    }
}
