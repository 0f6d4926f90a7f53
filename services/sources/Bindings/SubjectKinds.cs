using Platform.ControlPlane.Kinds;

namespace Platform.Sources.Bindings;

/// <summary>
/// The kinds a SinkBinding can bind: objects with a pod template at <c>spec.template.spec</c>. Locally only Knative
/// Services exist (a change of their template rolls a new revision, as in Knative); in Kubernetes also apps/v1
/// Deployments, StatefulSets, DaemonSets, ReplicaSets and batch/v1 Jobs. Pure.
/// </summary>
internal sealed class SubjectKinds(bool kubernetes)
{
    /// <summary>apps/v1 Deployment.</summary>
    public static ResourceKind Deployment { get; } = new("apps", "v1", "Deployment", "deployments");

    private static readonly IReadOnlyList<ResourceKind> Workloads =
    [
        Deployment,
        new("apps", "v1", "StatefulSet", "statefulsets"),
        new("apps", "v1", "DaemonSet", "daemonsets"),
        new("apps", "v1", "ReplicaSet", "replicasets"),
        new("batch", "v1", "Job", "jobs"),
    ];

    /// <summary>The kind of <c>spec.subject</c>, or why it cannot be bound (with the field path).</summary>
    public (ResourceKind? Kind, string? Error) Resolve(string? apiVersion, string? kind)
    {
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind)) return (null, "spec.subject: apiVersion and kind are required");
        if (ResourceKinds.Service.ApiVersion == apiVersion && ResourceKinds.Service.Kind == kind) return (ResourceKinds.Service, null);
        var workload = Workloads.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kind);
        if (workload is not null && kubernetes) return (workload, null);
        return (null, kubernetes
            ? $"spec.subject: {kind} of {apiVersion} has no pod template to bind; bind a serving.knative.dev/v1 Service, or an apps/v1 Deployment, StatefulSet, DaemonSet, ReplicaSet or a batch/v1 Job"
            : $"spec.subject: {kind} of {apiVersion} does not run locally; locally a SinkBinding binds serving.knative.dev/v1 Services (Deployments, Jobs, ... in Kubernetes mode)");
    }
}
