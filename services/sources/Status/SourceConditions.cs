using Platform.Resources.Meta;

namespace Platform.Sources.Status;

/// <summary>Condition types of the source kinds, as Knative names them.</summary>
internal static class SourceConditionTypes
{
    /// <summary>The sink resolved (every kind).</summary>
    public const string SinkProvided = "SinkProvided";
    /// <summary>PingSource, ApiServerSource: the service runs it.</summary>
    public const string Deployed = "Deployed";
    /// <summary>ApiServerSource: the service account may get, list and watch what it names.</summary>
    public const string SufficientPermissions = "SufficientPermissions";
    /// <summary>SinkBinding: K_SINK is injected into the subject.</summary>
    public const string SinkBindingAvailable = "SinkBindingAvailable";
    /// <summary>ContainerSource: its binding (the sink) is ready.</summary>
    public const string SinkBindingReady = "SinkBindingReady";
    /// <summary>ContainerSource: its process (or Deployment) runs.</summary>
    public const string ReceiveAdapterReady = "ReceiveAdapterReady";
    /// <summary>
    /// Platform's own, not part of Ready: how the last delivery went (False, severity Warning, with the failure), so
    /// that a sink that is down shows in the status and not only in logs.
    /// </summary>
    public const string EventsDelivered = "EventsDelivered";
}

/// <summary>Knative's "living condition set": Ready follows its dependents. Pure.</summary>
internal static class SourceConditions
{
    /// <summary>
    /// Sets Ready from <paramref name="dependents"/>: True when all are True; False with the first False one's reason
    /// and message; Unknown (with the first Unknown one's reason) otherwise, or when one is missing.
    /// </summary>
    public static void SetReady(KnativeStatus status, DateTimeOffset now, params string[] dependents)
    {
        Condition? unknown = null;
        foreach (var type in dependents)
        {
            var c = status.GetCondition(type);
            if (c?.Status == ConditionStatus.False)
            {
                status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, c.Reason, c.Message);
                return;
            }
            if (c?.Status != ConditionStatus.True) unknown ??= c ?? new Condition { Type = type, Reason = "NotReconciled", Message = $"{type} is not known yet" };
        }
        if (unknown is null) status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
        else status.SetCondition(ConditionTypes.Ready, ConditionStatus.Unknown, now, unknown.Reason, unknown.Message);
    }
}
