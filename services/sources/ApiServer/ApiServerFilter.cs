using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;
using Platform.Resources.Core;
using Platform.Resources.Sources;
using Platform.Sources.Resources;

namespace Platform.Sources.ApiServer;

/// <summary>
/// Which watched objects become events: the resource's label selector, the owner (the object's controller reference
/// has that apiVersion and kind, as Knative's controller filter checks; an empty field matches any) and the namespace
/// (the namespace selector, evaluated on the namespace's labels). Pure.
/// </summary>
internal static class ApiServerFilter
{
    /// <summary>The label Kubernetes puts on every namespace: its own name.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>Whether <paramref name="obj"/> passes.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="selector">The resource's label selector.</param>
    /// <param name="owner">The owner filter.</param>
    /// <param name="namespaceLabels">The labels of the object's namespace, or null when they are not known (only its name label counts then).</param>
    /// <param name="namespaceSelector">The namespace selector (null: any namespace the watch sees).</param>
    public static bool Passes(JsonObject obj, LabelSelector? selector, ApiVersionKind? owner, IReadOnlyDictionary<string, string>? namespaceLabels, LabelSelector? namespaceSelector)
    {
        if (!LabelSelectors.Matches(selector, obj.Labels())) return false;
        if (namespaceSelector is not null)
        {
            var labels = namespaceLabels ?? new Dictionary<string, string> { [NamespaceNameLabel] = obj.Namespace() ?? "" };
            if (!LabelSelectors.Matches(namespaceSelector, labels)) return false;
        }
        if (owner is null) return true;
        var controller = (obj.Metadata()?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(r => r["controller"] is JsonValue v && v.GetValueKind() == JsonValueKind.True);
        if (controller is null) return false;
        return (string.IsNullOrEmpty(owner.ApiVersion) || owner.ApiVersion == controller.Str("apiVersion"))
            && (string.IsNullOrEmpty(owner.Kind) || owner.Kind == controller.Str("kind"));
    }
}
