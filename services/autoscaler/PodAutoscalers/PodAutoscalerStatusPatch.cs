using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Resources.Autoscaling;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;

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

    /// <summary>The patch for <paramref name="desiredScale"/>, given the status as last seen (null: none yet).</summary>
    public static JsonObject Build(JsonObject? currentStatus, int desiredScale, DateTimeOffset now)
    {
        PodAutoscalerStatus status;
        try
        {
            status = currentStatus?.Deserialize<PodAutoscalerStatus>(ResourceSerializer.Default.JsonOptions) ?? new PodAutoscalerStatus();
        }
        catch (JsonException)
        {
            status = new PodAutoscalerStatus();
        }
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
                ["conditions"] = JsonSerializer.SerializeToNode(status.Conditions, ResourceSerializer.Default.JsonOptions),
            },
        };
    }
}
