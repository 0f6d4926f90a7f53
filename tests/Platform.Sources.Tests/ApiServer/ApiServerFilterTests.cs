using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.Resources.Core;
using Platform.Resources.Sources;
using Platform.Sources.ApiServer;

namespace Platform.Sources.Tests.ApiServer;

public class ApiServerFilterTests
{
    private static JsonObject Object(string ns, string labels, string? controller)
    {
        var owners = controller is null ? "" : "{\"apiVersion\":\"apps/v1\",\"kind\":\"" + controller + "\",\"name\":\"d\",\"controller\":true}";
        return JsonNode.Parse("{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"r\",\"namespace\":\"" + ns
            + "\",\"labels\":{" + labels + "},\"ownerReferences\":[" + owners + "]}}")!.AsObject();
    }

    private static LabelSelector Labels(string key, string value) => new() { MatchLabels = new() { [key] = value } };

    // label, namespace, labels, controller kind, selector (k=v or null), owner kind (null: no filter), namespace selector (k=v), want
    [Theory]
    [InlineData("no filters", "a", "", null, null, null, null, true)]
    [InlineData("selector matches", "a", "\"app\":\"web\"", null, "app=web", null, null, true)]
    [InlineData("selector does not match", "a", "\"app\":\"db\"", null, "app=web", null, null, false)]
    [InlineData("owner is the controller", "a", "", "Deployment", null, "Deployment", null, true)]
    [InlineData("owner of another kind", "a", "", "StatefulSet", null, "Deployment", null, false)]
    [InlineData("no controller at all", "a", "", null, null, "Deployment", null, false)]
    [InlineData("namespace picked by its name label", "team-a", "", null, null, null, "kubernetes.io/metadata.name=team-a", true)]
    [InlineData("namespace not picked", "team-b", "", null, null, null, "kubernetes.io/metadata.name=team-a", false)]
    public void Filters(string label, string ns, string labels, string? controller, string? selector, string? owner, string? namespaceSelector, bool want)
    {
        LabelSelector? Parse(string? kv) => kv is null ? null : Labels(kv.Split('=')[0], kv.Split('=')[1]);
        var passes = ApiServerFilter.Passes(Object(ns, labels, controller), Parse(selector),
            owner is null ? null : new ApiVersionKind { ApiVersion = "apps/v1", Kind = owner }, null, Parse(namespaceSelector));
        Assert.True(want == passes, label);
    }

    // label, apiVersion, kind, kubernetes mode, want resource or null, want error fragment
    [Theory]
    [InlineData("a kind the control plane serves", "serving.knative.dev/v1", "Service", false, "services", null)]
    [InlineData("locally, Kubernetes' own kinds do not exist", "apps/v1", "Deployment", false, null, "kind Deployment of apps/v1 is not served by the control plane")]
    [InlineData("locally, another version is named", "serving.knative.dev/v2", "Service", false, null, "it serves Service as serving.knative.dev/v1")]
    [InlineData("in Kubernetes, any group's kind", "apps/v1", "Deployment", true, "deployments", null)]
    [InlineData("in Kubernetes, the core group is not watched yet", "v1", "Pod", true, null, "core group")]
    public void Kinds(string label, string apiVersion, string kind, bool kubernetes, string? want, string? error)
    {
        var (resolved, why) = new ApiKinds(ResourceKinds.Knative, kubernetes).Resolve(apiVersion, kind);
        Assert.True(want == resolved?.Plural, label);
        if (error is not null) Assert.Contains(error, why);
    }
}
