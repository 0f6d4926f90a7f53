namespace Platform.ControlPlane.Server.Hosting;

/// <summary>Settings of the control-plane API, bound from the <c>ControlPlane</c> configuration section.</summary>
internal sealed record ControlPlaneOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "ControlPlane";

    /// <summary>Where objects persist: <c>dapr</c> (default; the Dapr state store) or <c>memory</c> (lost on exit).</summary>
    public string Persistence { get; init; } = "dapr";

    /// <summary>
    /// Admission: <c>knative</c> (default: the typed model's defaulting and validation with field paths,
    /// <see cref="Admission.KnativeAdmission"/>, what Knative's webhooks do) or <c>basic</c> (apiVersion/kind, DNS
    /// names and label syntax only; for tests of the API mechanics).
    /// </summary>
    public string Admission { get; init; } = "knative";

    /// <summary>Dapr state store component. Default <c>statestore</c>.</summary>
    public string StateStore { get; init; } = "statestore";

    /// <summary>Prefix of every state key. Default <c>resources</c>.</summary>
    public string KeyPrefix { get; init; } = "resources";

    /// <summary>Largest request body in bytes; larger is 413. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Events retained for watch resume; older versions get 410 Gone. Default 10,000.</summary>
    public int WatchHistory { get; init; } = 10_000;

    /// <summary>Events a watcher may fall behind before it is closed. Default 10,000.</summary>
    public int WatchBuffer { get; init; } = 10_000;

    /// <summary>How long start-up waits for the state store before failing. Default 60 s.</summary>
    public TimeSpan LoadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Namespace of apply documents that name none. Default <c>default</c>.</summary>
    public string DefaultNamespace { get; init; } = "default";
}
