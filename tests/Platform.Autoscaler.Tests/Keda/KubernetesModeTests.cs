using System.Text.Json.Nodes;
using Externalscaler;
using Grpc.Net.Client;
using Platform.Testing;
using Platform.Testing.Kubernetes;
using Platform.Testing.Processes;

namespace Platform.Autoscaler.Tests.Keda;

/// <summary>
/// Two autoscaler processes in Kubernetes mode (<c>ResourceStore__Mode=Kubernetes</c>), against the fake Kubernetes
/// API (our side of its contract): they follow the PodAutoscalers in the cluster, write decisions into their
/// status, and answer KEDA (a client from KEDA's published proto) alike, whichever replica it asks, because what
/// they answer is in the cluster, not in either process.
/// </summary>
public sealed class KubernetesModeTests : IAsyncLifetime
{
    private const string PodAutoscalers = "autoscaling.internal.knative.dev/v1alpha1/podautoscalers";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-autoscaler-kube-");
    private readonly List<(TestProcess Process, HttpClient Http, GrpcChannel Channel)> _replicas = [];
    private FakeKubernetesApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        var kubeconfig = _api.WriteKubeconfig(_dir.FullName);
        for (var i = 0; i < 2; i++)
        {
            var appPort = FreePort.Next();
            var kedaPort = FreePort.Next();
            var process = TestProcess.Start(AutoscalerProcess.FindAutoscalerDll(),
                ["--urls", $"http://127.0.0.1:{appPort}", $"--Keda:Port={kedaPort}", "--Autoscaler:Defaults:AllowZeroInitialScale=true"],
                new Dictionary<string, string>
                {
                    ["ResourceStore__Mode"] = "Kubernetes",
                    ["ResourceStore__Kubeconfig"] = kubeconfig,
                    ["Autoscaler__Mode"] = "InProcess",
                    ["APP_ID"] = "autoscaler",
                    ["DAPR_HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["DAPR_GRPC_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
            await process.WaitUntilAsync($"http://127.0.0.1:{appPort}/healthz", TimeSpan.FromSeconds(60));
            _replicas.Add((process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{appPort}") }, GrpcChannel.ForAddress($"http://127.0.0.1:{kedaPort}")));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (process, http, channel) in _replicas)
        {
            http.Dispose();
            channel.Dispose();
            await process.DisposeAsync();
        }
        await _api.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Both_replicas_follow_the_clusters_PodAutoscalers_and_answer_KEDA_alike_against_the_fake_API()
    {
        _api.Seed(PodAutoscalers, PodAutoscaler("hello-00001", initialScale: 2));
        await Condition.UntilAsync(() => DesiredScale("hello-00001") == 2, TimeSpan.FromSeconds(30),
            "a decision in the cluster's PodAutoscaler; " + _replicas[0].Process.Tail(20));

        foreach (var (_, _, channel) in _replicas)
        {
            var scaler = new ExternalScaler.ExternalScalerClient(channel);
            await Condition.UntilAsync(async () =>
            {
                try { return (await scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = Ref("hello-00001"), MetricName = "desired-scale" })).MetricValues[0].MetricValueFloat == 2; }
                catch (Grpc.Core.RpcException) { return false; }
            }, TimeSpan.FromSeconds(30), "every replica reports desired scale 2");
        }

        // A request held at zero, poked at replica 0, makes replica 1 active too (through the PodAutoscaler).
        _api.Seed(PodAutoscalers, PodAutoscaler("idle-00001", initialScale: 0));
        await Condition.UntilAsync(() => DesiredScale("idle-00001") == 0, TimeSpan.FromSeconds(30), "idle-00001 decided at zero");
        var other = new ExternalScaler.ExternalScalerClient(_replicas[1].Channel);
        await Condition.UntilAsync(async () =>
        {
            try { return !(await other.IsActiveAsync(Ref("idle-00001"))).Result; }
            catch (Grpc.Core.RpcException) { return false; }
        }, TimeSpan.FromSeconds(30), "replica 1 knows idle-00001, inactive");
        using (var poke = await _replicas[0].Http.PostAsync("/poke/default/idle-00001", null))
        {
            Assert.True(poke.StatusCode == System.Net.HttpStatusCode.Accepted,
                $"poke answered {(int)poke.StatusCode}: {await poke.Content.ReadAsStringAsync()}\n{_replicas[0].Process.Tail(40)}");
        }
        await Condition.UntilAsync(async () => (await other.IsActiveAsync(Ref("idle-00001"))).Result, TimeSpan.FromSeconds(30),
            "replica 1 is active after replica 0's poke");
        Assert.All(_api.Calls, c => Assert.Equal("Bearer test-token", c.Authorization));
    }

    private int? DesiredScale(string name) =>
        _api.Stored(PodAutoscalers, "default", name)?["status"]?["desiredScale"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;

    private static ScaledObjectRef Ref(string revision)
    {
        var reference = new ScaledObjectRef { Name = revision, Namespace = "default" };
        reference.ScalerMetadata["revision"] = revision;
        return reference;
    }

    private static JsonObject PodAutoscaler(string name, int initialScale) => new()
    {
        ["apiVersion"] = "autoscaling.internal.knative.dev/v1alpha1",
        ["kind"] = "PodAutoscaler",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = "default",
            ["annotations"] = new JsonObject { ["autoscaling.knative.dev/initial-scale"] = initialScale.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        },
        ["spec"] = new JsonObject { ["containerConcurrency"] = 0, ["reachability"] = "Reachable" },
    };
}
