using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Sources.Tests.Infrastructure;
using Platform.Testing.Eventing;
using Platform.Testing.Kubernetes;

namespace Platform.Sources.Tests.EndToEnd;

/// <summary>
/// ApiServerSources end to end: locally against the real control plane; in Kubernetes mode against our side of the
/// Kubernetes API's contract (tests/Platform.Testing/Kubernetes, with SubjectAccessReview).
/// </summary>
[Collection(SourcesCollection.Name)]
public sealed class ApiServerSourceTests(SourcesStack stack)
{
    [SkippableFact]
    public async Task Locally_a_created_updated_and_deleted_service_reaches_the_sink_as_knatives_ref_events()
    {
        stack.SkipIfUnavailable();
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string> { ["Sources__Ping__Claims"] = "InProcess" }, sidecar: false);
        await using var sink = await RecordingSink.StartAsync();
        await stack.CreateAsync("api-local", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: before}\nspec: {template: {spec: {containers: [{image: x}]}}}");
        await stack.CreateAsync("api-local", $$$$"""
            apiVersion: sources.knative.dev/v1
            kind: ApiServerSource
            metadata: {name: services}
            spec:
              mode: Reference
              resources:
                - {apiVersion: serving.knative.dev/v1, kind: Service, selector: {matchLabels: {watched: "yes"}}}
              ceOverrides: {extensions: {team: blue}}
              sink: {uri: "{{{{sink.Url}}}}"}
            """);
        var ready = await stack.WaitConditionAsync(ResourceKinds.ApiServerSource, "api-local", "services", "Ready", "True");
        Assert.Equal(["api-local"], ready["status"]!["namespaces"]!.AsArray().Select(n => n!.GetValue<string>()));

        var svc = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello, labels: {watched: \"yes\"}}\nspec: {template: {spec: {containers: [{image: x}]}}}";
        await stack.CreateAsync("api-local", svc);
        await stack.CreateAsync("api-local", svc.Replace("name: hello, labels: {watched: \"yes\"}", "name: ignored"));
        var added = (await sink.WaitForAsync(1, TimeSpan.FromSeconds(10)))[0].Event;
        Assert.Equal("dev.knative.apiserver.ref.add", added.Type);
        Assert.Equal(stack.ControlPlaneUrl.TrimEnd('/'), added.SpecVersion.SourceAttribute.Format(added.Source!));
        Assert.Equal("/apis/serving.knative.dev/v1/namespaces/api-local/services/hello", added.Subject);
        Assert.Equal(("Service", "serving.knative.dev/v1", "hello", "api-local", "blue"),
            ((string?)added["kind"], (string?)added["apiversion"], (string?)added["name"], (string?)added["namespace"], (string?)added["team"]));
        Assert.Equal("""{"kind":"Service","namespace":"api-local","name":"hello","apiVersion":"serving.knative.dev/v1"}""",
            ((System.Text.Json.JsonElement)added.Data!).GetRawText());

        await stack.Store.PatchAsync(ResourceKinds.Service, "api-local", "hello", new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["touched"] = "1" } } });
        await sink.WaitForAsync(1, TimeSpan.FromSeconds(10), d => d.Event.Type == "dev.knative.apiserver.ref.update");
        await stack.Store.DeleteAsync(ResourceKinds.Service, "api-local", "hello");
        await sink.WaitForAsync(1, TimeSpan.FromSeconds(10), d => d.Event.Type == "dev.knative.apiserver.ref.delete");
        // Neither what existed before the source ("before") nor what its selector leaves out ("ignored") was sent.
        Assert.All(sink.Received, d => Assert.Equal("hello", (string?)d.Event["name"]));
    }

    [SkippableFact]
    public async Task Locally_a_kind_that_does_not_exist_makes_the_source_not_ready_naming_it()
    {
        stack.SkipIfUnavailable();
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string> { ["Sources__Ping__Claims"] = "InProcess" }, sidecar: false);
        await stack.CreateAsync("api-missing", """
            apiVersion: sources.knative.dev/v1
            kind: ApiServerSource
            metadata: {name: pods}
            spec:
              resources: [{apiVersion: v1, kind: Pod}]
              sink: {uri: "http://example.com/"}
            """);
        var notReady = await stack.WaitConditionAsync(ResourceKinds.ApiServerSource, "api-missing", "pods", "Ready", "False");
        var deployed = SourcesStack.ConditionOf(notReady, "Deployed")!;
        Assert.Equal("ResourceNotFound", deployed.Str("reason"));
        Assert.Equal("spec.resources[0]: kind Pod of v1 is not served by the control plane (see `platform get --help` for the kinds it serves)", deployed.Str("message"));
    }

    [SkippableFact]
    public async Task Kubernetes_mode_against_our_fake_api_reports_missing_rbac_then_delivers_once_allowed()
    {
        stack.SkipIfUnavailable();
        await using var api = await FakeKubernetesApi.StartAsync();
        var folder = Directory.CreateTempSubdirectory("sources-k8s-").FullName;
        var kubeconfig = api.WriteKubeconfig(folder);
        var allowed = false;
        api.Authorize = review => Volatile.Read(ref allowed) || review.User != "system:serviceaccount:ops:watcher";
        await using var sink = await RecordingSink.StartAsync();
        api.Seed("sources.knative.dev/v1/apiserversources", JsonNode.Parse($$$$"""
            {"apiVersion":"sources.knative.dev/v1","kind":"ApiServerSource","metadata":{"name":"deployments","namespace":"ops"},
             "spec":{"mode":"Resource","serviceAccountName":"watcher","resources":[{"apiVersion":"apps/v1","kind":"Deployment"}],
                     "sink":{"uri":"{{{{sink.Url}}}}"}}}
            """)!.AsObject());
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string>
        {
            ["ResourceStore__Mode"] = "Kubernetes",
            ["ResourceStore__Kubeconfig"] = kubeconfig,
            ["Sources__Ping__Claims"] = "InProcess",
            ["Sources__AccessCheckInterval"] = "00:00:01",
        }, sidecar: false);

        JsonObject? Condition(string type) => SourcesStack.ConditionOf(api.Stored("sources.knative.dev/v1/apiserversources", "ops", "deployments"), type);
        await Platform.Testing.Condition.UntilAsync(() => Condition("SufficientPermissions")?.Str("status") == "False", TimeSpan.FromSeconds(20),
            "SufficientPermissions=False\n" + replica.App.Tail());
        Assert.Equal("User system:serviceaccount:ops:watcher cannot get, list, watch resource \"deployments\" in API group \"apps\" in Namespace \"ops\"",
            Condition("SufficientPermissions")!.Str("message"));
        Assert.Equal("False", Condition("Ready")!.Str("status"));
        Assert.Contains(api.AccessReviews, r => r is { Verb: "watch", Group: "apps", Resource: "deployments", Namespace: "ops" });

        // RBAC granted: the next access check (every second here, Sources:AccessCheckInterval) sees it.
        Volatile.Write(ref allowed, true);
        await Platform.Testing.Condition.UntilAsync(() => Condition("Ready")?.Str("status") == "True", TimeSpan.FromSeconds(20), "Ready=True\n" + replica.App.Tail());
        api.Seed("apps/v1/deployments", JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ops"},"spec":{"replicas":1}}""")!.AsObject());
        var added = (await sink.WaitForAsync(1, TimeSpan.FromSeconds(10)))[0].Event;
        Assert.Equal("dev.knative.apiserver.resource.add", added.Type);
        Assert.Equal(api.Url.TrimEnd('/'), added.SpecVersion.SourceAttribute.Format(added.Source!));
        Assert.Equal("/apis/apps/v1/namespaces/ops/deployments/web", added.Subject);
        Assert.Equal("web", ((System.Text.Json.JsonElement)added.Data!).GetProperty("metadata").GetProperty("name").GetString());
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }
}
