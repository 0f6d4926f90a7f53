namespace Platform.Sidecar.Core.State;

/// <summary>
/// A Dapr state store component (<c>state.redis</c>, <c>state.in-memory</c>) as the sidecar uses it.
/// ETags follow Dapr's first-write-wins semantics: a given ETag must match the stored one, else
/// <see cref="ETagMismatchException"/>.
/// </summary>
public interface IStateStore
{
    /// <summary>The component's <c>metadata.name</c>.</summary>
    string Name { get; }

    /// <summary>True when the component sets <c>actorStateStore: "true"</c>.</summary>
    bool IsActorStateStore { get; }

    /// <summary>The stored value and its ETag, or null when the key is missing.</summary>
    Task<StateItem?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Upserts <paramref name="key"/>; returns the new ETag.</summary>
    Task<string> SetAsync(string key, ReadOnlyMemory<byte> value, string? etag = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="key"/> (a missing key is not an error unless an ETag is given).</summary>
    Task DeleteAsync(string key, string? etag = null, CancellationToken cancellationToken = default);

    /// <summary>Applies every operation or none.</summary>
    Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default);
}

/// <summary>A stored value with its ETag.</summary>
public sealed record StateItem(byte[] Value, string ETag);

/// <summary>One operation of a state transaction.</summary>
public sealed record StateOperation(StateOperationKind Kind, string Key, byte[]? Value = null, string? ETag = null);

/// <summary>What a <see cref="StateOperation"/> does.</summary>
public enum StateOperationKind
{
    /// <summary>Insert or replace.</summary>
    Upsert,
    /// <summary>Remove.</summary>
    Delete,
}

/// <summary>The ETag given does not match the stored one (gRPC <c>Aborted</c>, HTTP 409).</summary>
public sealed class ETagMismatchException(string key) : Exception($"possible etag mismatch for key '{key}'")
{
    /// <summary>The key whose ETag did not match.</summary>
    public string Key { get; } = key;
}
