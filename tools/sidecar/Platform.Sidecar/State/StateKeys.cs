using Platform.Sidecar.Core.State;

namespace Platform.Sidecar.State;

/// <summary>
/// Dapr's state key prefixing: <c>{appId}||{key}</c> by default; the component's <c>keyPrefix</c> metadata may say
/// <c>appid</c>, <c>name</c> (the store's name), <c>none</c> or a fixed prefix.
/// </summary>
internal static class StateKeys
{
    /// <summary>The stored key for the app's <paramref name="key"/>.</summary>
    public static string Stored(string appId, string storeName, string? keyPrefix, string key) => keyPrefix?.ToLowerInvariant() switch
    {
        null or "" or "appid" => $"{appId}||{key}",
        "name" => $"{storeName}||{key}",
        "none" => key,
        _ => $"{keyPrefix}||{key}",
    };

    /// <summary>ETag "" means none, as Dapr treats an empty ETag.</summary>
    public static string? ETag(string? etag, bool lastWrite) => lastWrite || string.IsNullOrEmpty(etag) ? null : etag;
}

/// <summary>A loaded state store with the app's key prefix applied.</summary>
internal sealed record PrefixedStore(IStateStore Store, string AppId, string? KeyPrefix)
{
    /// <summary>The stored key for <paramref name="key"/>.</summary>
    public string Key(string key) => StateKeys.Stored(AppId, Store.Name, KeyPrefix, key);
}
