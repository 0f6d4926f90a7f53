using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Resources.Autoscaling;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using Platform.Serving.Contracts.Routing;

namespace Platform.Autoscaler.PodAutoscalers;

/// <summary>
/// The merge patch of a PodAutoscaler's status that records a decision, pure: <c>desiredScale</c> and the
/// conditions the autoscaler owns (<c>Active</c>, <c>ScaleTargetInitialized</c>, <c>Ready</c>), as Knative's KPA
/// marks them: inactive at zero with reason <c>NoTraffic</c>. Transition times move only when a status flips.
/// <c>actualScale</c> is the workload backend's and is never in this patch, so the two writers never clash.
/// </summary>
internal static class PodAutoscalerStatusPatch
{
    /// <summary>Reason of Active=False at zero.</summary>
    public const string NoTraffic = "NoTraffic";

    /// <summary>Reason of Active=Unknown while a request is held at zero (Knative's KPA: MarkActivating).</summary>
    public const string Queued = "Queued";

    /// <summary>
    /// The patch that records a request held at zero: <c>Active=Unknown</c>, reason <see cref="Queued"/>, as Knative's
    /// KPA marks an activating revision. Written in the PodAutoscaler, it tells every autoscaler replica (whichever
    /// one KEDA's StreamIsActive is connected to) and a restarted one that the revision must become active.
    /// </summary>
    public static JsonObject Queue(JsonObject? currentStatus, DateTimeOffset now)
    {
        var status = Read(currentStatus);
        status.SetCondition(PodAutoscalerValues.Active, ConditionStatus.Unknown, now, Queued,
            "Requests to the target are being buffered as resources are provisioned.");
        return new JsonObject
        {
            ["status"] = new JsonObject { ["conditions"] = JsonSerializer.SerializeToNode(status.Conditions, ResourceSerializer.Default.JsonOptions) },
        };
    }

    /// <summary>When a request was queued at zero, from the PodAutoscaler's <c>Active</c> condition; null when it is not queued.</summary>
    public static DateTimeOffset? QueuedAt(JsonObject? podAutoscaler)
    {
        var active = Read(podAutoscaler?["status"] as JsonObject).GetCondition(PodAutoscalerValues.Active);
        return active is { Status: ConditionStatus.Unknown, Reason: Queued } ? active.LastTransitionTime : null;
    }

    /// <summary>
    /// The patch for <paramref name="desiredScale"/> and the activator's <paramref name="mode"/> (<c>status.mode</c>,
    /// null = Proxy), given the status as last seen (null: none yet).
    /// </summary>
    public static JsonObject Build(JsonObject? currentStatus, int desiredScale, DateTimeOffset now, string? mode = null)
    {
        var status = Read(currentStatus);
        if (desiredScale > 0)
        {
            status.SetCondition(PodAutoscalerValues.Active, ConditionStatus.True, now);
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
        }
        else
        {
            const string message = "The target is not receiving traffic.";
            status.SetCondition(PodAutoscalerValues.Active, ConditionStatus.False, now, NoTraffic, message);
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, NoTraffic, message);
        }
        status.SetCondition(PodAutoscalerValues.ScaleTargetInitialized, ConditionStatus.True, now);
        return new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["desiredScale"] = desiredScale,
                ["mode"] = ActivatorModes.IsServe(mode) ? ActivatorModes.Serve : ActivatorModes.Proxy,
                ["conditions"] = JsonSerializer.SerializeToNode(status.Conditions, ResourceSerializer.Default.JsonOptions),
            },
        };
    }

    private static PodAutoscalerStatus Read(JsonObject? status)
    {
        try
        {
            return status?.Deserialize<PodAutoscalerStatus>(ResourceSerializer.Default.JsonOptions) ?? new PodAutoscalerStatus();
        }
        catch (JsonException)
        {
            return new PodAutoscalerStatus();
        }
    }
}
