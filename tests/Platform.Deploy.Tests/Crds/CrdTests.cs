using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.Resources.Crds;
using Platform.Testing;

namespace Platform.Deploy.Tests.Crds;

/// <summary>The CRDs generated from the model: checked in, complete, structural, and carrying the rules we enforce.</summary>
public sealed class CrdTests
{
    private static readonly string Folder = Path.Combine(Builds.Root, CustomResourceDefinitions.Folder);

    [Fact]
    public void Checked_in_CRDs_are_what_the_model_generates_now()
    {
        var stale = CustomResourceDefinitions.Files()
            .Where(f => !File.Exists(Path.Combine(Folder, f.FileName)) || File.ReadAllText(Path.Combine(Folder, f.FileName)) != f.Text)
            .Select(f => f.FileName).ToList();
        Assert.True(stale.Count == 0, $"stale CRDs in {CustomResourceDefinitions.Folder}: {string.Join(", ", stale)}; run `platform deploy crds` and commit");
        var extra = Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName)
            .Except(CustomResourceDefinitions.Files().Select(f => f.FileName)).ToList();
        Assert.True(extra.Count == 0, $"files in {CustomResourceDefinitions.Folder} that no kind generates: {string.Join(", ", extra)}");
    }

    [Fact]
    public void Every_kind_of_the_table_has_a_CRD_with_a_status_subresource()
    {
        var crds = CustomResourceDefinitions.Knative();
        Assert.Equal(ResourceKinds.Knative.All.Select(k => k.Resource).Order(), crds.Select(c => c["metadata"]!["name"]!.GetValue<string>()).Order());
        foreach (var crd in crds)
        {
            var version = crd["spec"]!["versions"]![0]!;
            Assert.NotNull(version["subresources"]!["status"]);
            Assert.Equal("platform", crd["metadata"]!["labels"]![CustomResourceDefinitions.OwnerLabel]!.GetValue<string>());
            Assert.Contains(version["additionalPrinterColumns"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "Ready");
        }
    }

    [Fact]
    public void Every_schema_is_structural()
    {
        foreach (var crd in CustomResourceDefinitions.Knative())
        {
            var schema = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();
            foreach (var (path, node) in Walk(schema, crd["metadata"]!["name"]!.GetValue<string>()))
            {
                // Kubernetes' rule: every node names a type, unless it is int-or-string or keeps unknown fields.
                var typed = node["type"] is not null || node["x-kubernetes-int-or-string"] is not null || node["x-kubernetes-preserve-unknown-fields"] is not null;
                Assert.True(typed, $"{path}: no type");
                Assert.False(node["$ref"] is not null, $"{path}: $ref is not allowed in a CRD");
            }
        }
    }

    public static TheoryData<string, string, string> Rules => new()
    {
        { "services.serving.knative.dev", "spec.properties.template.properties.spec.properties.containerConcurrency", """{"type":"integer","format":"int64","minimum":0,"maximum":1000,"default":0}""" },
        { "revisions.serving.knative.dev", "spec.properties.timeoutSeconds", """{"type":"integer","format":"int64","minimum":0,"maximum":600,"default":300}""" },
        { "routes.serving.knative.dev", "spec.properties.traffic.items.properties.percent", """{"type":"integer","format":"int64","minimum":0,"maximum":100}""" },
        { "triggers.eventing.knative.dev", "spec.properties.broker", """{"type":"string","default":"default"}""" },
        { "brokers.eventing.knative.dev", "spec.properties.delivery.properties.backoffPolicy", """{"type":"string","enum":["exponential","linear"]}""" },
        { "apiserversources.sources.knative.dev", "spec.properties.mode", """{"type":"string","enum":["Reference","Resource"]}""" },
        { "revisions.serving.knative.dev", "spec.properties.containers.items.properties.ports.items.properties.containerPort", """{"type":"integer","format":"int32"}""" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_rule_our_admission_enforces_is_in_the_schema(string crdName, string path, string expected)
    {
        var crd = CustomResourceDefinitions.Knative().Single(c => c["metadata"]!["name"]!.GetValue<string>() == crdName);
        JsonNode node = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!;
        foreach (var part in path.Split('.')) node = node[part] ?? throw new Xunit.Sdk.XunitException($"{crdName}: no {part} in {path}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), node), $"{crdName} {path}: {node.ToJsonString()}");
    }

    [Fact]
    public void Required_fields_are_listed_on_their_object()
    {
        var trigger = CustomResourceDefinitions.Knative().Single(c => c["metadata"]!["name"]!.GetValue<string>() == "triggers.eventing.knative.dev");
        var spec = trigger["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
        Assert.Contains("subscriber", spec["required"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    private static IEnumerable<(string Path, JsonObject Node)> Walk(JsonObject node, string path)
    {
        yield return (path, node);
        if (node["properties"] is JsonObject properties)
            foreach (var (name, child) in properties)
                foreach (var item in Walk(child!.AsObject(), path + "." + name)) yield return item;
        if (node["items"] is JsonObject items)
            foreach (var item in Walk(items, path + "[]")) yield return item;
        if (node["additionalProperties"] is JsonObject values)
            foreach (var item in Walk(values, path + "{}")) yield return item;
    }
}
