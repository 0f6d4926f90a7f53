namespace Platform.Sidecar.Core.Discovery;

/// <summary>
/// Name resolution between local sidecars (what mDNS does for self-hosted Dapr): each sidecar registers itself and
/// finds the sidecars of other app-ids (service invocation) and the hosts of actor types (placement).
/// </summary>
public interface IAppRegistry
{
    /// <summary>Announces this sidecar; called again when its actor types become known.</summary>
    Task RegisterAsync(AppInstance self, CancellationToken cancellationToken = default);

    /// <summary>Removes this sidecar's announcement (clean shutdown).</summary>
    Task UnregisterAsync(AppInstance self, CancellationToken cancellationToken = default);

    /// <summary>Every live sidecar, this one included.</summary>
    Task<IReadOnlyList<AppInstance>> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>One running sidecar and the app behind it.</summary>
/// <param name="AppId">The Dapr app-id.</param>
/// <param name="InstanceId">Unique per sidecar process (replicas of one app-id differ here).</param>
/// <param name="SidecarHttpEndpoint">Base URL of the sidecar's HTTP API, e.g. <c>http://127.0.0.1:3500</c>.</param>
/// <param name="SidecarGrpcEndpoint">Base URL of the sidecar's gRPC API (h2c).</param>
/// <param name="ActorTypes">Actor types the app hosts (from its <c>GET /dapr/config</c>).</param>
public sealed record AppInstance(
    string AppId,
    string InstanceId,
    string SidecarHttpEndpoint,
    string SidecarGrpcEndpoint,
    IReadOnlyList<string> ActorTypes);
