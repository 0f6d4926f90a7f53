using Platform.ControlPlane.Kinds;

namespace Platform.Sources.Resources;

/// <summary>The kinds the sources service watches, from the control plane's kinds table.</summary>
internal static class SourceKinds
{
    /// <summary>sources.knative.dev/v1 PingSource.</summary>
    public static ResourceKind Ping => ResourceKinds.PingSource;
    /// <summary>sources.knative.dev/v1 ApiServerSource.</summary>
    public static ResourceKind ApiServer => ResourceKinds.ApiServerSource;
    /// <summary>sources.knative.dev/v1 SinkBinding.</summary>
    public static ResourceKind Binding => ResourceKinds.SinkBinding;
    /// <summary>sources.knative.dev/v1 ContainerSource.</summary>
    public static ResourceKind Container => ResourceKinds.ContainerSource;

    /// <summary>The source kinds.</summary>
    public static IReadOnlyList<ResourceKind> Sources { get; } = [Ping, ApiServer, Binding, Container];

    /// <summary>The kinds a sink may name (their existence decides whether it resolves).</summary>
    public static IReadOnlyList<ResourceKind> Addressable { get; } =
        [ResourceKinds.Service, ResourceKinds.Broker, ResourceKinds.Channel, ResourceKinds.InMemoryChannel, ResourceKinds.Sequence, ResourceKinds.Parallel];

    /// <summary>Every watched kind.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } = [.. Sources, .. Addressable];
}
