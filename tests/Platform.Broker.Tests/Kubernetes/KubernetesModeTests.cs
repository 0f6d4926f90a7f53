using System.Text.Json.Nodes;
using Platform.Broker.Tests.Infrastructure;
using Platform.Testing;
using Platform.Testing.Kubernetes;
using Platform.Testing.Processes;

namespace Platform.Broker.Tests.Kubernetes;

/// <summary>
/// The broker process with <c>ResourceStore__Mode=Kubernetes</c>, against the fake Kubernetes API (our side of its
/// contract; no sidecar runs, so no event flows): the one setting moves it onto the cluster, where it lists and
/// watches every eventing kind with the kubeconfig's credentials.
/// </summary>
public sealed class KubernetesModeTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-broker-kube-");
    private FakeKubernetesApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeKubernetesApi.StartAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task One_setting_moves_the_broker_onto_the_Kubernetes_API()
    {
        _api.Seed("eventing.knative.dev/v1/brokers", new JsonObject
        {
            ["apiVersion"] = "eventing.knative.dev/v1",
            ["kind"] = "Broker",
            ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = "default" },
        });
        var port = FreePort.Next();
        await using var broker = TestProcess.Start(RepoPaths.Broker, [], new Dictionary<string, string>
        {
            ["APP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ResourceStore__Mode"] = "Kubernetes",
            ["ResourceStore__Kubeconfig"] = _api.WriteKubeconfig(_dir.FullName),
            ["DAPR_HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        foreach (var path in new[] { "/apis/eventing.knative.dev/v1/brokers", "/apis/eventing.knative.dev/v1/triggers", "/apis/messaging.knative.dev/v1/subscriptions" })
            await Condition.UntilAsync(() => _api.Calls.Any(c => c.Path == path && c.Query.Contains("watch=true", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), $"the broker watches {path}; output: {broker.Tail(20)}");
        Assert.All(_api.Calls, c => Assert.Equal("Bearer test-token", c.Authorization));
        Assert.False(broker.HasExited, broker.Tail(20));
    }
}
