using System.Globalization;

namespace Platform.Sidecar.Core.State;

/// <summary>Creates state store components from their component file's type and metadata.</summary>
public static class StateStoreFactory
{
    /// <summary>
    /// A state store for component <paramref name="name"/> of <paramref name="type"/> (<c>state.redis</c>,
    /// <c>state.in-memory</c>) configured by <paramref name="metadata"/> (the component's spec.metadata).
    /// </summary>
    /// <exception cref="ArgumentException">A metadata field is missing or invalid; the message names the component and the field.</exception>
    /// <exception cref="NotSupportedException">The type, or an option such as <c>enableTLS</c>, is not supported locally.</exception>
    public static IStateStore Create(string name, string type, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = StateStoreOptions.Read(name, metadata);
        return type switch
        {
            "state.redis" => new RedisStateStore(name, RedisStateStoreOptions.Read(name, metadata), options),
            "state.in-memory" => new InMemoryStateStore(name, options),
            _ => throw new NotSupportedException(
                $"component '{name}': state store type '{type}' is not supported by the local sidecar (supported: state.redis, state.in-memory)"),
        };
    }
}

/// <summary>Settings every state store component understands.</summary>
/// <param name="IsActorStateStore"><c>actorStateStore</c>: holds actor state and reminders (default false).</param>
/// <param name="DefaultTimeToLive"><c>ttlInSeconds</c>: expiry applied to every write (default none).</param>
internal sealed record StateStoreOptions(bool IsActorStateStore, TimeSpan? DefaultTimeToLive)
{
    internal static StateStoreOptions Read(string component, IReadOnlyDictionary<string, string> metadata) =>
        new(ComponentMetadata.Bool(component, metadata, "actorStateStore"),
            ComponentMetadata.PositiveInt(component, metadata, "ttlInSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
}

/// <summary>Typed reads of a component's string metadata, with errors naming the component and the field.</summary>
internal static class ComponentMetadata
{
    public static string? Text(IReadOnlyDictionary<string, string> metadata, string field) =>
        metadata.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public static bool Bool(string component, IReadOnlyDictionary<string, string> metadata, string field) =>
        Text(metadata, field) switch
        {
            null => false,
            var v when bool.TryParse(v, out var b) => b,
            var v => throw new ArgumentException($"component '{component}': metadata '{field}' must be \"true\" or \"false\", got '{v}'"),
        };

    public static int? PositiveInt(string component, IReadOnlyDictionary<string, string> metadata, string field, bool allowZero = false) =>
        Text(metadata, field) switch
        {
            null => null,
            var v when int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && (n > 0 || (allowZero && n == 0)) => n,
            var v => throw new ArgumentException(
                $"component '{component}': metadata '{field}' must be a {(allowZero ? "non-negative" : "positive")} integer, got '{v}'"),
        };
}
