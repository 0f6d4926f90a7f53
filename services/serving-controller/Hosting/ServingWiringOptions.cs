namespace Platform.ServingController.Hosting;

/// <summary>
/// Settings of the <c>Serving:Wiring</c> section: what runs in this process, and how it reaches the activator (its
/// only peer: everything else meets in the control plane). By default through Dapr service invocation (app-id
/// <c>activator</c>), which works under a real daprd and under the bundled sidecar. Tests without sidecars set the
/// base URL of the activator's loopback control port (<c>Serving__Wiring__ActivatorUrl=http://127.0.0.1:CONTROLPORT</c>),
/// which then wins.
/// </summary>
internal sealed record ServingWiringOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Serving:Wiring";

    /// <summary>Dapr app-id of the activator (default <c>activator</c>).</summary>
    public string ActivatorAppId { get; init; } = "activator";

    /// <summary>Direct base URL of the activator, bypassing Dapr (default none).</summary>
    public string? ActivatorUrl { get; init; }

    /// <summary>Whether the Serving reconcilers run in this process (default true; false serves the API alone).</summary>
    public bool Reconcile { get; init; } = true;

    /// <summary>
    /// Whether the workload supervisor runs in this process (default true): it scales revision processes to their
    /// PodAutoscaler's <c>status.desiredScale</c> and reports <c>status.actualScale</c> and ready endpoints. With the
    /// Kubernetes backend it only reports (KEDA and the HPA scale Deployments); false serves the API alone.
    /// </summary>
    public bool Supervise { get; init; } = true;

    /// <summary>How often every object is reconciled again, whatever changed (default 30 s).</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one call to the activator (default 5 s).</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
