namespace Platform.Sidecar.Core.Discovery;

/// <summary>This sidecar's own entry in the <see cref="IAppRegistry"/>, updated as the app reveals its actor types.</summary>
public interface ISelfRegistration
{
    /// <summary>This sidecar as others see it.</summary>
    AppInstance Self { get; }

    /// <summary>Records the actor types the app hosts (from its <c>GET /dapr/config</c>) and re-announces.</summary>
    Task SetActorTypesAsync(IReadOnlyList<string> actorTypes, CancellationToken cancellationToken = default);
}
