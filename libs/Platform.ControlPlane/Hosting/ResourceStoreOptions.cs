namespace Platform.ControlPlane.Hosting;

/// <summary>Which control plane a service reads and writes resources in.</summary>
public enum ResourceStoreMode
{
    /// <summary>The local control-plane API over HTTP (<see cref="ResourceStoreOptions.Url"/>). The default.</summary>
    Local,

    /// <summary>The Kubernetes API: in-cluster service account, or <see cref="ResourceStoreOptions.Kubeconfig"/>.</summary>
    Kubernetes,
}

/// <summary>
/// Settings of the <c>ResourceStore</c> configuration section, the same in every service: choosing local or
/// Kubernetes is the one line <c>ResourceStore__Mode=Kubernetes</c>.
/// </summary>
public sealed record ResourceStoreOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "ResourceStore";

    /// <summary>Local (default) or Kubernetes.</summary>
    public ResourceStoreMode Mode { get; init; } = ResourceStoreMode.Local;

    /// <summary>Root of the local control-plane API. Default <c>http://127.0.0.1:5100/</c> (serving-controller's app port).</summary>
    public string Url { get; init; } = "http://127.0.0.1:5100/";

    /// <summary>
    /// Bearer token of the local API (<c>ResourceStore__Token</c>; <c>platform up</c> gives the services that write
    /// resources the read-write token from <c>.platform/api-token</c>). Null: none sent. Never logged.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>Kubeconfig file (Kubernetes mode); default the pod's service account, else <c>KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Kubeconfig context (Kubernetes mode); default the file's current context.</summary>
    public string? Context { get; init; }
}
