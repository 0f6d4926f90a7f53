using Platform.Resources.Autoscaling;
using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.Workloads;

namespace Platform.ServingController.Reconcilers.Revision.Builders;

/// <summary>
/// The Revision's status from what the workload backend observes, pure. Ready = ResourcesAvailable ∧
/// ContainerHealthy. A backend failure gives <c>Ready=False</c> with the backend's reason (<c>ExitCode1</c>,
/// <c>CommandNotFound</c>, ...) and its message, which ends with the last lines of output. Once a revision was
/// ready it stays Ready when scaled to zero (Active=False, <c>NoTraffic</c>), as Knative's does.
/// </summary>
internal static class RevisionStatusBuilder
{
    /// <summary>Reason while replicas start.</summary>
    public const string Deploying = "Deploying";

    /// <summary>Reason of Active=False at zero replicas.</summary>
    public const string NoTraffic = "NoTraffic";

    /// <summary>Reason of a spec the backend cannot run (e.g. two containers).</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>
    /// Condition on a revision with an image, set once: True when every container's <c>imageDigest</c> is in
    /// <c>status.containerStatuses</c>, False with severity Info (never affecting Ready) and the reason
    /// (<see cref="ImageDigestReasons"/>) when one could not be resolved. A command-only revision has none.
    /// </summary>
    public const string ImageDigestResolved = "ImageDigestResolved";

    /// <summary>
    /// Computes the status from the workload (null: not ensured yet) or a build error, and the PodAutoscaler's status
    /// (null: none yet), whose decided scale is the revision's <c>desiredReplicas</c>, and, the first time, the image
    /// digests resolved (null: nothing resolved now; the previous containerStatuses are kept).
    /// </summary>
    public static RevisionStatus Build(Platform.Resources.Serving.Revision revision, WorkloadStatus? workload, PodAutoscalerStatus? autoscaler,
        RevisionStatus? previous, DateTimeOffset now, string? buildError = null, ImageDigestResolution? digests = null)
    {
        var status = new RevisionStatus
        {
            ObservedGeneration = revision.Metadata.Generation,
            Conditions = previous?.Conditions?.ToList(),
            LogUrl = previous?.LogUrl,
            ContainerStatuses = previous?.ContainerStatuses,
            ActualReplicas = workload?.Ready ?? 0,
            DesiredReplicas = autoscaler?.DesiredScale ?? workload?.Desired ?? previous?.DesiredReplicas,
        };
        var wasAvailable = previous?.GetCondition(ConditionTypes.ResourcesAvailable)?.Status == ConditionStatus.True;

        if (digests is not null)
        {
            status.ContainerStatuses = [.. digests.Containers.Select(c => new ContainerStatus { Name = c.Container, ImageDigest = c.ImageDigest })];
            if (digests.Resolved) status.SetCondition(ImageDigestResolved, ConditionStatus.True, now);
            else status.SetCondition(ImageDigestResolved, ConditionStatus.False, now, digests.Reason, digests.Message, severity: "Info");
        }

        if (buildError is not null)
        {
            status.SetCondition(ConditionTypes.ContainerHealthy, ConditionStatus.False, now, InvalidSpec, buildError);
            status.SetCondition(ConditionTypes.ResourcesAvailable, ConditionStatus.False, now, InvalidSpec, buildError);
        }
        else if (workload?.Failure is { } failure && workload.Ready == 0)
        {
            // A failing revision that never came up: the backend's reason and output, as Knative surfaces a pod's.
            var resources = failure.Reason == WorkloadFailureReasons.ContainerMissing || WorkloadFailureReasons.IsResources(failure.Reason);
            status.SetCondition(ConditionTypes.ContainerHealthy, resources ? ConditionStatus.Unknown : ConditionStatus.False, now,
                failure.Reason, failure.Message);
            status.SetCondition(ConditionTypes.ResourcesAvailable, resources || !wasAvailable ? ConditionStatus.False : ConditionStatus.True, now,
                resources || !wasAvailable ? failure.Reason : null, resources || !wasAvailable ? failure.Message : null);
        }
        else if (workload is { Ready: > 0 } || (wasAvailable && workload is not null))
        {
            status.SetCondition(ConditionTypes.ContainerHealthy, ConditionStatus.True, now);
            status.SetCondition(ConditionTypes.ResourcesAvailable, ConditionStatus.True, now);
        }
        else
        {
            var message = workload is null ? "Starting the workload." : $"{workload.Actual} replica(s) starting, none ready yet.";
            status.SetCondition(ConditionTypes.ContainerHealthy, ConditionStatus.Unknown, now, Deploying, message);
            status.SetCondition(ConditionTypes.ResourcesAvailable, ConditionStatus.Unknown, now, Deploying, message);
        }

        if (workload is { Ready: > 0 })
            status.SetCondition(ConditionTypes.Active, ConditionStatus.True, now);
        else if (workload is { Desired: 0 })
            status.SetCondition(ConditionTypes.Active, ConditionStatus.False, now, NoTraffic, "The target is not receiving traffic.");
        else
            status.SetCondition(ConditionTypes.Active, ConditionStatus.Unknown, now, Deploying, "Waiting for a replica to become ready.");

        var health = status.GetCondition(ConditionTypes.ContainerHealthy)!;
        var resourcesCondition = status.GetCondition(ConditionTypes.ResourcesAvailable)!;
        var worst = resourcesCondition.Status == ConditionStatus.False ? resourcesCondition
            : health.Status == ConditionStatus.False ? health
            : resourcesCondition.Status != ConditionStatus.True ? resourcesCondition : health;
        status.SetCondition(ConditionTypes.Ready, worst.Status!, now,
            worst.Status == ConditionStatus.True ? null : worst.Reason, worst.Status == ConditionStatus.True ? null : worst.Message);
        return status;
    }
}
