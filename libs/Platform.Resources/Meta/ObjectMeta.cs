namespace Platform.Resources.Meta;

/// <summary>Kubernetes <c>metadata</c>: identity, labels, annotations and bookkeeping set by the API server.</summary>
public sealed class ObjectMeta
{
    /// <summary>Name, unique per kind within the namespace.</summary>
    public string? Name { get; set; }

    /// <summary>Prefix the API server completes with a random suffix when <see cref="Name"/> is empty.</summary>
    public string? GenerateName { get; set; }

    /// <summary>Namespace; defaulted to <c>default</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>Identifying key/value pairs used by selectors.</summary>
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Non-identifying key/value pairs (autoscaling settings, broker class, ...).</summary>
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Unique id assigned by the API server.</summary>
    public string? Uid { get; set; }

    /// <summary>Opaque version for optimistic concurrency.</summary>
    public string? ResourceVersion { get; set; }

    /// <summary>Bumped by the API server on every spec change.</summary>
    public long? Generation { get; set; }

    /// <summary>When the object was created.</summary>
    public DateTimeOffset? CreationTimestamp { get; set; }

    /// <summary>When deletion was requested (finalizers pending).</summary>
    public DateTimeOffset? DeletionTimestamp { get; set; }

    /// <summary>Objects this one belongs to (cascading delete).</summary>
    public List<OwnerReference>? OwnerReferences { get; set; }

    /// <summary>Keys that must be removed before the object is deleted.</summary>
    public List<string>? Finalizers { get; set; }

    /// <summary>Seconds allowed for graceful deletion (set by the API server).</summary>
    public long? DeletionGracePeriodSeconds { get; set; }

    /// <summary>Server-side apply bookkeeping, kept as given so that objects read from Kubernetes round-trip.</summary>
    public List<System.Text.Json.Nodes.JsonObject>? ManagedFields { get; set; }

    /// <summary>Deprecated self link, accepted so that old <c>kubectl get -o yaml</c> output can be re-applied.</summary>
    public string? SelfLink { get; set; }
}

/// <summary>A reference to the owning object, as in Kubernetes.</summary>
public sealed class OwnerReference
{
    /// <summary>Owner's apiVersion.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Owner's kind.</summary>
    public string? Kind { get; set; }

    /// <summary>Owner's name.</summary>
    public string? Name { get; set; }

    /// <summary>Owner's uid.</summary>
    public string? Uid { get; set; }

    /// <summary>True for the managing controller.</summary>
    public bool? Controller { get; set; }

    /// <summary>Whether the owner waits for this object on foreground deletion.</summary>
    public bool? BlockOwnerDeletion { get; set; }
}
