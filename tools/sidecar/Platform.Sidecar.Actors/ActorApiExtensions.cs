using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Sidecar.Actors.Activation;
using Platform.Sidecar.Actors.Api;
using Platform.Sidecar.Actors.Hosting;
using Platform.Sidecar.Actors.Invocation;
using Platform.Sidecar.Actors.Placement;
using Platform.Sidecar.Actors.Reminders;
using Platform.Sidecar.Actors.State;
using Platform.Sidecar.Actors.Timers;
using Platform.Sidecar.Core.Http;

namespace Platform.Sidecar.Actors;

/// <summary>How the actor runtime reaches the app it serves.</summary>
public sealed record ActorRuntimeOptions
{
    /// <summary>The app's Dapr app-id (prefix of actor state keys).</summary>
    public required string AppId { get; init; }

    /// <summary>The app's base URL, e.g. <c>http://127.0.0.1:5200</c>; port 0 means no app (no actor types are hosted).</summary>
    public required Uri AppBaseUrl { get; init; }

    /// <summary>Sent to the app as <c>dapr-api-token</c> when set (<c>APP_API_TOKEN</c>).</summary>
    public string? AppApiToken { get; init; }

    /// <summary>How often <c>GET /dapr/config</c> is retried until the app answers (default 250 ms).</summary>
    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an actor request waits for the app's first <c>/dapr/config</c> answer before placement runs without it (default 5 s).</summary>
    public TimeSpan ConfigPatience { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Age after which the registry snapshot used for placement is re-read (default 1 s).</summary>
    public TimeSpan PlacementRefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often persisted reminders are re-read, to pick up reminders moved here by placement (default 5 s).</summary>
    public TimeSpan ReminderSyncInterval { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Wires the actor runtime into the sidecar host.</summary>
public static class ActorApiExtensions
{
    /// <summary>
    /// Registers the actor runtime. Expects in DI: every loaded <c>IStateStore</c> (the one with
    /// <c>IsActorStateStore</c> holds actor state and reminders), one <c>IAppRegistry</c> and one
    /// <c>ISelfRegistration</c>. Uses the registered <see cref="TimeProvider"/> (the system clock when none is).
    /// Adds daprd's path cleaning (<see cref="CleanPath"/>), which the SDK's actor clients rely on.
    /// </summary>
    public static IServiceCollection AddActorRuntime(this IServiceCollection services, ActorRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AppId, nameof(options.AppId));
        ArgumentNullException.ThrowIfNull(options.AppBaseUrl, nameof(options.AppBaseUrl));
        if (!options.AppBaseUrl.IsAbsoluteUri)
            throw new ArgumentException($"ActorRuntimeOptions.AppBaseUrl must be absolute, got '{options.AppBaseUrl}'", nameof(options));
        // A trailing slash makes relative callback paths land under the base URL.
        var normalized = options with { AppBaseUrl = options.AppBaseUrl.AbsoluteUri.EndsWith('/') ? options.AppBaseUrl : new Uri(options.AppBaseUrl.AbsoluteUri + "/") };

        services.TryAddSingleton(TimeProvider.System);
        services.AddDaprCleanPath();
        services.AddSingleton(normalized);
        services.AddSingleton<ActorConfigSource>();
        services.AddSingleton<AppChannel>();
        services.AddSingleton<ActorForwarder>();
        services.AddSingleton<ActorTable>();
        services.AddSingleton<ActorDirectory>();
        services.AddSingleton<ActorInvoker>();
        services.AddSingleton<ActorStateStore>();
        services.AddSingleton<ActorTimers>();
        services.AddSingleton<ActorReminders>();
        services.AddSingleton<IdleDeactivation>();
        services.AddSingleton<ActorApi>();
        services.AddHostedService<ActorRuntimeService>();
        return services;
    }

    /// <summary>Maps Dapr's actor HTTP API (<c>/v1.0/actors/...</c>).</summary>
    public static IEndpointRouteBuilder MapActorApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.ServiceProvider.GetService<ActorApi>()
            ?? throw new InvalidOperationException("MapActorApi needs the actor runtime: call services.AddActorRuntime(options) first");
        const string actor = "/v1.0/actors/{actorType}/{actorId}";
        string[] write = [HttpMethods.Put, HttpMethods.Post];
        endpoints.MapMethods(actor + "/method/{method}", [HttpMethods.Put, HttpMethods.Post, HttpMethods.Get, HttpMethods.Delete], api.InvokeMethodAsync);
        endpoints.MapMethods(actor + "/state/{key}", [HttpMethods.Get], api.GetStateAsync);
        endpoints.MapMethods(actor + "/state", write, api.SaveStateAsync);
        endpoints.MapMethods(actor + "/timers/{name}", write, api.CreateTimerAsync);
        endpoints.MapMethods(actor + "/timers/{name}", [HttpMethods.Delete], api.DeleteTimerAsync);
        endpoints.MapMethods(actor + "/reminders/{name}", write, api.CreateReminderAsync);
        endpoints.MapMethods(actor + "/reminders/{name}", [HttpMethods.Get], api.GetReminderAsync);
        endpoints.MapMethods(actor + "/reminders/{name}", [HttpMethods.Delete], api.DeleteReminderAsync);
        return endpoints;
    }
}
