using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Autoscaler.Tests.Keda;

namespace Platform.Autoscaler.Tests.Stats;

/// <summary>The HTTP intake of the real autoscaler process: bad input answers 4xx naming the field.</summary>
[Collection(AutoscalerProcessCollection.Name)]
public sealed class IntakeEndpointTests(AutoscalerProcess app)
{
    [Fact]
    public async Task InvalidAnnotationsAreRefusedNamingEachField()
    {
        using var response = await app.Http.PutAsJsonAsync("/revisions/intake/bad-00001",
            new { containerConcurrency = 2000, annotations = new { window = "00:00:03", minScale = 5, maxScale = 2 } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        foreach (var field in new[] { "spec.containerConcurrency", "autoscaling.knative.dev/window", "autoscaling.knative.dev/min-scale" })
            Assert.Contains(field, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJsonIsRefusedNamingThePath()
    {
        using var response = await app.Http.PutAsync("/revisions/intake/bad-00002",
            new StringContent("""{"containerConcurrency":"lots"}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("containerConcurrency", body, StringComparison.Ordinal);
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
        await app.PutRevisionAsync("intake", "known-00001", new { });
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
    public async Task RevisionLifecycleThroughTheIntake()
    {
        await app.PutRevisionAsync("intake", "life-00001", new { annotations = new { minScale = 2 } });
        var status = await app.Http.GetFromJsonAsync<JsonElement>("/revisions/intake/life-00001/scale");
        Assert.Equal(2, status.GetProperty("desiredScale").GetInt32());
        Assert.Equal("concurrency", status.GetProperty("metric").GetString());
        using (var ready = await app.Http.PutAsJsonAsync("/revisions/intake/life-00001/ready", new { readyPods = -1 }))
            Assert.Equal(HttpStatusCode.BadRequest, ready.StatusCode);
        using (var delete = await app.Http.DeleteAsync("/revisions/intake/life-00001"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await app.Http.GetAsync("/revisions/intake/life-00001/scale");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
