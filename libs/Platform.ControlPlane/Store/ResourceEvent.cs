using System.Text.Json.Nodes;

namespace Platform.ControlPlane.Store;

/// <summary>Type of a watch event, spelled on the wire as Kubernetes does (<c>ADDED</c>, ...).</summary>
public enum WatchEventType
{
    /// <summary>The object was created (or exists when a watch starts without a resourceVersion).</summary>
    Added,
    /// <summary>The object changed.</summary>
    Modified,
    /// <summary>The object was deleted; the event carries its last state with a new resourceVersion.</summary>
    Deleted,
}

/// <summary>One change to one object, as a watch delivers it.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Object">The object after the change (for Deleted, its last state).</param>
public sealed record ResourceEvent(WatchEventType Type, JsonObject Object)
{
    /// <summary>The object's <c>metadata.resourceVersion</c>.</summary>
    public string ResourceVersion => Object.ResourceVersion() ?? "";

    /// <summary>The wire spelling of a type.</summary>
    public static string Wire(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        _ => "DELETED",
    };

    /// <summary>Parses the wire spelling; null for anything else (<c>ERROR</c>, <c>BOOKMARK</c>).</summary>
    public static WatchEventType? ParseWire(string? type) => type switch
    {
        "ADDED" => WatchEventType.Added,
        "MODIFIED" => WatchEventType.Modified,
        "DELETED" => WatchEventType.Deleted,
        _ => null,
    };
}

/// <summary>A list answer: the items and the store's resourceVersion at the time of the list.</summary>
/// <param name="Items">Objects ordered by namespace then name.</param>
/// <param name="ResourceVersion">Resume a watch from here to see every later change.</param>
public sealed record ResourceList(IReadOnlyList<JsonObject> Items, string ResourceVersion);
