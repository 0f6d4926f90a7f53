using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Autoscaler.PodAutoscalers;
using Platform.ControlPlane.Kubernetes;
using Platform.Serving.Contracts.Revisions;
using Platform.Testing.Kubernetes;

namespace Platform.Autoscaler.Tests.Keda;

/// <summary>
/// Marking a PodAutoscaler queued is what a poke writes to the cluster (against the fake Kubernetes API, our side of
/// its contract). A failed write must not fail the poke: the poke has already taken effect in this replica.
/// </summary>
public sealed class QueuedMarkTests : IAsyncLifetime
{
    private const string PodAutoscalers = "autoscaling.internal.knative.dev/v1alpha1/podautoscalers";
    private static readonly RevisionKey Idle = new("default", "idle-00001");
    private FakeKubernetesApi _api = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _api.Url });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task A_refused_write_is_logged_not_thrown_and_the_next_poke_writes_the_mark()
    {
        var (target, board) = Target(new KubernetesResourceStore(_client));
        _api.ConflictsAhead[PodAutoscalers] = 1;

        await target.MarkQueuedAsync(Idle, CancellationToken.None);
        Assert.Null(PodAutoscalerStatusPatch.QueuedAt(_api.Stored(PodAutoscalers, "default", "idle-00001")));

        await target.MarkQueuedAsync(Idle, CancellationToken.None);
        Assert.NotNull(PodAutoscalerStatusPatch.QueuedAt(_api.Stored(PodAutoscalers, "default", "idle-00001")));
        Assert.NotNull(PodAutoscalerStatusPatch.QueuedAt(board.Get(Idle)));
    }

    [Fact]
    public async Task An_unreachable_API_is_logged_not_thrown()
    {
        using var nowhere = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{Platform.Testing.FreePort.Next()}" });
        var (target, _) = Target(new KubernetesResourceStore(nowhere));
        await target.MarkQueuedAsync(Idle, CancellationToken.None);
    }

    private (PodAutoscalerScaleTarget Target, PodAutoscalerBoard Board) Target(KubernetesResourceStore store)
    {
        var pa = new JsonObject
        {
            ["apiVersion"] = "autoscaling.internal.knative.dev/v1alpha1",
            ["kind"] = "PodAutoscaler",
            ["metadata"] = new JsonObject { ["name"] = Idle.Name, ["namespace"] = Idle.Namespace },
            ["spec"] = new JsonObject(),
            ["status"] = new JsonObject { ["desiredScale"] = 0 },
        };
        _api.Seed(PodAutoscalers, pa);
        var board = new PodAutoscalerBoard();
        board.Update(Idle, pa);
        return (new PodAutoscalerScaleTarget(store, board, TimeProvider.System, NullLogger<PodAutoscalerScaleTarget>.Instance), board);
    }
}
