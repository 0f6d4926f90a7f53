using System.Text.Json.Nodes;
using Platform.Resources.Crds;
using Platform.Testing;
using Platform.Testing.Kubernetes;

namespace Platform.ServingController.Tests.Kubernetes;

/// <summary>
/// serving-controller with <c>ResourceStore__Mode=Kubernetes</c>, against the fake Kubernetes API (our side of its
/// contract): it serves no API of its own, and the same reconcilers create a Service's children and the revision's
/// PodAutoscaler as custom objects in the cluster.
/// </summary>
public sealed class KubernetesModeTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-sc-kube-");
    private FakeKubernetesApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        // The chart's CRDs: without them the controller waits (and says which is missing).
        foreach (var crd in CustomResourceDefinitions.Knative()) _api.SeedCluster("apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task One_setting_moves_the_controller_onto_the_Kubernetes_API()
    {
        await using var host = new ApiHost(settings: new Dictionary<string, string?>
        {
            ["ResourceStore:Mode"] = "Kubernetes",
            ["ResourceStore:Kubeconfig"] = _api.WriteKubeconfig(_dir.FullName),
            ["Serving:Wiring:Reconcile"] = "true",
            ["Serving:Wiring:ActivatorUrl"] = "http://127.0.0.1:1",
        });
        var service = ApiHost.ServiceObject("hello");
        service["spec"]!["template"]!["spec"]!["containers"]![0] = new JsonObject { ["command"] = new JsonArray("sleep"), ["args"] = new JsonArray("30") };
        _api.Seed("serving.knative.dev/v1/services", service);

        await Condition.UntilAsync(() => _api.Stored("autoscaling.internal.knative.dev/v1alpha1/podautoscalers", "default", "hello-00001") is not null,
            TimeSpan.FromSeconds(30), "the reconcilers create the PodAutoscaler in the cluster; calls: " +
            string.Join(" | ", _api.Calls.TakeLast(20).Select(c => $"{c.Method} {c.Path}{c.Query}")));
        Assert.NotNull(_api.Stored("serving.knative.dev/v1/configurations", "default", "hello"));
        Assert.NotNull(_api.Stored("serving.knative.dev/v1/routes", "default", "hello"));
        Assert.NotNull(_api.Stored("serving.knative.dev/v1/revisions", "default", "hello-00001"));
        Assert.Contains(_api.Calls, c => c.Query.Contains("watch=true") && c.Path == "/apis/serving.knative.dev/v1/services");
        Assert.All(_api.Calls, c => Assert.Equal("Bearer test-token", c.Authorization));

        // No local API is served in this mode: the cluster's is the only one.
        using var local = await host.Client.GetAsync("/apis/serving.knative.dev/v1/namespaces/default/services");
        Assert.Equal(404, (int)local.StatusCode);
    }
}
