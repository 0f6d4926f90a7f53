using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Autoscaler.Tests.Keda;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Autoscaler.Tests.Stats;

/// <summary>The HTTP intake of the real autoscaler process: bad input answers 4xx naming the field.</summary>
[Collection(AutoscalerProcessCollection.Name)]
public sealed class IntakeEndpointTests(AutoscalerProcess app)
{
    [Fact]
    public async Task InvalidAnnotationsAreRefusedByTheControlPlaneNamingEachField()
    {
        var error = await Assert.ThrowsAsync<ResourceException>(() => app.ControlPlane.Store.CreateAsync(ResourceKinds.PodAutoscaler, new JsonObject
        {
            ["apiVersion"] = "autoscaling.internal.knative.dev/v1alpha1",
            ["kind"] = "PodAutoscaler",
            ["metadata"] = new JsonObject
            {
                ["name"] = "bad-00001",
                ["namespace"] = "intake",
                ["annotations"] = new JsonObject { ["autoscaling.knative.dev/window"] = "3s", ["autoscaling.knative.dev/min-scale"] = "5", ["autoscaling.knative.dev/max-scale"] = "2" },
            },
            ["spec"] = new JsonObject { ["containerConcurrency"] = 2000 },
        }));
        Assert.Equal(StatusReason.Invalid, error.Reason);
        foreach (var field in new[] { "spec.containerConcurrency", "autoscaling.knative.dev/window", "autoscaling.knative.dev/max-scale" })
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedStatsJsonIsRefusedNamingThePath()
    {
        using var response = await app.Http.PostAsync("/stats",
            new StringContent("""[{"namespace":"intake","revision":"x-00001","averageConcurrency":"lots"}]""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("averageConcurrency", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidStatsAreRefusedNamingTheIndexAndField()
    {
        var stats = new object[]
        {
            new { @namespace = "intake", revision = "ok-00001", averageConcurrency = 1, requestCount = 1 },
            new { @namespace = "intake", revision = "ok-00001", averageConcurrency = -1, requestCount = 1 },
        };
        using var response = await app.Http.PostAsJsonAsync("/stats", stats);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("[1].averageConcurrency", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatsForUnknownRevisionsAreIgnoredAndCounted()
    {
        await app.CreatePodAutoscalerAsync("intake", "known-00001");
        var stats = new[]
        {
            new { @namespace = "intake", revision = "known-00001", averageConcurrency = 3.0, requestCount = 3.0 },
            new { @namespace = "intake", revision = "unknown-00001", averageConcurrency = 3.0, requestCount = 3.0 },
        };
        using var response = await app.Http.PostAsJsonAsync("/stats", stats);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, 1, 0), (receipt.GetProperty("recorded").GetInt32(), receipt.GetProperty("unknownRevision").GetInt32(), receipt.GetProperty("stale").GetInt32()));
    }

    [Fact]
    public async Task UnknownRevisionIsNotFoundNamingIt()
    {
        using var poke = await app.Http.PostAsync("/poke/intake/nobody-00001", null);
        Assert.Equal(HttpStatusCode.NotFound, poke.StatusCode);
        Assert.Contains("intake/nobody-00001", await poke.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var scale = await app.Http.GetAsync("/revisions/intake/nobody-00001/scale");
        Assert.Equal(HttpStatusCode.NotFound, scale.StatusCode);
    }

    [Fact]
    public async Task RevisionLifecycleFollowsItsPodAutoscaler()
    {
        Assert.Equal(2, await app.CreatePodAutoscalerAsync("intake", "life-00001", annotations: new Dictionary<string, string> { ["min-scale"] = "2" }));
        var status = await app.Http.GetFromJsonAsync<JsonElement>("/revisions/intake/life-00001/scale");
        Assert.Equal(2, status.GetProperty("desiredScale").GetInt32());
        Assert.Equal("concurrency", status.GetProperty("metric").GetString());

        // Ready replicas recorded in the PodAutoscaler reach the decider.
        await app.ReportReadyAsync("intake", "life-00001", 2);
        await Until(async () => (await app.Http.GetFromJsonAsync<JsonElement>("/revisions/intake/life-00001/scale")).GetProperty("readyPods").GetInt32() == 2, "readyPods 2");

        // Deleting the PodAutoscaler forgets the revision.
        Assert.True(await app.ControlPlane.Store.DeleteAsync(ResourceKinds.PodAutoscaler, "intake", "life-00001"));
        await Until(async () => (await app.Http.GetAsync("/revisions/intake/life-00001/scale")).StatusCode == HttpStatusCode.NotFound, "forgotten");
    }

    private async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not within 20 s\n{app.Logs}");
            await Task.Delay(50);
        }
    }
}
