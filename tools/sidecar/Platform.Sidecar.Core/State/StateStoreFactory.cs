namespace Platform.Sidecar.Core.State;

/// <summary>Creates state store components from their component file's type and metadata.</summary>
public static class StateStoreFactory
{
    /// <summary>
    /// A state store for component <paramref name="name"/> of <paramref name="type"/> (<c>state.redis</c>,
    /// <c>state.in-memory</c>) configured by <paramref name="metadata"/> (the component's spec.metadata).
    /// </summary>
    public static IStateStore Create(string name, string type, IReadOnlyDictionary<string, string> metadata) =>
        throw new NotSupportedException($"component '{name}': state store type '{type}' is not supported by the local sidecar");
}
