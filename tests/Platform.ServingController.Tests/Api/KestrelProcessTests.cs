using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Http;
using Platform.ControlPlane.Store;
using Platform.Testing;

namespace Platform.ServingController.Tests.Api;

/// <summary>The real app as a process on a real Kestrel port: create, list and watch over loopback TCP.</summary>
public sealed class KestrelProcessTests
{
    [Fact]
    public async Task The_app_process_serves_the_api_and_streams_watch_events_over_tcp()
    {
        var port = FreePort.Next();
        await using var app = AppProcess.Start(AppProcess.ServingControllerDll, [], new Dictionary<string, string>
        {
            ["APP_PORT"] = port.ToString(),
            ["ControlPlane__Persistence"] = "memory",
            ["ControlPlane__PublishChanges"] = "false",
        });
        var baseUrl = $"http://127.0.0.1:{port}/";
        await app.WaitUntilAsync(baseUrl + "healthz", TimeSpan.FromSeconds(60));

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var store = new HttpResourceStore(http);
        var start = (await store.ListAsync(ApiHost.Service, "default")).ResourceVersion;

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = Task.Run(async () =>
        {
            await foreach (var e in store.WatchAsync(ApiHost.Service, "default", start, cts.Token))
                return e;
            return null;
        });
        var created = await store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("tcp"));
        var seen = await watch;
        Assert.NotNull(seen);
        Assert.Equal(WatchEventType.Added, seen.Type);
        Assert.Equal(created.ResourceVersion(), seen.ResourceVersion);

        var response = await http.PostAsync("apis/serving.knative.dev/v1/namespaces/default/services",
            new StringContent("kind: [", System.Text.Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("reason"));
    }
}
