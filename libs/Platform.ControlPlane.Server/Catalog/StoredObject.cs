using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Server.Catalog;

/// <summary>
/// One committed object in the catalog. Immutable once committed: <see cref="Object"/> is never changed again and
/// <see cref="Json"/> is its serialized form, written as-is to HTTP answers and watch streams.
/// </summary>
public sealed class StoredObject
{
    internal StoredObject(ResourceKind kind, JsonObject obj, long version)
    {
        Kind = kind;
        Object = obj;
        Version = version;
        Namespace = obj.Namespace() ?? "";
        Name = obj.Name() ?? "";
        Uid = obj.Uid() ?? "";
        Json = JsonSerializer.SerializeToUtf8Bytes(obj, JsonWire.Options);
    }

    /// <summary>The kind.</summary>
    public ResourceKind Kind { get; }

    /// <summary><c>metadata.namespace</c>.</summary>
    public string Namespace { get; }

    /// <summary><c>metadata.name</c>.</summary>
    public string Name { get; }

    /// <summary><c>metadata.uid</c>.</summary>
    public string Uid { get; }

    /// <summary><c>metadata.resourceVersion</c> as a number.</summary>
    public long Version { get; }

    /// <summary>The object; do not mutate (use <see cref="Clone"/>).</summary>
    public JsonObject Object { get; }

    /// <summary>UTF-8 JSON of <see cref="Object"/>.</summary>
    public byte[] Json { get; }

    /// <summary>A copy the caller may change.</summary>
    public JsonObject Clone() => (JsonObject)JsonNode.Parse(Json)!;
}

/// <summary>A committed change, with its watch line (<c>{"type":...,"object":...}\n</c>) serialized once for all watchers.</summary>
internal sealed class StoredEvent
{
    internal StoredEvent(WatchEventType type, StoredObject obj)
    {
        Type = type;
        Object = obj;
        var prefix = "{\"type\":\""u8.ToArray().Concat(System.Text.Encoding.ASCII.GetBytes(ResourceEvent.Wire(type))).Concat("\",\"object\":"u8.ToArray());
        Line = [.. prefix, .. obj.Json, .. "}\n"u8];
    }

    /// <summary>What happened.</summary>
    public WatchEventType Type { get; }

    /// <summary>The object after the change (for Deleted: its last state with the deletion's resourceVersion).</summary>
    public StoredObject Object { get; }

    /// <summary>The newline-terminated JSON line of a watch stream.</summary>
    public byte[] Line { get; }

    /// <summary>The change as a <see cref="ResourceEvent"/> holding a private copy of the object.</summary>
    public ResourceEvent ToResourceEvent() => new(Type, Object.Clone());
}
