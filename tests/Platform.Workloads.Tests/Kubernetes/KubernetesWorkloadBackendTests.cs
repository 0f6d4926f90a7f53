using System.Text.Json.Nodes;
using k8s;
using Platform.Serving.Contracts.Revisions;
using Platform.Testing;
using Platform.Testing.Kubernetes;
using Platform.Workloads.Kubernetes;

namespace Platform.Workloads.Tests.Kubernetes;

/// <summary>
/// The Kubernetes workload backend against the fake Kubernetes API (our side of the contract: the requests it makes
/// and how it takes the answers; no kube-apiserver runs here).
/// </summary>
public sealed class KubernetesWorkloadBackendTests : IAsyncLifetime
{
    private const string Crds = "apiextensions.k8s.io/v1/customresourcedefinitions";
    private const string Deployments = "apps/v1/deployments";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-k8s-backend-");
    private FakeKubernetesApi _api = null!;
    private IKubernetes _client = null!;
    private string _uid = "";

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_api.WriteKubeconfig(_dir.FullName)));
        _api.SeedCluster(Crds, Crd("scaledobjects.keda.sh"));
        _uid = Revision()["metadata"]!["uid"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_conflicting_write_is_tried_again_on_fresh_data_against_the_fake_API()
    {
        await using var backend = new KubernetesWorkloadBackend(_client);
        await backend.EnsureAsync(Workload());
        var first = _api.Stored(Deployments, "default", "hello-00001-deployment")!;

        // A changed template must replace the Deployment; two concurrent writers get there first.
        _api.ConflictsAhead[Deployments] = 2;
        await backend.EnsureAsync(Workload() with { Env = [new EnvironmentVariable("TARGET", "again")] });

        var replaced = _api.Stored(Deployments, "default", "hello-00001-deployment")!;
        Assert.NotEqual(Hash(first), Hash(replaced));
        Assert.Contains("again", replaced["spec"]!["template"]!.ToJsonString());
        Assert.Equal(3, _api.Calls.Count(c => c.Method == "PUT" && c.Path.EndsWith("/deployments/hello-00001-deployment", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_unchanged_workload_is_not_written_again_and_keeps_the_scale_KEDA_gave_it_against_the_fake_API()
    {
        await using var backend = new KubernetesWorkloadBackend(_client);
        await backend.EnsureAsync(Workload());
        await backend.EnsureAsync(Workload());
        Assert.DoesNotContain(_api.Calls, c => c.Method == "PUT");

        // The HPA scaled to 4; a new template keeps 4.
        var current = _api.Stored(Deployments, "default", "hello-00001-deployment")!;
        current["spec"]!["replicas"] = 4;
        using (var http = new HttpClient())
        {
            using var put = await http.PutAsync($"{_api.Url}/apis/apps/v1/namespaces/default/deployments/hello-00001-deployment",
                new StringContent(current.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            put.EnsureSuccessStatusCode();
        }
        await backend.EnsureAsync(Workload() with { Env = [new EnvironmentVariable("TARGET", "v2")] });
        Assert.Equal(4, _api.Stored(Deployments, "default", "hello-00001-deployment")!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_revision_deleted_mid_reconcile_gets_no_workload_against_the_fake_API()
    {
        await using var backend = new KubernetesWorkloadBackend(_client);
        _api.Remove("serving.knative.dev/v1/revisions", "default", "hello-00001");
        await backend.EnsureAsync(Workload());
        Assert.Null(_api.Stored(Deployments, "default", "hello-00001-deployment"));
        Assert.Null(_api.Stored("v1/services", "default", "hello-00001"));
        Assert.DoesNotContain(_api.Calls, c => c.Method == "POST");
    }

    [Fact]
    public async Task A_revision_asking_for_Dapr_gets_its_annotations_or_DaprNotInstalled_against_the_fake_API()
    {
        await using var backend = new KubernetesWorkloadBackend(_client);
        var dapr = Workload() with { Annotations = new Dictionary<string, string> { ["dapr.io/enabled"] = "true" } };
        await backend.EnsureAsync(dapr);
        var failure = backend.GetStatus(dapr.Revision)?.Failure;
        Assert.Equal(WorkloadFailureReasons.DaprNotInstalled, failure?.Reason);
        Assert.Contains("components.dapr.io", failure!.Message);

        var annotations = _api.Stored(Deployments, "default", "hello-00001-deployment")!["spec"]!["template"]!["metadata"]!["annotations"]!;
        Assert.Equal("hello", annotations["dapr.io/app-id"]!.GetValue<string>());
        Assert.Equal("8080", annotations["dapr.io/app-port"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_follows_the_Deployment_and_is_pushed_to_watchers_against_the_fake_API()
    {
        await using var backend = new KubernetesWorkloadBackend(_client);
        await backend.EnsureAsync(Workload());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<WorkloadStatus>();
        var watching = Task.Run(async () =>
        {
            await foreach (var status in backend.WatchAsync(cts.Token))
            {
                seen.Add(status);
                if (status.Ready == 1) return;
            }
        });
        await backend.Synced;
        _api.SetStatus(Deployments, "default", "hello-00001-deployment", new JsonObject { ["replicas"] = 1, ["readyReplicas"] = 1 });
        await watching;
        Assert.Equal(1, backend.GetStatus(new RevisionKey("default", "hello-00001"))!.Ready);

        Assert.True(await backend.DeleteAsync(new RevisionKey("default", "hello-00001")));
        Assert.Null(_api.Stored(Deployments, "default", "hello-00001-deployment"));
        Assert.Null(_api.Stored("keda.sh/v1alpha1/scaledobjects", "default", "hello-00001"));
        Assert.Null(_api.Stored("v1/services", "default", "hello-00001"));
        await Condition.UntilAsync(() => backend.GetStatus(new RevisionKey("default", "hello-00001")) is null, TimeSpan.FromSeconds(10), "the deleted workload has no status");
    }

    private JsonObject Revision() => _api.Seed("serving.knative.dev/v1/revisions", new JsonObject
    {
        ["apiVersion"] = "serving.knative.dev/v1",
        ["kind"] = "Revision",
        ["metadata"] = new JsonObject { ["name"] = "hello-00001", ["namespace"] = "default" },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["image"] = "ghcr.io/example/hello:1" }) },
    });

    private RevisionWorkload Workload() => new()
    {
        Revision = new RevisionKey("default", "hello-00001"),
        Uid = _uid,
        Service = "hello",
        Configuration = "hello",
        Image = "ghcr.io/example/hello:1",
    };

    private static string? Hash(JsonObject obj) => obj["metadata"]?["annotations"]?[KubernetesWorkloadBackend.SpecHashAnnotation]?.GetValue<string>();

    private static JsonObject Crd(string name) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = name },
    };
}
