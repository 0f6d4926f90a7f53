using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Resources.Crds;
using Platform.Testing;
using Platform.Testing.Kubernetes;
using Platform.Testing.Schemas;

namespace Platform.ServingController.Tests.Kubernetes;

/// <summary>
/// serving-controller in Kubernetes mode with the Kubernetes workload backend (<c>Workloads__Backend=Kubernetes</c>),
/// against the fake Kubernetes API (our side of its contract: no kube-apiserver, deployment controller or KEDA runs
/// here, so the test plays the deployment controller by writing the Deployment's status). A Knative Service becomes
/// a Deployment, a Service and a KEDA ScaledObject owned by its revision, and the revision, the configuration and
/// the Service report Ready from the Deployment's status.
/// </summary>
public sealed class KubernetesWorkloadTests : IAsyncLifetime
{
    private const string Deployments = "apps/v1/deployments";
    private const string Services = "v1/services";
    private const string ScaledObjects = "keda.sh/v1alpha1/scaledobjects";
    private const string Revisions = "serving.knative.dev/v1/revisions";
    private const string Crds = "apiextensions.k8s.io/v1/customresourcedefinitions";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-sc-kube-workloads-");
    private readonly ConcurrentQueue<string> _activatorCalls = new();
    private readonly ConcurrentQueue<(string Path, string Body)> _activatorBodies = new();
    private FakeKubernetesApi _api = null!;
    private WebApplication _activator = null!;
    private string _activatorUrl = "";

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        foreach (var crd in CustomResourceDefinitions.Knative()) _api.SeedCluster(Crds, crd);
        _api.SeedCluster(Crds, Crd("scaledobjects.keda.sh"));
        _api.SeedCluster(Crds, Crd("components.dapr.io"));

        // The activator's control endpoints, as far as the controller needs them: every push is accepted.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _activator = builder.Build();
        _activator.MapMethods("/{**path}", ["PUT"], async (HttpContext c) =>
        {
            _activatorCalls.Enqueue(c.Request.Path);
            using var reader = new StreamReader(c.Request.Body);
            _activatorBodies.Enqueue((c.Request.Path, await reader.ReadToEndAsync()));
            return Results.Ok();
        });
        await _activator.StartAsync();
        _activatorUrl = _activator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        await _activator.DisposeAsync();
        await _api.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_Service_becomes_Deployment_Service_and_ScaledObject_and_is_Ready_from_the_Deployments_status_against_the_fake_API()
    {
        await using var host = Host();
        _api.Seed("serving.knative.dev/v1/services", ApiHost.ServiceObject("hello", image: "ghcr.io/example/hello:1"));

        await Condition.UntilAsync(() => _api.Stored(ScaledObjects, "default", "hello-00001") is not null, Timeout, "the ScaledObject is created; " + Calls());
        var revision = _api.Stored(Revisions, "default", "hello-00001")!;
        var deployment = _api.Stored(Deployments, "default", "hello-00001-deployment")!;
        var service = _api.Stored(Services, "default", "hello-00001")!;
        var scaled = _api.Stored(ScaledObjects, "default", "hello-00001")!;
        foreach (var child in new[] { deployment, service, scaled })
            Assert.Equal(revision["metadata"]!["uid"]!.GetValue<string>(), child["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
        Assert.Equal("ghcr.io/example/hello:1", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("hello-00001", service["spec"]!["selector"]!["serving.knative.dev/revision"]!.GetValue<string>());
        var trigger = scaled["spec"]!["triggers"]![0]!;
        Assert.Equal("external-push", trigger["type"]!.GetValue<string>());
        Assert.Equal("autoscaler.platform-system.svc.cluster.local:9090", trigger["metadata"]!["scalerAddress"]!.GetValue<string>());
        Assert.Equal("hello-00001-deployment", scaled["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>());

        // Not ready before the Deployment says so.
        Assert.NotEqual("True", ReadyOf(_api.Stored(Revisions, "default", "hello-00001")));

        // The deployment controller's part: one replica, ready.
        _api.SetStatus(Deployments, "default", "hello-00001-deployment", new JsonObject
        {
            ["observedGeneration"] = 1,
            ["replicas"] = 1,
            ["readyReplicas"] = 1,
            ["availableReplicas"] = 1,
            ["updatedReplicas"] = 1,
        });
        await Condition.UntilAsync(() => ReadyOf(_api.Stored(Revisions, "default", "hello-00001")) == "True", Timeout, "the revision is Ready; " + Calls());
        await Condition.UntilAsync(() => ReadyOf(_api.Stored("serving.knative.dev/v1/services", "default", "hello")) == "True", Timeout,
            "the Service is Ready: " + _api.Stored("serving.knative.dev/v1/services", "default", "hello")?["status"]?.ToJsonString());
        Assert.Equal(1, _api.Stored(Revisions, "default", "hello-00001")!["status"]!["actualReplicas"]!.GetValue<int>());
        // The PodAutoscaler learns the ready replicas (what the autoscaler decides from); the activator its endpoint.
        await Condition.UntilAsync(() => _api.Stored("autoscaling.internal.knative.dev/v1alpha1/podautoscalers", "default", "hello-00001")?["status"]?["actualScale"]?.GetValue<int>() == 1,
            Timeout, "the PodAutoscaler's actualScale is 1");
        Assert.Contains(_activatorCalls, p => p == "/activator/v1/revisions/default/hello-00001/endpoints");
        // Every object the platform wrote is valid for the published schemas (Knative's CRDs, Kubernetes' OpenAPI,
        // KEDA's CRD) and, for our kinds, for the CRDs we generate.
        var written = _api.Calls.Where(c => c.Method is "POST" or "PUT" && !c.Path.EndsWith("/status", StringComparison.Ordinal) && c.Body.Length > 0)
            .Select(c => JsonNode.Parse(c.Body)!.AsObject()).ToList();
        Assert.Contains(written, o => o["kind"]?.GetValue<string>() == "Configuration");
        Assert.Contains(written, o => o["kind"]?.GetValue<string>() == "ScaledObject");
        var ours = SchemaCatalog.WithCrds(CustomResourceDefinitions.Knative());
        foreach (var obj in written)
        {
            var name = $"{obj["kind"]} {obj["metadata"]?["name"]}";
            Assert.True(SchemaCatalog.Published.Validate(obj) is { Count: 0 } errors, $"{name}: {string.Join("; ", SchemaCatalog.Published.Validate(obj))}");
            if (ours.Knows(obj["apiVersion"]!.GetValue<string>(), obj["kind"]!.GetValue<string>()))
                Assert.True(ours.Validate(obj).Count == 0, $"{name} (our CRD): {string.Join("; ", ours.Validate(obj))}");
        }

        // KEDA scales: the controller never wrote spec.replicas after creating the Deployment.
        Assert.DoesNotContain(_api.Calls, c => c.Method == "PATCH" && c.Path.EndsWith("/deployments/hello-00001-deployment", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_KEDA_the_revision_says_so_and_the_controller_keeps_running_against_the_fake_API()
    {
        _api.Remove(Crds, "", "scaledobjects.keda.sh");
        _api.NotInstalled[ScaledObjects] = true;
        await using var host = Host();
        _api.Seed("serving.knative.dev/v1/services", ApiHost.ServiceObject("hello", image: "ghcr.io/example/hello:1"));

        await Condition.UntilAsync(() => ReasonOf(_api.Stored(Revisions, "default", "hello-00001")) == "KedaNotInstalled", Timeout, "the revision reports KedaNotInstalled; " + Calls());
        var ready = Ready(_api.Stored(Revisions, "default", "hello-00001"))!;
        Assert.Equal("False", ready["status"]!.GetValue<string>());
        Assert.Contains("scaledobjects.keda.sh", ready["message"]!.GetValue<string>());
        Assert.NotNull(_api.Stored(Deployments, "default", "hello-00001-deployment"));
        Assert.DoesNotContain(_api.Calls, c => c.Method == "POST" && c.Path.Contains("/scaledobjects", StringComparison.Ordinal));
        // Still serving: its health endpoint answers.
        using var health = await host.Client.GetAsync("/health");
        Assert.True(health.IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_role_without_create_deployments_is_reported_in_the_revision_status_against_the_fake_API()
    {
        _api.Forbid[("create", Deployments)] = true;
        await using var host = Host();
        _api.Seed("serving.knative.dev/v1/services", ApiHost.ServiceObject("hello", image: "ghcr.io/example/hello:1"));

        await Condition.UntilAsync(() => ReasonOf(_api.Stored(Revisions, "default", "hello-00001")) == "Forbidden", Timeout, "the revision reports Forbidden; " + Calls());
        var message = Ready(_api.Stored(Revisions, "default", "hello-00001"))!["message"]!.GetValue<string>();
        Assert.Contains("cannot create resource \"deployments\" in API group \"apps\"", message);
    }

    [Fact]
    public async Task Serving_CRDs_owned_by_Knative_are_refused_and_nothing_is_reconciled_against_the_fake_API()
    {
        var knative = Crd("services.serving.knative.dev");
        knative["metadata"]!["labels"] = new JsonObject { ["knative.dev/crd-install"] = "true" };
        _api.Remove(Crds, "", "services.serving.knative.dev");
        _api.SeedCluster(Crds, knative);
        await using var host = Host();
        _api.Seed("serving.knative.dev/v1/services", ApiHost.ServiceObject("hello", image: "ghcr.io/example/hello:1"));

        var preflight = host.Services.GetRequiredService<Cluster.ClusterPreflight>();
        await Condition.UntilAsync(() => preflight.Problems.Count > 0, Timeout, "the cluster check reports the foreign CRD");
        Assert.Contains(preflight.Problems, p => p.Contains("services.serving.knative.dev belongs to another installation (knative.dev/crd-install=true)", StringComparison.Ordinal));
        // Waiting, not reconciling: no child of the Service appears while the check fails.
        Assert.Null(_api.Stored("serving.knative.dev/v1/configurations", "default", "hello"));
        Assert.DoesNotContain(_api.Calls, c => c.Method == "POST" && c.Path.StartsWith("/apis/serving.knative.dev", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_mode_in_the_PodAutoscaler_reaches_the_activator_and_the_revision_Service_keeps_selecting_the_pods_against_the_fake_API()
    {
        const string podAutoscalers = "autoscaling.internal.knative.dev/v1alpha1/podautoscalers";
        const string endpoints = "/activator/v1/revisions/default/hello-00001/endpoints";
        await using var host = Host();
        _api.Seed("serving.knative.dev/v1/services", ApiHost.ServiceObject("hello", image: "ghcr.io/example/hello:1"));
        await Condition.UntilAsync(() => _api.Stored(podAutoscalers, "default", "hello-00001") is not null
            && _api.Stored(Services, "default", "hello-00001") is not null, Timeout, "the PodAutoscaler and the Service exist; " + Calls());
        var serviceWrites = ServiceWrites();

        // The autoscaler's part: spare capacity, Serve. The activator is told with the revision's endpoints.
        var status = _api.Stored(podAutoscalers, "default", "hello-00001")!["status"]?.AsObject().DeepClone().AsObject() ?? [];
        status["desiredScale"] = 1;
        status["mode"] = "Serve";
        _api.SetStatus(podAutoscalers, "default", "hello-00001", status);
        await Condition.UntilAsync(() => _activatorBodies.Any(c => c.Path == endpoints && JsonNode.Parse(c.Body)?["mode"]?.GetValue<string>() == "Serve"),
            Timeout, "an endpoints push with mode Serve; pushes: " + string.Join(" | ", _activatorBodies.Select(c => c.Body)));

        // Capacity dropped: Proxy again.
        status["mode"] = "Proxy";
        _api.SetStatus(podAutoscalers, "default", "hello-00001", status);
        await Condition.UntilAsync(() => _activatorBodies.Reverse().FirstOrDefault(c => c.Path == endpoints).Body is { } last
            && JsonNode.Parse(last)?["mode"]?.GetValue<string>() == "Proxy", Timeout, "an endpoints push with mode Proxy");

        // Our ingress is the activator in both modes: the revision's Service is the pods' address (its EndpointSlices
        // are where the activator's endpoints come from), so neither mode rewrites it.
        var service = _api.Stored(Services, "default", "hello-00001")!;
        Assert.Equal("hello-00001", service["spec"]!["selector"]!["serving.knative.dev/revision"]!.GetValue<string>());
        Assert.Equal(serviceWrites, ServiceWrites());
    }

    private int ServiceWrites() => _api.Calls.Count(c => c.Method is "PUT" or "PATCH" or "POST" && c.Path.Contains("/api/v1/namespaces/default/services", StringComparison.Ordinal));

    private ApiHost Host() => new(settings: new Dictionary<string, string?>
    {
        ["ResourceStore:Mode"] = "Kubernetes",
        ["ResourceStore:Kubeconfig"] = _api.WriteKubeconfig(_dir.FullName),
        ["Serving:Wiring:Reconcile"] = "true",
        ["Serving:Wiring:ActivatorUrl"] = _activatorUrl,
        ["Workloads:Backend"] = "Kubernetes",
    });

    private string Calls() => "calls: " + string.Join(" | ", _api.Calls.TakeLast(15).Select(c => $"{c.Method} {c.Path}{c.Query}"));

    private static JsonObject Crd(string name) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = name },
    };

    private static JsonObject? Ready(JsonObject? obj) =>
        (obj?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");

    private static string? ReadyOf(JsonObject? obj) => Ready(obj)?["status"]?.GetValue<string>();

    private static string? ReasonOf(JsonObject? obj) => Ready(obj)?["reason"]?.GetValue<string>();
}
