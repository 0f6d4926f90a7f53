using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Resources.Defaulting;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;

namespace Platform.ServingController.Reconcilers;

/// <summary>
/// Moves Serving objects between the store's JSON and the typed model. Reads are tolerant (a controller must not
/// stop on a field it does not know) and defaulted with Knative's defaults, so reconcilers see the same object
/// whether or not the API ran the typed admission.
/// </summary>
internal static class ServingObjects
{
    /// <summary>The serializer options of the typed model (camelCase, nulls omitted).</summary>
    public static JsonSerializerOptions Json => ResourceSerializer.Default.JsonOptions;

    /// <summary>The typed, defaulted object of <paramref name="node"/>.</summary>
    public static T Read<T>(JsonObject node) where T : Resource
    {
        var typed = node.Deserialize<T>(Json) ?? throw new JsonException($"not a {typeof(T).Name}");
        ResourceDefaulter.Knative.Apply(typed);
        return typed;
    }

    /// <summary>The JSON of <paramref name="resource"/>, as the store takes it.</summary>
    public static JsonObject ToNode(Resource resource) => ResourceSerializer.Default.ToNode(resource);

    /// <summary>A controller owner reference to <paramref name="owner"/> (cascade delete, one controller).</summary>
    public static OwnerReference ControllerRef(Resource owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>True when <paramref name="child"/> is controlled by the object with <paramref name="ownerUid"/>.</summary>
    public static bool IsControlledBy(Resource child, string? ownerUid) =>
        child.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == ownerUid) ?? false;

    /// <summary>Structural equality of two values through their JSON.</summary>
    public static bool SameJson<T>(T a, T b) =>
        JsonNode.DeepEquals(JsonSerializer.SerializeToNode(a, Json), JsonSerializer.SerializeToNode(b, Json));
}

/// <summary>Labels and annotations Knative puts on Serving objects.</summary>
internal static class ServingMeta
{
    /// <summary>The Service a child belongs to.</summary>
    public const string ServiceLabel = "serving.knative.dev/service";

    /// <summary>The Configuration that stamped a revision.</summary>
    public const string ConfigurationLabel = "serving.knative.dev/configuration";

    /// <summary>The Configuration's generation a revision was stamped from.</summary>
    public const string ConfigurationGenerationLabel = "serving.knative.dev/configurationGeneration";

    /// <summary>The Route that sends traffic to a revision (set on routed revisions).</summary>
    public const string RouteLabel = "serving.knative.dev/route";

    /// <summary>Set to <c>true</c> on a revision (or its Configuration/Service) to exempt it from garbage collection.</summary>
    public const string NoGcAnnotation = "serving.knative.dev/no-gc";

    /// <summary>When the revision last moved in or out of a route (RFC 3339), Knative's last-active time.</summary>
    public const string RoutingStateModifiedAnnotation = "serving.knative.dev/routingStateModified";

    /// <summary>Route/Service label making it reachable from local callers only.</summary>
    public const string VisibilityLabel = "networking.knative.dev/visibility";

    /// <summary>The annotation kubectl writes; never copied to children.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
}
