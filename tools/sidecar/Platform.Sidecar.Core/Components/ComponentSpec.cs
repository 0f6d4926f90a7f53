namespace Platform.Sidecar.Core.Components;

/// <summary>A Dapr <c>kind: Component</c> as read from a resources file.</summary>
/// <param name="Name">metadata.name — the name apps use (<c>pubsub</c>, <c>statestore</c>).</param>
/// <param name="Type">spec.type, e.g. <c>pubsub.redis</c>.</param>
/// <param name="Version">spec.version (default <c>v1</c>).</param>
/// <param name="Metadata">spec.metadata as name → value.</param>
/// <param name="Scopes">App-ids allowed to load it; empty means every app.</param>
/// <param name="File">The file it came from, for error messages.</param>
public sealed record ComponentSpec(
    string Name,
    string Type,
    string Version,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Scopes,
    string File)
{
    /// <summary>True when <c>scopes</c> is empty or names <paramref name="appId"/>.</summary>
    public bool IsInScope(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);

    /// <summary>The metadata value for <paramref name="key"/> (case-insensitive, like Dapr), or null.</summary>
    public string? Get(string key)
    {
        foreach (var (k, v) in Metadata)
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }
}

/// <summary>A declarative <c>kind: Subscription</c> (dapr.io/v1alpha1 or v2alpha1).</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="PubSubName">spec.pubsubname.</param>
/// <param name="Topic">spec.topic.</param>
/// <param name="Routes">spec.routes (v2alpha1) or spec.route (v1alpha1) as a default route.</param>
/// <param name="DeadLetterTopic">spec.deadLetterTopic, or null.</param>
/// <param name="Metadata">spec.metadata (e.g. <c>rawPayload</c>).</param>
/// <param name="Scopes">App-ids it applies to; empty means every app.</param>
/// <param name="Bulk">spec.bulkSubscribe when enabled, or null.</param>
public sealed record SubscriptionSpec(
    string Name,
    string PubSubName,
    string Topic,
    PubSub.TopicRoutes Routes,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Scopes,
    PubSub.BulkSubscribeOptions? Bulk = null);

/// <summary>Everything read from the resources paths for one app.</summary>
/// <param name="Components">Components in scope for the app.</param>
/// <param name="Resiliency">Merged Resiliency specs.</param>
/// <param name="Subscriptions">Declarative subscriptions in scope for the app.</param>
public sealed record ResourceSet(
    IReadOnlyList<ComponentSpec> Components,
    Resiliency.ResiliencySpec Resiliency,
    IReadOnlyList<SubscriptionSpec> Subscriptions);

/// <summary>A resources file is invalid; the message names the file and the field.</summary>
public sealed class ResourceFileException(string file, string field, string reason)
    : Exception($"{file}: {field}: {reason}")
{
    /// <summary>The file at fault.</summary>
    public string File { get; } = file;

    /// <summary>The field path at fault, e.g. <c>spec.type</c>.</summary>
    public string Field { get; } = field;
}
