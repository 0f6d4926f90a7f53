using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Server.Catalog;

/// <summary>
/// Kubernetes' object semantics as pure functions over JSON: which metadata the server owns, what a replace or a
/// status update keeps, when <c>generation</c> moves, how <c>generateName</c> becomes a name.
/// </summary>
internal static class ObjectRules
{
    /// <summary>Metadata the server sets; values sent by clients are ignored.</summary>
    public static readonly IReadOnlyList<string> ServerMetadata =
        ["uid", "creationTimestamp", "resourceVersion", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>
    /// A copy of <paramref name="body"/> ready for admission on create: apiVersion/kind from the kind, namespace and
    /// name set, server metadata and status dropped (a status subresource ignores status on create).
    /// </summary>
    public static JsonObject PrepareCreate(ResourceKind kind, JsonObject body, string ns, string name)
    {
        var obj = (JsonObject)body.DeepClone();
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
        var metadata = obj.EnsureMetadata();
        foreach (var field in ServerMetadata) metadata.Remove(field);
        metadata["name"] = name;
        if (kind.Namespaced) metadata["namespace"] = ns;
        obj.Remove("status");
        return Order(obj);
    }

    /// <summary>Sets the server metadata of a new object.</summary>
    public static void StampCreate(JsonObject obj, string uid, string creationTimestamp)
    {
        var metadata = obj.EnsureMetadata();
        metadata["uid"] = uid;
        metadata["creationTimestamp"] = creationTimestamp;
        metadata["generation"] = 1;
    }

    /// <summary>
    /// A replace of <paramref name="old"/> by <paramref name="incoming"/> through the main endpoint: the client's
    /// spec, labels, annotations, finalizers and owner references; the server's identity and timestamps; the old
    /// status. Generation is settled after admission by <see cref="SettleGeneration"/>.
    /// </summary>
    public static JsonObject PrepareReplace(ResourceKind kind, JsonObject old, JsonObject incoming)
    {
        var obj = (JsonObject)incoming.DeepClone();
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
        var metadata = obj.EnsureMetadata();
        var oldMetadata = old.EnsureMetadata();
        foreach (var field in ServerMetadata) metadata.Remove(field);
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds" })
            if (oldMetadata[field] is { } value) metadata[field] = value.DeepClone();
        obj.Remove("status");
        if (old["status"] is { } status) obj["status"] = status.DeepClone();
        return Order(obj);
    }

    /// <summary>A status update: everything of <paramref name="old"/> but <c>status</c>, which comes from <paramref name="incoming"/>.</summary>
    public static JsonObject PrepareStatus(JsonObject old, JsonObject incoming)
    {
        var obj = (JsonObject)old.DeepClone();
        obj.Remove("status");
        if (incoming["status"] is { } status) obj["status"] = status.DeepClone();
        return obj;
    }

    /// <summary>Keeps the old generation, or bumps it when anything outside metadata and status changed.</summary>
    public static void SettleGeneration(JsonObject old, JsonObject updated)
    {
        var generation = Math.Max(1, old.Generation());
        updated.EnsureMetadata()["generation"] = SpecChanged(old, updated) ? generation + 1 : generation;
    }

    /// <summary>True when any top-level field other than apiVersion, kind, metadata and status differs.</summary>
    public static bool SpecChanged(JsonObject old, JsonObject updated)
    {
        foreach (var (key, value) in updated)
            if (!IsEnvelope(key) && !JsonNode.DeepEquals(value, old[key])) return true;
        foreach (var (key, value) in old)
            if (!IsEnvelope(key) && !updated.ContainsKey(key) && value is not null) return true;
        return false;
    }

    /// <summary>True when two objects differ at most in <c>metadata.resourceVersion</c> (a no-op write).</summary>
    public static bool SameContent(JsonObject a, JsonObject b)
    {
        var x = (JsonObject)a.DeepClone();
        var y = (JsonObject)b.DeepClone();
        x.Metadata()?.Remove("resourceVersion");
        y.Metadata()?.Remove("resourceVersion");
        return JsonNode.DeepEquals(x, y);
    }

    /// <summary><c>generateName</c> + 5 random characters from Kubernetes' alphabet, the prefix cut to keep 63 characters.</summary>
    public static string GenerateName(string prefix, Random random)
    {
        if (prefix.Length > 58) prefix = prefix[..58];
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++) suffix[i] = NameAlphabet[random.Next(NameAlphabet.Length)];
        return prefix + new string(suffix);
    }

    /// <summary>RFC 3339 in UTC with second precision, as Kubernetes writes timestamps.</summary>
    public static string Timestamp(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] MetadataOrder =
        ["name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers"];

    /// <summary>Puts metadata fields in Kubernetes' usual order (name, namespace, uid, resourceVersion, ...); others follow.</summary>
    public static void OrderMetadata(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata) return;
        var ordered = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var key in MetadataOrder)
            if (metadata.Remove(key, out var value)) ordered.Add(new(key, value));
        foreach (var pair in metadata.ToList())
        {
            metadata.Remove(pair.Key);
            ordered.Add(pair);
        }
        foreach (var (key, value) in ordered) metadata[key] = value;
    }

    private static bool IsEnvelope(string key) => key is "apiVersion" or "kind" or "metadata" or "status";

    // apiVersion, kind, metadata first, as Kubernetes prints objects; the rest keeps its order.
    private static JsonObject Order(JsonObject obj)
    {
        if (obj.Count > 0 && obj.First().Key == "apiVersion" && obj.ElementAtOrDefault(1).Key == "kind" && obj.ElementAtOrDefault(2).Key == "metadata")
            return obj;
        var ordered = new JsonObject();
        foreach (var key in new[] { "apiVersion", "kind", "metadata" })
            if (obj.Remove(key, out var value)) ordered[key] = value;
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            ordered[key] = value;
        }
        return ordered;
    }
}
