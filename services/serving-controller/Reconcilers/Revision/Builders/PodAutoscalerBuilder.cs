using Platform.Resources.Autoscaling;

namespace Platform.ServingController.Reconcilers.Revision.Builders;

/// <summary>
/// The PodAutoscaler a Revision owns (same name, same namespace), pure, as Knative's revision reconciler builds it:
/// the revision's labels plus <c>serving.knative.dev/revision</c>, its annotations (the autoscaler reads the
/// <c>autoscaling.knative.dev/*</c> ones), its container concurrency, whether a route can reach it, and the
/// workload it scales (<c>apps/v1 Deployment {revision}-deployment</c> in Kubernetes; the revision's processes locally).
/// The status is the autoscaler's and the workload backend's, never written here.
/// </summary>
internal static class PodAutoscalerBuilder
{
    /// <summary>The label naming the revision a PodAutoscaler scales.</summary>
    public const string RevisionLabel = "serving.knative.dev/revision";

    /// <summary>Builds the PodAutoscaler of <paramref name="revision"/>.</summary>
    public static PodAutoscaler Build(ServingRevision revision, bool reachable)
    {
        var name = revision.Metadata.Name ?? "";
        var pa = new PodAutoscaler
        {
            Spec = new PodAutoscalerSpec
            {
                ScaleTargetRef = new ObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name + "-deployment" },
                ContainerConcurrency = Math.Clamp(revision.Spec.ContainerConcurrency ?? 0, 0, 1000),
                Reachability = reachable ? PodAutoscalerValues.Reachable : PodAutoscalerValues.Unreachable,
                ProtocolType = "http1",
            },
        };
        pa.Metadata.Name = name;
        pa.Metadata.Namespace = revision.Metadata.Namespace;
        pa.Metadata.Labels = new Dictionary<string, string>(revision.Metadata.Labels ?? [], StringComparer.Ordinal) { [RevisionLabel] = name };
        var annotations = new Dictionary<string, string>(revision.Metadata.Annotations ?? [], StringComparer.Ordinal);
        annotations.Remove(ServingMeta.LastAppliedAnnotation);
        pa.Metadata.Annotations = annotations.Count == 0 ? null : annotations;
        pa.Metadata.OwnerReferences = [ServingObjects.ControllerRef(revision)];
        return pa;
    }

    /// <summary>
    /// Whether the stored PodAutoscaler must be rewritten: its spec, labels or annotations differ from
    /// <paramref name="desired"/> (its status never counts).
    /// </summary>
    public static bool NeedsUpdate(PodAutoscaler existing, PodAutoscaler desired) =>
        !ServingObjects.SameJson(existing.Spec, desired.Spec)
        || !SameMap(existing.Metadata.Labels, desired.Metadata.Labels)
        || !SameMap(existing.Metadata.Annotations, desired.Metadata.Annotations);

    private static bool SameMap(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, string>()).All(p => b!.TryGetValue(p.Key, out var v) && v == p.Value);
}
