using System.Net;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;

namespace Platform.ServingController.Tests.Api;

public sealed class ApplyTests : IAsyncLifetime
{
    private readonly ApiHost _host = new();
    private const string Apply = "/apis/platform.dev/v1/apply";
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private const string Manifest = """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
        spec:
          template:
            spec:
              containers:
                - image: ghcr.io/knative/helloworld-go
        ---
        apiVersion: eventing.knative.dev/v1
        kind: Broker
        metadata:
          name: default
          namespace: events
        ---
        apiVersion: eventing.knative.dev/v1
        kind: Trigger
        metadata:
          name: t1
          namespace: events
        spec:
          broker: default
          filter:
            attributes:
              type: dev.knative.sources.ping
        """;

    [Fact]
    public async Task Apply_creates_then_reports_unchanged_then_configured()
    {
        var first = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Post, Apply, Manifest, "application/yaml"));
        Assert.Equal("ApplyResult", first.Str("kind"));
        Assert.Equal(new[] { "created", "created", "created" }, first["items"]!.AsArray().Select(i => i!.AsObject().Str("action")));
        Assert.NotNull(await _host.Store.GetAsync(ApiHost.Service, "default", "hello"));
        var broker = first["items"]![1]!["object"]!.AsObject();
        Assert.Equal("events", broker.Namespace());

        var second = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Post, Apply, Manifest, "application/yaml"));
        Assert.Equal(new[] { "unchanged", "unchanged", "unchanged" }, second["items"]!.AsArray().Select(i => i!.AsObject().Str("action")));

        var changed = Manifest.Replace("helloworld-go", "helloworld-go:v2");
        var third = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Post, Apply, changed, "application/yaml"));
        Assert.Equal(new[] { "configured", "unchanged", "unchanged" }, third["items"]!.AsArray().Select(i => i!.AsObject().Str("action")));
        Assert.Equal(2, third["items"]![0]!["object"]!.AsObject().Generation());
    }

    [Fact]
    public async Task Apply_with_one_bad_document_writes_nothing_and_names_each_problem()
    {
        var bad = Manifest + """

            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: Not_Valid
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w
            """;
        var response = await _host.SendAsync(HttpMethod.Post, Apply, bad, "application/yaml");
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var status = await ApiHost.ReadAsync(response);
        Assert.Equal("Invalid", status.Str("reason"));
        var causes = status["details"]!["causes"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal(2, causes.Count);
        Assert.Equal("[3].metadata.name", causes[0].Str("field"));
        Assert.StartsWith("[3] Service default/Not_Valid: metadata.name:", causes[0].Str("message"));
        Assert.StartsWith("[4] Widget default/w: no kind \"Widget\"", causes[1].Str("message"));
        Assert.Contains("nothing was written", status.Str("message"));

        Assert.Null(await _host.Store.GetAsync(ApiHost.Service, "default", "hello"));
        Assert.Empty((await _host.Store.ListAsync(ApiHost.Service, null)).Items);
    }

    [Theory]
    [InlineData("serving.knative.dev/v2", "Service", "[1].apiVersion", "use serving.knative.dev/v1")]
    [InlineData("eventing.knative.dev/v1", "Gadget", "[1].kind", "no kind \"Gadget\"")]
    public async Task An_unknown_kind_or_version_is_reported_at_the_field_that_is_wrong_and_nothing_is_applied(string apiVersion, string kind, string field, string message)
    {
        var manifest = Manifest.Split("---")[0] + $"---\napiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: x\n";
        var response = await _host.SendAsync(HttpMethod.Post, Apply, manifest, "application/yaml");
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var cause = (await ApiHost.ReadAsync(response))["details"]!["causes"]![0]!.AsObject();
        Assert.Equal(field, cause.Str("field"));
        Assert.Contains(message, cause.Str("message"));
        Assert.Empty((await _host.Store.ListAsync(ApiHost.Service, null)).Items);
    }

    [Fact]
    public async Task Apply_with_a_stale_resourceVersion_is_refused_whole()
    {
        await _host.SendAsync(HttpMethod.Post, Apply, Manifest, "application/yaml");
        var stale = Manifest.Replace("  name: t1", "  name: t1\n  resourceVersion: \"1\"").Replace("helloworld-go", "helloworld-go:v3");
        var response = await _host.SendAsync(HttpMethod.Post, Apply, stale, "application/yaml");
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var cause = (await ApiHost.ReadAsync(response))["details"]!["causes"]![0]!.AsObject();
        Assert.Equal("Conflict", cause.Str("reason"));
        Assert.StartsWith("[2] Trigger events/t1:", cause.Str("message"));
        var svc = await _host.Store.GetAsync(ApiHost.Service, "default", "hello");
        Assert.Equal(1, svc!.Generation());
    }

    [Fact]
    public async Task Apply_accepts_a_json_list_and_a_namespace_parameter()
    {
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray(ApiHost.ServiceObject("l1"), ApiHost.ServiceObject("l2")),
        };
        foreach (var item in list["items"]!.AsArray()) item!.AsObject().Metadata()!.Remove("namespace");
        var response = await _host.SendAsync(HttpMethod.Post, Apply + "?namespace=team", list.ToJsonString(), "application/json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await _host.Store.ListAsync(ApiHost.Service, "team")).Items.Count);
    }

    [Fact]
    public async Task Apply_of_malformed_yaml_is_400()
    {
        var response = await _host.SendAsync(HttpMethod.Post, Apply, "kind: Service\n  bad: [", "application/yaml");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _host.Client.GetAsync(Apply)).StatusCode);
    }
}

public sealed class KnativeAdmissionTests
{
    [Fact]
    public async Task With_the_typed_model_defaults_are_filled_and_field_errors_named()
    {
        await using var host = new ApiHost(settings: new Dictionary<string, string?> { ["ControlPlane:Admission"] = "knative" });
        var created = await host.SendAsync(HttpMethod.Post, ApiHost.Services_, ApiHost.ServiceObject("typed").ToJsonString());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var obj = await ApiHost.ReadAsync(created);
        var traffic = obj["spec"]!["traffic"]!.AsArray();
        Assert.True((bool)traffic[0]!["latestRevision"]!);
        Assert.Equal(100, (int)traffic[0]!["percent"]!);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", obj.Metadata().Str("creationTimestamp"));

        var bad = ApiHost.ServiceObject("typed-bad");
        bad["spec"]!["traffic"] = JsonNode.Parse("""[{"latestRevision":true,"percent":150}]""");
        var refused = await host.SendAsync(HttpMethod.Post, ApiHost.Services_, bad.ToJsonString());
        Assert.Equal((HttpStatusCode)422, refused.StatusCode);
        var fields = (await ApiHost.ReadAsync(refused))["details"]!["causes"]!.AsArray().Select(c => c!.AsObject().Str("field")).ToList();
        Assert.Contains("spec.traffic[0].percent", fields);
    }
}
