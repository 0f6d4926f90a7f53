using System.Net;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Server.Catalog;
using Platform.ControlPlane.Store;

namespace Platform.ServingController.Tests.Api;

public sealed class ResourceApiTests : IAsyncLifetime
{
    private readonly ApiHost _host = new();
    private const string Services = ApiHost.Services_;

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonObject> CreateAsync(string name, string image = "hello")
    {
        var response = await _host.SendAsync(HttpMethod.Post, Services, ApiHost.ServiceObject(name, image).ToJsonString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ApiHost.ReadAsync(response);
    }

    [Fact]
    public async Task Create_sets_server_metadata_and_get_returns_it()
    {
        var created = await CreateAsync("hello");
        var metadata = created.Metadata()!;
        Assert.Equal("hello", metadata.Str("name"));
        Assert.Equal("default", metadata.Str("namespace"));
        Assert.True(Guid.TryParse(metadata.Str("uid"), out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", metadata.Str("creationTimestamp"));
        Assert.Equal(1, created.Generation());
        Assert.True(long.Parse(created.ResourceVersion()!) > 0);

        var got = await ApiHost.ReadAsync(await _host.Client.GetAsync($"{Services}/hello"));
        Assert.True(JsonNode.DeepEquals(created, got));
    }

    [Fact]
    public async Task Create_twice_is_409_already_exists()
    {
        await CreateAsync("twice");
        var response = await _host.SendAsync(HttpMethod.Post, Services, ApiHost.ServiceObject("twice").ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var status = await ApiHost.ReadAsync(response);
        Assert.Equal("Status", status.Str("kind"));
        Assert.Equal("Failure", status.Str("status"));
        Assert.Equal("AlreadyExists", status.Str("reason"));
        Assert.Equal(409, (int)status["code"]!);
        Assert.Equal("twice", status["details"]!.AsObject().Str("name"));
    }

    [Fact]
    public async Task ResourceVersions_increase_globally_across_kinds()
    {
        var a = await CreateAsync("a");
        var route = new JsonObject { ["apiVersion"] = "serving.knative.dev/v1", ["kind"] = "Route", ["metadata"] = new JsonObject { ["name"] = "r" } };
        var r = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Post, "/apis/serving.knative.dev/v1/namespaces/default/routes", route.ToJsonString()));
        var b = await CreateAsync("b");
        Assert.True(long.Parse(a.ResourceVersion()!) < long.Parse(r.ResourceVersion()!));
        Assert.True(long.Parse(r.ResourceVersion()!) < long.Parse(b.ResourceVersion()!));
    }

    [Fact]
    public async Task GenerateName_makes_a_unique_name()
    {
        var body = ApiHost.ServiceObject("x");
        body.Metadata()!.Remove("name");
        body.Metadata()!["generateName"] = "gen-";
        var first = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Post, Services, body.ToJsonString()));
        var second = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Post, Services, body.ToJsonString()));
        Assert.Matches("^gen-[a-z0-9]{5}$", first.Name());
        Assert.NotEqual(first.Name(), second.Name());
    }

    [Fact]
    public async Task List_per_namespace_and_all_namespaces_with_label_selector()
    {
        foreach (var (ns, name, app) in new[] { ("default", "one", "web"), ("default", "two", "api"), ("other", "three", "web") })
        {
            var body = ApiHost.ServiceObject(name, ns: ns);
            body.Metadata()!["labels"] = new JsonObject { ["app"] = app };
            Assert.Equal(HttpStatusCode.Created, (await _host.SendAsync(HttpMethod.Post, $"/apis/serving.knative.dev/v1/namespaces/{ns}/services", body.ToJsonString())).StatusCode);
        }
        var list = await ApiHost.ReadAsync(await _host.Client.GetAsync(Services));
        Assert.Equal("ServiceList", list.Str("kind"));
        Assert.Equal(new[] { "one", "two" }, list["items"]!.AsArray().Select(i => i!.AsObject().Name()));
        Assert.Equal(_host.Services.GetService(typeof(ResourceCatalog)) is ResourceCatalog c ? c.Version.ToString() : null, list.ResourceVersion());

        var all = await ApiHost.ReadAsync(await _host.Client.GetAsync("/apis/serving.knative.dev/v1/services"));
        Assert.Equal(3, all["items"]!.AsArray().Count);

        var web = await _host.Store.ListAsync(ApiHost.Service, null, "app=web");
        Assert.Equal(new[] { "one", "three" }, web.Items.Select(i => i.Name()).Order());
        var notWeb = await _host.Store.ListAsync(ApiHost.Service, "default", "app!=web");
        Assert.Equal(new[] { "two" }, notWeb.Items.Select(i => i.Name()));

        var bad = await _host.Client.GetAsync(Services + "?labelSelector=" + Uri.EscapeDataString("a in b"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/apis/serving.knative.dev/v1/namespaces/Not_Valid/services")]
    [InlineData("GET", "/apis/serving.knative.dev/v1/namespaces/-x/services/hello")]
    [InlineData("DELETE", "/apis/serving.knative.dev/v1/namespaces/UPPER/services/hello")]
    public async Task A_namespace_that_no_object_can_have_is_400_naming_it(string method, string path)
    {
        using var response = await _host.SendAsync(new HttpMethod(method), path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await ApiHost.ReadAsync(response);
        Assert.Equal("BadRequest", status.Str("reason"));
        Assert.Contains("namespace \"", status.Str("message"));
        Assert.Equal("metadata.namespace", status["details"]!["causes"]![0]!.AsObject().Str("field"));
    }

    [Fact]
    public async Task Replace_with_stale_resourceVersion_is_409_conflict_and_with_current_succeeds()
    {
        var created = await CreateAsync("conflict");
        var first = ApiHost.ServiceObject("conflict", "v2");
        first.Metadata()!["resourceVersion"] = created.ResourceVersion();
        var ok = await _host.SendAsync(HttpMethod.Put, $"{Services}/conflict", first.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var stale = ApiHost.ServiceObject("conflict", "v3");
        stale.Metadata()!["resourceVersion"] = created.ResourceVersion();
        var conflict = await _host.SendAsync(HttpMethod.Put, $"{Services}/conflict", stale.ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var status = await ApiHost.ReadAsync(conflict);
        Assert.Equal("Conflict", status.Str("reason"));
        Assert.Contains("the object has been modified", status.Str("message"));

        var current = await _host.Store.GetAsync(ApiHost.Service, "default", "conflict");
        Assert.Equal("v2", (string)current!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!);
    }

    [Fact]
    public async Task Replace_of_missing_object_is_404_and_name_mismatch_is_400()
    {
        var missing = await _host.SendAsync(HttpMethod.Put, $"{Services}/nope", ApiHost.ServiceObject("nope").ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NotFound", (await ApiHost.ReadAsync(missing)).Str("reason"));

        await CreateAsync("named");
        var mismatch = await _host.SendAsync(HttpMethod.Put, $"{Services}/named", ApiHost.ServiceObject("other").ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("does not match the name on the URL", (await ApiHost.ReadAsync(mismatch)).Str("message"));
    }

    [Fact]
    public async Task Generation_bumps_only_when_spec_changes()
    {
        var created = await CreateAsync("gen");
        // Labels only: new resourceVersion, same generation.
        var labelled = (JsonObject)created.DeepClone();
        labelled.Metadata()!["labels"] = new JsonObject { ["team"] = "a" };
        var afterLabels = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Put, $"{Services}/gen", labelled.ToJsonString()));
        Assert.Equal(1, afterLabels.Generation());
        Assert.NotEqual(created.ResourceVersion(), afterLabels.ResourceVersion());

        // Spec: generation 2.
        var changed = (JsonObject)afterLabels.DeepClone();
        changed["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";
        var afterSpec = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Put, $"{Services}/gen", changed.ToJsonString()));
        Assert.Equal(2, afterSpec.Generation());

        // Identical replace: nothing written, same resourceVersion.
        var same = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Put, $"{Services}/gen", afterSpec.ToJsonString()));
        Assert.Equal(afterSpec.ResourceVersion(), same.ResourceVersion());
        Assert.Equal(2, same.Generation());
    }

    [Fact]
    public async Task Status_subresource_changes_only_status_and_main_endpoint_ignores_status()
    {
        var created = await CreateAsync("st");
        var withStatus = (JsonObject)created.DeepClone();
        withStatus["status"] = new JsonObject { ["observedGeneration"] = 1, ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }) };
        withStatus["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "ignored";
        var afterStatus = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Put, $"{Services}/st/status", withStatus.ToJsonString()));
        Assert.Equal("True", (string)afterStatus["status"]!["conditions"]![0]!["status"]!);
        Assert.Equal("hello", (string)afterStatus["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!);
        Assert.Equal(1, afterStatus.Generation());

        // The main endpoint keeps the stored status whatever the body says.
        var replace = (JsonObject)afterStatus.DeepClone();
        replace["status"] = new JsonObject { ["observedGeneration"] = 99 };
        replace["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";
        var afterReplace = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Put, $"{Services}/st", replace.ToJsonString()));
        Assert.Equal(1, (int)afterReplace["status"]!["observedGeneration"]!);
        Assert.Equal(2, afterReplace.Generation());

        // Status in a create is dropped.
        var body = ApiHost.ServiceObject("st2");
        body["status"] = new JsonObject { ["x"] = 1 };
        var created2 = await ApiHost.ReadAsync(await _host.SendAsync(HttpMethod.Post, Services, body.ToJsonString()));
        Assert.Null(created2["status"]);

        // Merge patch of status, and GET of /status.
        var patched = await _host.SendAsync(HttpMethod.Patch, $"{Services}/st/status", """{"status":{"observedGeneration":2}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var got = await ApiHost.ReadAsync(await _host.Client.GetAsync($"{Services}/st/status"));
        Assert.Equal(2, (int)got["status"]!["observedGeneration"]!);
        Assert.Equal("Ready", (string)got["status"]!["conditions"]![0]!["type"]!);
    }

    [Fact]
    public async Task Merge_patch_and_json_patch_update_the_object()
    {
        await CreateAsync("patch");
        var merge = await _host.SendAsync(HttpMethod.Patch, $"{Services}/patch",
            """{"metadata":{"labels":{"a":"b"}},"spec":{"template":{"metadata":{"annotations":{"autoscaling.knative.dev/min-scale":"1"}}}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        var merged = await ApiHost.ReadAsync(merge);
        Assert.Equal("b", merged.Labels()["a"]);
        Assert.Equal("hello", (string)merged["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!);
        Assert.Equal(2, merged.Generation());

        var json = await _host.SendAsync(HttpMethod.Patch, $"{Services}/patch",
            """[{"op":"test","path":"/metadata/labels/a","value":"b"},{"op":"remove","path":"/metadata/labels/a"}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.False((await ApiHost.ReadAsync(json)).Labels().ContainsKey("a"));

        var failedTest = await _host.SendAsync(HttpMethod.Patch, $"{Services}/patch", """[{"op":"test","path":"/metadata/name","value":"x"}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.BadRequest, failedTest.StatusCode);

        var stale = await _host.SendAsync(HttpMethod.Patch, $"{Services}/patch", """{"metadata":{"resourceVersion":"1"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var strategic = await _host.SendAsync(HttpMethod.Patch, $"{Services}/patch", "{}", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, strategic.StatusCode);
        Assert.Equal("UnsupportedMediaType", (await ApiHost.ReadAsync(strategic)).Str("reason"));

        var missing = await _host.SendAsync(HttpMethod.Patch, $"{Services}/absent", "{}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Delete_removes_and_then_404()
    {
        await CreateAsync("del");
        var deleted = await _host.Client.DeleteAsync($"{Services}/del");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("del", (await ApiHost.ReadAsync(deleted)).Name());
        var get = await _host.Client.GetAsync($"{Services}/del");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        var status = await ApiHost.ReadAsync(get);
        Assert.Equal("NotFound", status.Str("reason"));
        Assert.Equal("services.serving.knative.dev \"del\" not found", status.Str("message"));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.DeleteAsync($"{Services}/del")).StatusCode);
    }

    [Theory]
    [InlineData("/apis/serving.knative.dev/v1/namespaces/default/widgets")]
    [InlineData("/apis/serving.knative.dev/v2/namespaces/default/services")]
    [InlineData("/apis/nope.dev/v1/services")]
    [InlineData("/apis/serving.knative.dev/v1/namespaces/default/services/a/b/c")]
    public async Task Unknown_kind_or_path_is_404_status(string path)
    {
        var response = await _host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var status = await ApiHost.ReadAsync(response);
        Assert.Equal("Status", status.Str("kind"));
        Assert.Equal("NotFound", status.Str("reason"));
    }

    [Fact]
    public async Task Invalid_object_is_422_with_one_cause_per_field()
    {
        var body = """{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"Bad_Name","labels":{"ok":"fine","bad":"-x-"}},"spec":[]}""";
        var response = await _host.SendAsync(HttpMethod.Post, Services, body);
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var status = await ApiHost.ReadAsync(response);
        Assert.Equal("Invalid", status.Str("reason"));
        Assert.Equal(422, (int)status["code"]!);
        var details = status["details"]!.AsObject();
        Assert.Equal("Service", details.Str("kind"));
        Assert.Equal("serving.knative.dev", details.Str("group"));
        var fields = details["causes"]!.AsArray().Select(c => c!.AsObject().Str("field")).ToList();
        Assert.Equal(new[] { "metadata.name", "metadata.labels[bad]", "spec" }, fields);
        Assert.All(details["causes"]!.AsArray(), c => Assert.False(string.IsNullOrEmpty(c!.AsObject().Str("message"))));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"{Services}/Bad_Name")).StatusCode);
    }

    [Fact]
    public async Task Body_of_another_kind_than_the_path_is_400()
    {
        var response = await _host.SendAsync(HttpMethod.Post, Services, """{"apiVersion":"serving.knative.dev/v1","kind":"Route","metadata":{"name":"r"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not match the path", (await ApiHost.ReadAsync(response)).Str("message"));
    }

    [Fact]
    public async Task Missing_name_is_422_metadata_name_required()
    {
        var response = await _host.SendAsync(HttpMethod.Post, Services, """{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{}}""");
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var cause = (await ApiHost.ReadAsync(response))["details"]!["causes"]![0]!.AsObject();
        Assert.Equal("metadata.name", cause.Str("field"));
        Assert.Equal("FieldValueRequired", cause.Str("reason"));
    }

    [Fact]
    public async Task Body_over_one_MiB_is_413()
    {
        var big = ApiHost.ServiceObject("big");
        big.Metadata()!["annotations"] = new JsonObject { ["x"] = new string('a', 1024 * 1024 + 10) };
        var response = await _host.SendAsync(HttpMethod.Post, Services, big.ToJsonString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var status = await ApiHost.ReadAsync(response);
        Assert.Equal("RequestEntityTooLarge", status.Str("reason"));
        Assert.Contains("1048576", status.Str("message"));
    }

    [Theory]
    [InlineData("application/yaml", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: [unclosed\n", "not valid YAML")]
    [InlineData("application/yaml", "a: 1\na: 2\n", "duplicate key")]
    [InlineData("application/json", "{\"apiVersion\": ", "not valid JSON")]
    [InlineData("application/json", "[1,2]", "must be an object")]
    [InlineData("application/yaml", "- a\n- b\n", "must be an object")]
    [InlineData("application/yaml", "a: 1\n---\nb: 2\n", "expected one object")]
    [InlineData("application/json", "", "empty")]
    public async Task Malformed_body_is_400_with_a_message(string contentType, string body, string expected)
    {
        var response = await _host.SendAsync(HttpMethod.Post, Services, body, contentType);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await ApiHost.ReadAsync(response);
        Assert.Equal("BadRequest", status.Str("reason"));
        Assert.Contains(expected, status.Str("message"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Yaml_body_is_accepted_and_yaml_answered_when_asked()
    {
        var yaml = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: yaml-svc
            spec:
              template:
                spec:
                  containers:
                    - image: ghcr.io/knative/helloworld-go:latest
                      env:
                        - name: TARGET
                          value: "42"
                        - name: ENABLED
                          value: yes
            """;
        var created = await _host.SendAsync(HttpMethod.Post, Services, yaml, "application/yaml");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var obj = await ApiHost.ReadAsync(created);
        var env = obj["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Equal("42", (string)env[0]!["value"]!);
        Assert.Equal("yes", (string)env[1]!["value"]!);

        var request = new HttpRequestMessage(HttpMethod.Get, $"{Services}/yaml-svc");
        request.Headers.Accept.ParseAdd("application/yaml");
        var response = await _host.Client.SendAsync(request);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("name: yaml-svc", text);
        Assert.Contains("value: \"42\"", text);
        Assert.Contains("value: \"yes\"", text);
    }

    [Fact]
    public async Task Unsupported_content_type_is_415_and_wrong_method_405()
    {
        var form = await _host.SendAsync(HttpMethod.Post, Services, "a=b", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        var method = await _host.SendAsync(HttpMethod.Post, $"{Services}/x", "{}");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.Equal("MethodNotAllowed", (await ApiHost.ReadAsync(method)).Str("reason"));
    }

    [Fact]
    public async Task Discovery_lists_groups_and_resources()
    {
        var groups = await ApiHost.ReadAsync(await _host.Client.GetAsync("/apis"));
        Assert.Contains(groups["groups"]!.AsArray(), g => g!.AsObject().Str("name") == "eventing.knative.dev");
        var resources = await ApiHost.ReadAsync(await _host.Client.GetAsync("/apis/serving.knative.dev/v1"));
        Assert.Contains(resources["resources"]!.AsArray(), r => r!.AsObject().Str("name") == "services");
        Assert.Contains(resources["resources"]!.AsArray(), r => r!.AsObject().Str("name") == "revisions/status");
    }

    [Fact]
    public async Task Every_kind_of_issue_3_is_served()
    {
        foreach (var kind in Platform.ControlPlane.Kinds.ResourceKinds.Knative.All)
        {
            var body = new JsonObject { ["apiVersion"] = kind.ApiVersion, ["kind"] = kind.Kind, ["metadata"] = new JsonObject { ["name"] = "k-" + kind.Singular } };
            var response = await _host.SendAsync(HttpMethod.Post, $"/apis/{kind.Group}/{kind.Version}/namespaces/ns1/{kind.Plural}", body.ToJsonString());
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(17, Platform.ControlPlane.Kinds.ResourceKinds.Knative.All.Count);
    }
}
