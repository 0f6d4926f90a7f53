using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;

namespace Platform.ControlPlane.Server.Http;

/// <summary>Kubernetes discovery documents (<c>APIGroupList</c>, <c>APIResourceList</c>) for the served kinds.</summary>
public static class Discovery
{
    /// <summary>The body of <c>GET /apis</c>.</summary>
    public static JsonObject Groups(ResourceKinds kinds)
    {
        var groups = new JsonArray();
        foreach (var g in kinds.All.GroupBy(k => k.Group))
        {
            var versions = g.Select(k => k.Version).Distinct().OrderByDescending(v => v, StringComparer.Ordinal)
                .Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v }).ToArray();
            groups.Add(new JsonObject
            {
                ["name"] = g.Key,
                ["versions"] = new JsonArray(versions),
                ["preferredVersion"] = versions[0]!.DeepClone(),
            });
        }
        groups.Add(new JsonObject
        {
            ["name"] = ApiPath.PlatformGroup,
            ["versions"] = new JsonArray(new JsonObject { ["groupVersion"] = $"{ApiPath.PlatformGroup}/v1", ["version"] = "v1" }),
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{ApiPath.PlatformGroup}/v1", ["version"] = "v1" },
        });
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    /// <summary>The body of <c>GET /apis/{group}/{version}</c>, or null when no kind lives there.</summary>
    public static JsonObject? Resources(ResourceKinds kinds, string group, string version)
    {
        var here = kinds.All.Where(k => k.Group == group && k.Version == version).ToList();
        if (here.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var k in here)
        {
            resources.Add(new JsonObject
            {
                ["name"] = k.Plural,
                ["singularName"] = k.Singular,
                ["namespaced"] = k.Namespaced,
                ["kind"] = k.Kind,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                ["shortNames"] = new JsonArray((k.ShortNames ?? []).Select(s => (JsonNode)s).ToArray()),
            });
            resources.Add(new JsonObject
            {
                ["name"] = k.Plural + "/status",
                ["singularName"] = "",
                ["namespaced"] = k.Namespaced,
                ["kind"] = k.Kind,
                ["verbs"] = new JsonArray("get", "patch", "update"),
            });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = $"{group}/{version}", ["resources"] = resources };
    }
}
