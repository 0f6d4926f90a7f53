namespace Platform.Sources.Configuration;

/// <summary>Settings of the sources service, bound from the <c>Sources</c> configuration section.</summary>
internal sealed record SourcesOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Sources";

    /// <summary>Base URL of the broker service's ingress, for <c>broker:</c> and channel sinks. Default <c>http://127.0.0.1:5300</c>.</summary>
    public string BrokerUrl { get; init; } = "http://127.0.0.1:5300";

    /// <summary>Address of a Platform Service, with <c>{name}</c> and <c>{namespace}</c>. Default the activator: <c>http://{name}.{namespace}.localhost:8080</c>.</summary>
    public string ServiceAddressTemplate { get; init; } = "http://{name}.{namespace}.localhost:8080";

    /// <summary>
    /// Addresses besides the control-plane API (<c>ResourceStore:Url</c>) and this service's own sidecar that no sink
    /// may point at (a source at the control-plane API would POST events to it). Default the other control ports of
    /// dapr.yaml; configured entries are added to these.
    /// </summary>
    public IReadOnlyList<string> ProtectedAddresses { get; init; } = Platform.Eventing.Addressing.ProtectedDestinations.DefaultControlPorts;

    /// <summary>Send to the platform's control ports anyway. Default false.</summary>
    public bool AllowPlatformDestinations { get; init; }

    /// <summary>How long a pass waits for a change before it runs again (re-resolving sinks). Default 2 s.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long an ApiServerSource's access check (SubjectAccessReviews, Kubernetes mode) is reused. Default 30 s.</summary>
    public TimeSpan AccessCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delivery of the events the service itself sends (PingSource, ApiServerSource).</summary>
    public DeliveryOptions Delivery { get; init; } = new();

    /// <summary>PingSource scheduling.</summary>
    public PingOptions Ping { get; init; } = new();

    /// <summary>ContainerSource processes (local mode).</summary>
    public ContainerOptions Containers { get; init; } = new();
}

/// <summary>
/// Retries of every event the service sends. Knative's sources carry no delivery spec; these are Knative's adapter
/// defaults: 5 retries, exponential from 50 ms, and a 30 s attempt timeout.
/// </summary>
internal sealed record DeliveryOptions
{
    /// <summary>Attempts after the first. Default 5.</summary>
    public int Retry { get; init; } = 5;

    /// <summary>Wait before the first retry, doubling after. Default 50 ms.</summary>
    public TimeSpan BackoffDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Timeout of one attempt. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Where the "fired once" record of each PingSource lives.</summary>
internal enum TickClaimMode
{
    /// <summary>In the Dapr state store, shared by every replica and kept across restarts (the default).</summary>
    StateStore,

    /// <summary>In this process only: one replica, and a restart may fire the tick it died in again.</summary>
    InProcess,
}

/// <summary>PingSource scheduling.</summary>
internal sealed record PingOptions
{
    /// <summary>Where each source's last fired tick is recorded. Default <see cref="TickClaimMode.StateStore"/>.</summary>
    public TickClaimMode Claims { get; init; } = TickClaimMode.StateStore;

    /// <summary>Dapr state store of the records. Default <c>statestore</c>.</summary>
    public string StateStore { get; init; } = "statestore";

    /// <summary>
    /// A tick this late is still fired (once): one missed while no replica ran, or while this one was stalled; older
    /// ticks are skipped, never replayed. Default 30 s.
    /// </summary>
    public TimeSpan MissedTickGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Ticks sent at the same time at most (and ticks claimed at once). Default 256.</summary>
    public int MaxConcurrentSends { get; init; } = 256;

    /// <summary>
    /// How long before a tick it is claimed in the state store, so that the boundary is left to the sends. Default 1 s;
    /// zero claims at the tick.
    /// </summary>
    public TimeSpan ClaimLead { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>ContainerSource processes.</summary>
internal sealed record ContainerOptions
{
    /// <summary>Folder each process's output is written under. Default <c>{temp}/platform/logs</c>.</summary>
    public string? LogsDirectory { get; init; }

    /// <summary>Folder relative working directories resolve against. Default the current directory.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Wait before restarting a process that exited, doubling with each exit in a row. Default 1 s.</summary>
    public TimeSpan InitialRestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait before a restart. Default 30 s.</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time between SIGTERM and SIGKILL when a process is stopped. Default 5 s.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(5);
}
