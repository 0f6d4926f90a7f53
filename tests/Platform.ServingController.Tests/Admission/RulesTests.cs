using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Admission;
using Platform.ControlPlane.Server.Catalog;
using Platform.ControlPlane.Server.Http;
using Platform.Resources.Serialization;

namespace Platform.ServingController.Tests.Admission;

public sealed class RulesTests
{
    [Theory]
    [InlineData(NameRule.Dns1035Label, "hello", true)]
    [InlineData(NameRule.Dns1035Label, "hello-2", true)]
    [InlineData(NameRule.Dns1035Label, "2hello", false)]
    [InlineData(NameRule.Dns1035Label, "hello-", false)]
    [InlineData(NameRule.Dns1035Label, "Hello", false)]
    [InlineData(NameRule.Dns1035Label, "a.b", false)]
    [InlineData(NameRule.Dns1035Label, "", false)]
    [InlineData(NameRule.Dns1123Subdomain, "example.com", true)]
    [InlineData(NameRule.Dns1123Subdomain, "2nd.example.com", true)]
    [InlineData(NameRule.Dns1123Subdomain, "a..b", false)]
    [InlineData(NameRule.Dns1123Subdomain, "-a", false)]
    [InlineData(NameRule.Dns1123Subdomain, "a_b", false)]
    public void Names_follow_the_kind_rule(NameRule rule, string name, bool valid) =>
        Assert.Equal(valid, NameRules.Check(rule, name) is null);

    [Fact]
    public void Label_lengths_are_bounded()
    {
        Assert.Null(NameRules.Dns1035Label("a" + new string('b', 62)));
        Assert.NotNull(NameRules.Dns1035Label("a" + new string('b', 63)));
        Assert.Null(NameRules.Dns1123Subdomain(string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + ".abc"));
        Assert.NotNull(NameRules.Dns1123Subdomain(new string('a', 254)));
    }

    [Theory]
    [InlineData("", "", true)]
    [InlineData("", "a=b", false)]
    [InlineData("app=web", "app=web", true)]
    [InlineData("app=web", "app==web", true)]
    [InlineData("app=web", "app!=web", false)]
    [InlineData("", "app!=web", true)]
    [InlineData("app=web,tier=db", "app=web,tier!=front", true)]
    [InlineData("app=web", "app", true)]
    [InlineData("app=web", "!app", false)]
    [InlineData("app=web", "app in (api, web)", true)]
    [InlineData("app=web", "app notin (api,web)", false)]
    [InlineData("app=web", "app in (api),other", false)]
    public void Label_selector_matches_like_kubernetes(string labels, string selector, bool matches)
    {
        var map = labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.True(LabelSelector.TryParse(selector, out var parsed, out var error), error);
        Assert.Equal(matches, parsed.Matches(map));
    }

    [Theory]
    [InlineData("a in b")]
    [InlineData("a,,b")]
    [InlineData("=b")]
    public void Bad_label_selectors_are_refused(string selector) =>
        Assert.False(LabelSelector.TryParse(selector, out _, out _));

    [Theory]
    [InlineData("""{"a":1,"b":{"c":2}}""", """{"b":{"c":null,"d":3}}""", """{"a":1,"b":{"d":3}}""")]
    [InlineData("""{"a":[1,2]}""", """{"a":[3]}""", """{"a":[3]}""")]
    [InlineData("""{"a":1}""", """{"a":{"b":1}}""", """{"a":{"b":1}}""")]
    [InlineData("""{"a":{"b":1}}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":1}""", """{}""", """{"a":1}""")]
    public void Merge_patch_follows_rfc_7386(string target, string patch, string expected) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))));

    [Theory]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"add","path":"/a/c","value":2}]""", """{"a":{"b":1,"c":2}}""")]
    [InlineData("""{"a":[1,3]}""", """[{"op":"add","path":"/a/1","value":2}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":[1]}""", """[{"op":"add","path":"/a/-","value":2}]""", """{"a":[1,2]}""")]
    [InlineData("""{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/a","value":5}]""", """{"a":5}""")]
    [InlineData("""{"a":1}""", """[{"op":"move","from":"/a","path":"/b"}]""", """{"b":1}""")]
    [InlineData("""{"a":{"x":1}}""", """[{"op":"copy","from":"/a","path":"/b"}]""", """{"a":{"x":1},"b":{"x":1}}""")]
    [InlineData("""{"a/b":1}""", """[{"op":"replace","path":"/a~1b","value":2}]""", """{"a/b":2}""")]
    public void Json_patch_follows_rfc_6902(string target, string patch, string expected)
    {
        var (result, error) = JsonPatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch));
        Assert.Null(error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), result?.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"remove","path":"/missing"}]""", "does not exist")]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""", "test of \"/a\" failed")]
    [InlineData("""[{"op":"jump","path":"/a"}]""", "unknown op")]
    [InlineData("""{"op":"add"}""", "must be an array")]
    public void Json_patch_errors_name_the_operation(string patch, string expected)
    {
        var (_, error) = JsonPatch.Apply(JsonNode.Parse("""{"a":1}"""), JsonNode.Parse(patch));
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("a: 1", """{"a":1}""")]
    [InlineData("a: -1.5", """{"a":-1.5}""")]
    [InlineData("a: .5", """{"a":0.5}""")]
    [InlineData("a: 1e3", """{"a":1e3}""")]
    [InlineData("a: true", """{"a":true}""")]
    [InlineData("a: yes", """{"a":"yes"}""")]
    [InlineData("a: on", """{"a":"on"}""")]
    [InlineData("a: ~", """{"a":null}""")]
    [InlineData("a:", """{"a":null}""")]
    [InlineData("a: '1'", """{"a":"1"}""")]
    [InlineData("a: !!str 1", """{"a":"1"}""")]
    [InlineData("a: 0x1F", """{"a":31}""")]
    [InlineData("a: 2026-01-01", """{"a":"2026-01-01"}""")]
    [InlineData("a: [1, two]", """{"a":[1,"two"]}""")]
    [InlineData("a: &x {b: 1}\nc: *x", """{"a":{"b":1},"c":{"b":1}}""")]
    [InlineData("a: |\n  line1\n  line2\n", """{"a":"line1\nline2\n"}""")]
    public void Yaml_scalars_resolve_by_the_yaml_1_2_core_schema(string yaml, string json)
    {
        var doc = Assert.Single(YamlDocuments.Parse(yaml));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), doc), doc?.ToJsonString());
    }

    [Fact]
    public void Yaml_round_trips_through_json_keeping_strings_strings()
    {
        var original = JsonNode.Parse("""{"a":"1","b":"yes","c":"true","d":"","e":"x: y","f":"multi\nline\n","g":[],"h":{},"i":1.5,"j":null,"k":"~"}""");
        var back = Assert.Single(YamlDocuments.Parse(YamlDocuments.Write(original)));
        Assert.True(JsonNode.DeepEquals(original, back), back?.ToJsonString());
    }

    [Fact]
    public void Multi_document_yaml_skips_empty_documents()
    {
        var docs = YamlDocuments.Parse("---\na: 1\n---\n---\nb: 2\n");
        Assert.Equal(2, docs.Count);
    }

    [Theory]
    [InlineData("""{"spec":{"a":1}}""", """{"spec":{"a":1},"metadata":{"labels":{"x":"y"}},"status":{"s":1}}""", false)]
    [InlineData("""{"spec":{"a":1}}""", """{"spec":{"a":2}}""", true)]
    [InlineData("""{"spec":{"a":1}}""", """{}""", true)]
    [InlineData("""{}""", """{"data":"x"}""", true)]
    public void Generation_moves_only_when_something_outside_metadata_and_status_changes(string old, string updated, bool changed) =>
        Assert.Equal(changed, ObjectRules.SpecChanged(JsonNode.Parse(old)!.AsObject(), JsonNode.Parse(updated)!.AsObject()));

    [Theory]
    [InlineData("", RouteShape.Groups)]
    [InlineData("serving.knative.dev/v1", RouteShape.GroupVersion)]
    [InlineData("platform.dev/v1/apply", RouteShape.Apply)]
    [InlineData("serving.knative.dev/v1/services", RouteShape.AllNamespaces)]
    [InlineData("serving.knative.dev/v1/namespaces/default/services", RouteShape.Collection)]
    [InlineData("serving.knative.dev/v1/namespaces/default/services/hello", RouteShape.Object)]
    [InlineData("serving.knative.dev/v1/namespaces/default/services/hello/status", RouteShape.Status)]
    [InlineData("serving.knative.dev/v1/namespaces/default/services/hello/scale", RouteShape.Unknown)]
    [InlineData("serving.knative.dev//services", RouteShape.Unknown)]
    public void Api_paths_parse_to_their_shape(string rest, RouteShape shape) =>
        Assert.Equal(shape, ApiPath.Parse(rest).Shape);

    [Fact]
    public void Basic_admission_reports_every_error_at_once()
    {
        var kind = ResourceKinds.Knative.FindByName("ksvc")!;
        var obj = JsonNode.Parse("""{"apiVersion":"serving.knative.dev/v2","kind":"Service","metadata":{"name":"x_y","annotations":{"ok":1},"ownerReferences":[{"kind":"Service"}]}}""")!.AsObject();
        var errors = BasicAdmission.Check(kind, obj).Select(e => e.Path).ToList();
        Assert.Equal(new[] { "apiVersion", "metadata.name", "metadata.annotations[ok]", "metadata.ownerReferences[0].apiVersion", "metadata.ownerReferences[0].name", "metadata.ownerReferences[0].uid" }, errors);
    }

    [Fact]
    public void Kinds_are_found_by_path_document_and_word()
    {
        var kinds = ResourceKinds.Knative;
        Assert.Equal("Service", kinds.FindByPath("serving.knative.dev", "v1", "services")!.Kind);
        Assert.Equal("domainmappings", kinds.FindByKind("serving.knative.dev/v1beta1", "DomainMapping")!.Plural);
        Assert.Equal("InMemoryChannel", kinds.FindByName("imc")!.Kind);
        Assert.Equal("Trigger", kinds.FindByName("triggers")!.Kind);
        Assert.Null(kinds.FindByName("pods"));
    }
}
