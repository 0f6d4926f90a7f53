using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using Platform.ControlPlane.Store;

namespace Platform.Sources.ApiServer;

/// <summary>
/// The events of an ApiServerSource, as Knative's adapter makes them: type
/// <c>dev.knative.apiserver.{ref|resource}.{add|update|delete}</c>; source the API server's address; subject
/// <c>/apis/{apiVersion}/namespaces/{ns}/{resource}/{name}</c> (the resource guessed from the kind, as Knative does);
/// extensions <c>kind</c>, <c>apiversion</c>, <c>name</c>, <c>namespace</c>; data <c>application/json</c>: in
/// Reference mode the object's reference (<c>kind</c>, <c>namespace</c>, <c>name</c>, <c>apiVersion</c>), in Resource
/// mode the whole object. Pure.
/// </summary>
internal static class ApiServerEvents
{
    /// <summary>A change of an object as seen by a watch.</summary>
    public enum Change
    {
        /// <summary>Created (watch ADDED).</summary>
        Add,
        /// <summary>Changed (watch MODIFIED).</summary>
        Update,
        /// <summary>Deleted (watch DELETED; the object is its last state).</summary>
        Delete,
    }

    /// <summary>The change a watch event type stands for.</summary>
    public static Change Of(WatchEventType type) => type switch
    {
        WatchEventType.Added => Change.Add,
        WatchEventType.Deleted => Change.Delete,
        _ => Change.Update,
    };

    /// <summary>The event type of a change in a mode (<c>Reference</c> or <c>Resource</c>).</summary>
    public static string TypeOf(Change change, bool reference) =>
        $"dev.knative.apiserver.{(reference ? "ref" : "resource")}.{change.ToString().ToLowerInvariant()}";

    /// <summary>The event for <paramref name="obj"/>; <paramref name="source"/> is the API server's address.</summary>
    public static CloudEvent Build(string source, Change change, JsonObject obj, bool reference, string id, DateTimeOffset now)
    {
        var apiVersion = obj.Str("apiVersion") ?? "";
        var kind = obj.Str("kind") ?? "";
        var name = obj.Name() ?? "";
        var ns = obj.Namespace() ?? "";
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = id,
            Type = TypeOf(change, reference),
            Source = new Uri(source, UriKind.RelativeOrAbsolute),
            Subject = Subject(apiVersion, kind, ns, name),
            Time = now,
            DataContentType = "application/json",
        };
        cloudEvent["kind"] = kind;
        cloudEvent["apiversion"] = apiVersion;
        cloudEvent["name"] = name;
        cloudEvent["namespace"] = ns;
        var data = reference ? Reference(kind, ns, name, apiVersion) : obj;
        cloudEvent.Data = System.Text.Encoding.UTF8.GetBytes(data.ToJsonString());
        return cloudEvent;
    }

    /// <summary>Kubernetes' ObjectReference of the object, in its field order, empty fields left out.</summary>
    public static JsonObject Reference(string kind, string ns, string name, string apiVersion)
    {
        var reference = new JsonObject();
        if (kind.Length > 0) reference["kind"] = kind;
        if (ns.Length > 0) reference["namespace"] = ns;
        if (name.Length > 0) reference["name"] = name;
        if (apiVersion.Length > 0) reference["apiVersion"] = apiVersion;
        return reference;
    }

    /// <summary>
    /// Knative's self link: <c>/apis/{apiVersion}/namespaces/{ns}/{resource}/{name}</c>, with a group alone
    /// (a dot, no slash) given <c>/versionUnknown</c>.
    /// </summary>
    public static string Subject(string apiVersion, string kind, string ns, string name)
    {
        var version = apiVersion.Contains('.', StringComparison.Ordinal) && !apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion + "/versionUnknown" : apiVersion;
        return $"/apis/{version}/namespaces/{ns}/{GuessResource(kind)}/{name}";
    }

    /// <summary>
    /// Kubernetes' guess of a kind's resource (<c>meta.UnsafeGuessKindToResource</c>): lower case, then <c>-s</c>
    /// → <c>-ses</c>, <c>-y</c> → <c>-ies</c>, else <c>-s</c>; <c>endpoints</c> stays.
    /// </summary>
    public static string GuessResource(string kind)
    {
        if (kind.Length == 0) return "";
        var singular = kind.ToLowerInvariant();
        if (singular.EndsWith("endpoints", StringComparison.Ordinal)) return singular;
        return singular[^1] switch
        {
            's' => singular + "es",
            'y' => singular[..^1] + "ies",
            _ => singular + "s",
        };
    }
}
