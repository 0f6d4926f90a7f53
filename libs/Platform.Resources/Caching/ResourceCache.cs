using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;

namespace Platform.Resources.Caching;

/// <summary>One cached object: its JSON as stored and its typed form (null when it does not fit the model).</summary>
public sealed record CachedObject(JsonObject Json, Resource? Typed, string? ReadError)
{
    /// <summary><c>metadata.namespace</c>.</summary>
    public string Namespace => Json.Namespace() ?? "default";
    /// <summary><c>metadata.name</c>.</summary>
    public string Name => Json.Name() ?? "";
    /// <summary><c>metadata.uid</c>.</summary>
    public string Uid => Json.Uid() ?? "";
    /// <summary><c>namespace/name</c>, for logs.</summary>
    public string Key => $"{Namespace}/{Name}";
}

/// <summary>
/// A service's view of the control-plane kinds it watches, kept current by its informers (one per kind, calling
/// <see cref="Apply"/> and, once listed, <see cref="MarkListed"/>). Readers take <see cref="Snapshot"/>s; every change
/// bumps <see cref="Version"/> and wakes the reconciler waiting in <see cref="WaitForChangeAsync"/>.
/// </summary>
/// <param name="kinds">The kinds watched: <see cref="IsSynced"/> waits for each of them.</param>
public class ResourceCache(IReadOnlyList<ResourceKind> kinds)
{
    private readonly ConcurrentDictionary<ResourceKind, ConcurrentDictionary<(string Ns, string Name), CachedObject>> _byKind = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly ConcurrentDictionary<ResourceKind, byte> _listed = new();
    private long _version;

    /// <summary>
    /// True once every watched kind has been listed. Until then a reader could see a Broker without its Triggers, or
    /// a sink as missing when it is not, so reconcilers wait for this.
    /// </summary>
    public bool IsSynced => kinds.All(_listed.ContainsKey);

    /// <summary>The kinds watched.</summary>
    public IReadOnlyList<ResourceKind> Kinds => kinds;

    /// <summary>Bumped on every change.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Objects of <paramref name="kind"/> now.</summary>
    public IReadOnlyList<CachedObject> Snapshot(ResourceKind kind) =>
        _byKind.TryGetValue(kind, out var objects) ? objects.Values.ToList() : [];

    /// <summary>One object, or null.</summary>
    public CachedObject? Get(ResourceKind kind, string ns, string name) =>
        _byKind.TryGetValue(kind, out var objects) && objects.TryGetValue((ns, name), out var o) ? o : null;

    /// <summary>Whether an object of the watched kind named <paramref name="kind"/> (<c>Broker</c>, <c>Service</c>, ...) exists.</summary>
    public bool Exists(string kind, string ns, string name) =>
        kinds.FirstOrDefault(k => k.Kind == kind) is { } k && Get(k, ns, name) is not null;

    /// <summary>Stores or removes an object after a watch event.</summary>
    public void Apply(ResourceKind kind, WatchEventType type, JsonObject obj)
    {
        var objects = _byKind.GetOrAdd(kind, _ => new());
        var key = (obj.Namespace() ?? "default", obj.Name() ?? "");
        if (type == WatchEventType.Deleted) objects.TryRemove(key, out _);
        else objects[key] = Read(obj);
        Signal();
    }

    /// <summary>Notes that <paramref name="kind"/> was listed in full (its informer synced).</summary>
    public void MarkListed(ResourceKind kind)
    {
        _listed[kind] = 0;
        Signal();
    }

    /// <summary>Replaces every object of <paramref name="kind"/> (a full list).</summary>
    public void Replace(ResourceKind kind, IEnumerable<JsonObject> items)
    {
        var fresh = new ConcurrentDictionary<(string, string), CachedObject>();
        foreach (var obj in items) fresh[(obj.Namespace() ?? "default", obj.Name() ?? "")] = Read(obj);
        _byKind[kind] = fresh;
        _listed[kind] = 0;
        Signal();
    }

    /// <summary>Wakes the reconciler.</summary>
    public void Signal()
    {
        Interlocked.Increment(ref _version);
        if (_changed.CurrentCount == 0)
        {
            try { _changed.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Waits for a change or <paramref name="timeout"/>.</summary>
    public Task<bool> WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) => _changed.WaitAsync(timeout, cancellationToken);

    private static CachedObject Read(JsonObject obj)
    {
        var read = ResourceSerializer.Default.ReadNode(obj.DeepClone());
        if (read.Success && read.Resources.Count == 1) return new CachedObject(obj, read.Resources[0], null);
        // Lenient second chance: fields the typed model does not know must not hide the whole object.
        try
        {
            var modelled = ResourceSerializer.Default.Types.Find(obj.Str("apiVersion") ?? "", obj.Str("kind") ?? "");
            if (modelled is { Type: var type } && obj.Deserialize(type, ResourceSerializer.Default.JsonOptions) is Resource r)
                return new CachedObject(obj, r, null);
        }
        catch (JsonException) { }
        return new CachedObject(obj, null, string.Join("; ", read.Errors.Select(e => e.ToString())));
    }
}
