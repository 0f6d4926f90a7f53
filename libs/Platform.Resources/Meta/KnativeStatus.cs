namespace Platform.Resources.Meta;

/// <summary>Knative's duck status: observed generation, conditions and annotations.</summary>
public class KnativeStatus
{
    /// <summary>The <c>metadata.generation</c> last reconciled.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>Conditions such as <c>Ready</c>, <c>ConfigurationsReady</c>, <c>RoutesReady</c>.</summary>
    public List<Condition>? Conditions { get; set; }

    /// <summary>Extra status information controllers want to expose.</summary>
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public Condition? GetCondition(string type) => Conditions?.Find(c => c.Type == type);

    /// <summary>True when the <c>Ready</c> condition is <c>True</c>.</summary>
    public bool IsReady() => GetCondition(ConditionTypes.Ready)?.Status == ConditionStatus.True;

    /// <summary>
    /// Sets a condition; <c>lastTransitionTime</c> only moves when the status value changes, as Knative does,
    /// so that watchers can tell a flip from a refresh.
    /// </summary>
    public void SetCondition(string type, string status, DateTimeOffset now, string? reason = null, string? message = null, string? severity = null)
    {
        Conditions ??= [];
        var existing = Conditions.FindIndex(c => c.Type == type);
        var transition = existing >= 0 && Conditions[existing].Status == status ? Conditions[existing].LastTransitionTime : now;
        var condition = new Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            Severity = severity,
            LastTransitionTime = transition,
        };
        if (existing >= 0)
        {
            Conditions[existing] = condition;
        }
        else
        {
            Conditions.Add(condition);
            Conditions.Sort((a, b) => string.CompareOrdinal(a.Type, b.Type));
        }
    }
}

/// <summary>One Knative condition.</summary>
public sealed class Condition
{
    /// <summary>Condition type, e.g. <c>Ready</c>.</summary>
    public string? Type { get; set; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string? Status { get; set; }

    /// <summary>One-word CamelCase reason.</summary>
    public string? Reason { get; set; }

    /// <summary>Human-readable explanation.</summary>
    public string? Message { get; set; }

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; set; }

    /// <summary>Empty for errors, or <c>Warning</c> / <c>Info</c> for non-terminal conditions.</summary>
    public string? Severity { get; set; }
}

/// <summary>Condition status values.</summary>
public static class ConditionStatus
{
    /// <summary>The condition holds.</summary>
    public const string True = "True";

    /// <summary>The condition does not hold.</summary>
    public const string False = "False";

    /// <summary>Not known yet.</summary>
    public const string Unknown = "Unknown";
}

/// <summary>Condition types used by Knative's kinds.</summary>
public static class ConditionTypes
{
    /// <summary>The resource is ready.</summary>
    public const string Ready = "Ready";

    /// <summary>Service: its Configuration is ready.</summary>
    public const string ConfigurationsReady = "ConfigurationsReady";

    /// <summary>Service: its Route is ready.</summary>
    public const string RoutesReady = "RoutesReady";

    /// <summary>Route: every traffic target resolved.</summary>
    public const string AllTrafficAssigned = "AllTrafficAssigned";

    /// <summary>Route: ingress programmed.</summary>
    public const string IngressReady = "IngressReady";

    /// <summary>Route: TLS certificate provisioned.</summary>
    public const string CertificateProvisioned = "CertificateProvisioned";

    /// <summary>Revision: deployment available.</summary>
    public const string ResourcesAvailable = "ResourcesAvailable";

    /// <summary>Revision: container started and passes its probes.</summary>
    public const string ContainerHealthy = "ContainerHealthy";

    /// <summary>Revision: has replicas (not scaled to zero).</summary>
    public const string Active = "Active";

    /// <summary>Sources and bindings: the sink resolved.</summary>
    public const string SinkProvided = "SinkProvided";

    /// <summary>ApiServerSource: RBAC allows get/list/watch.</summary>
    public const string SufficientPermissions = "SufficientPermissions";

    /// <summary>Addressable kinds: an address is published.</summary>
    public const string Addressable = "Addressable";

    /// <summary>DomainMapping: this namespace owns the domain (no older mapping of it elsewhere).</summary>
    public const string DomainClaimed = "DomainClaimed";

    /// <summary>DomainMapping: <c>spec.ref</c> names something addressable.</summary>
    public const string ReferenceResolved = "ReferenceResolved";
}
