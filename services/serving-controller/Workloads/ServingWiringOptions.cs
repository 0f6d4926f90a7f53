namespace Platform.ServingController.Workloads;

/// <summary>
/// How serving-controller reaches its peers. By default through Dapr service invocation (app-ids
/// <c>activator</c> and <c>autoscaler</c>), which works under a real daprd and under the bundled sidecar. Tests
/// without sidecars set the base URLs (<c>Serving__Wiring__ActivatorUrl=http://127.0.0.1:PORT</c>), which then win.
/// </summary>
public sealed record ServingWiringOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Serving:Wiring";

    /// <summary>Dapr app-id of the activator (default <c>activator</c>).</summary>
    public string ActivatorAppId { get; init; } = "activator";

    /// <summary>Dapr app-id of the autoscaler (default <c>autoscaler</c>).</summary>
    public string AutoscalerAppId { get; init; } = "autoscaler";

    /// <summary>Direct base URL of the activator, bypassing Dapr (default none).</summary>
    public string? ActivatorUrl { get; init; }

    /// <summary>Direct base URL of the autoscaler, bypassing Dapr (default none).</summary>
    public string? AutoscalerUrl { get; init; }

    /// <summary>Whether the Serving reconcilers run in this process (default true; false serves the API alone).</summary>
    public bool Reconcile { get; init; } = true;

    /// <summary>Whether revisions are registered with the autoscaler at all (default true).</summary>
    public bool Autoscaling { get; init; } = true;

    /// <summary>How often every object is reconciled again, whatever changed (default 30 s).</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one call to a peer (default 5 s).</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
