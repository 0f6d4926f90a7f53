using Platform.Resources.Meta;
using Platform.Resources.Serving;

namespace Platform.Workloads;

/// <summary>
/// Writes a workload's status onto a Revision's status the way Knative reports it: <c>ResourcesAvailable</c>,
/// <c>ContainerHealthy</c>, <c>Ready</c>, <c>Active</c>, <c>actualReplicas</c> (ready replicas) and
/// <c>desiredReplicas</c>. Pure: the reconciler calls it with the backend's status and its clock.
/// </summary>
internal static class RevisionConditions
{
    /// <summary>Reason while replicas are wanted and none is ready yet.</summary>
    public const string Deploying = "Deploying";

    /// <summary>Reason of <c>Active=False</c> at zero replicas.</summary>
    public const string NoTraffic = "NoTraffic";

    /// <summary>Reason of <c>Active=Unknown</c> while scaling up from zero.</summary>
    public const string Activating = "Activating";

    /// <summary>Applies <paramref name="workload"/> (null: no workload yet) to <paramref name="status"/>.</summary>
    public static void Apply(WorkloadStatus? workload, RevisionStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (workload is null)
        {
            Unknown(status, now, Deploying, "The workload has not been created yet.");
            return;
        }

        status.ActualReplicas = workload.Ready;
        status.DesiredReplicas = workload.Desired;
        if (workload.Failure is { } failure)
        {
            status.SetCondition(failure.ConditionType, ConditionStatus.False, now, failure.Reason, failure.Message);
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, failure.Reason, failure.Message);
            return;
        }

        if (workload.Ready > 0 || workload.Desired == 0)
        {
            // At zero a revision that did not fail stays Ready, only inactive (Knative's scale-to-zero).
            status.SetCondition(ConditionTypes.ResourcesAvailable, ConditionStatus.True, now);
            status.SetCondition(ConditionTypes.ContainerHealthy, ConditionStatus.True, now);
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
            if (workload.Ready > 0)
            {
                status.SetCondition(ConditionTypes.Active, ConditionStatus.True, now);
            }
            else
            {
                status.SetCondition(ConditionTypes.Active, ConditionStatus.False, now, NoTraffic, "The target is not receiving traffic.");
            }

            return;
        }

        if (status.IsReady())
        {
            // Scaling up from zero: still Ready, becoming active.
            status.SetCondition(ConditionTypes.Active, ConditionStatus.Unknown, now, Activating, "The revision is scaling up from zero.");
            return;
        }

        Unknown(status, now, Deploying, "Waiting for a replica to become ready.");
    }

    private static void Unknown(RevisionStatus status, DateTimeOffset now, string reason, string message)
    {
        status.SetCondition(ConditionTypes.ResourcesAvailable, ConditionStatus.Unknown, now, reason, message);
        status.SetCondition(ConditionTypes.ContainerHealthy, ConditionStatus.Unknown, now, reason, message);
        status.SetCondition(ConditionTypes.Ready, ConditionStatus.Unknown, now, reason, message);
    }
}
