using System.Net;
using Platform.ControlPlane.Http;
using Platform.ControlPlane.Store;
using Platform.Testing;

namespace Platform.ServingController.Tests.Persistence;

/// <summary>
/// DaprResourcePersistence through the bundled local sidecar (a real process speaking Dapr's gRPC state API), with
/// Redis behind it when redis-server is installed (then app and sidecar both restart) or the in-memory state store
/// (then only the app restarts).
/// </summary>
public sealed class DaprPersistenceTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "platform-sc-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "components"));
        var component = redis.Unavailable is null
            ? $"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.redis\n  version: v1\n  metadata:\n    - name: redisHost\n      value: {redis.HostPort}\n"
            : "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.in-memory\n  version: v1\n  metadata: []\n";
        File.WriteAllText(Path.Combine(_dir, "components", "statestore.yaml"), component);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    private static string SidecarDll() => Builds.Output("tools/sidecar/Platform.Sidecar", "platform-sidecar.dll");

    private async Task<(AppProcess Process, int Http, int Grpc)> StartSidecarAsync(string dll)
    {
        int http = FreePort.Next(), grpc = FreePort.Next();
        var sidecar = AppProcess.Start(dll,
            ["--app-id", "serving-controller", "--app-port", "0", "--dapr-http-port", http.ToString(), "--dapr-grpc-port", grpc.ToString(),
             "--resources-path", Path.Combine(_dir, "components"), "--registry-dir", Path.Combine(_dir, "registry")],
            new Dictionary<string, string>());
        await sidecar.WaitUntilAsync($"http://127.0.0.1:{http}/v1.0/healthz", TimeSpan.FromSeconds(60));
        return (sidecar, http, grpc);
    }

    private static async Task<(AppProcess Process, HttpResourceStore Store, HttpClient Http)> StartAppAsync(int daprHttp, int daprGrpc)
    {
        var port = FreePort.Next();
        var app = AppProcess.Start(AppProcess.ServingControllerDll, [], new Dictionary<string, string>
        {
            ["APP_PORT"] = port.ToString(),
            ["DAPR_HTTP_PORT"] = daprHttp.ToString(),
            ["DAPR_GRPC_PORT"] = daprGrpc.ToString(),
            ["ControlPlane__Persistence"] = "dapr",
            ["ControlPlane__PublishChanges"] = "false",
        });
        await app.WaitUntilAsync($"http://127.0.0.1:{port}/healthz", TimeSpan.FromSeconds(60));
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        return (app, new HttpResourceStore(http), http);
    }

    [Fact]
    public async Task Objects_survive_a_restart_and_a_second_instance_is_fenced()
    {
        var dll = SidecarDll();
        var (sidecar, daprHttp, daprGrpc) = await StartSidecarAsync(dll);
        try
        {
            string version;
            var (app, store, http) = await StartAppAsync(daprHttp, daprGrpc);
            await using (app)
            using (http)
            {
                var svc = await store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("durable"));
                await store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("temporary", ns: "other"));
                await store.DeleteAsync(ApiHost.Service, "other", "temporary");
                svc["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";
                await store.UpdateAsync(ApiHost.Service, svc);
                version = (await store.ListAsync(ApiHost.Service, null)).ResourceVersion;
            }

            if (redis.Unavailable is null)
            {
                // With Redis behind it, the sidecar can go too.
                await sidecar.DisposeAsync();
                (sidecar, daprHttp, daprGrpc) = await StartSidecarAsync(dll);
            }

            var (app2, store2, http2) = await StartAppAsync(daprHttp, daprGrpc);
            await using (app2)
            using (http2)
            {
                var list = await store2.ListAsync(ApiHost.Service, null);
                var durable = Assert.Single(list.Items);
                Assert.Equal("durable", durable.Name());
                Assert.Equal(2, durable.Generation());
                Assert.Equal(version, list.ResourceVersion);
                var next = await store2.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("later"));
                Assert.True(long.Parse(next.ResourceVersion()!) > long.Parse(version));

                // The object is really in the state store under its documented key.
                using var state = new HttpClient();
                var key = Uri.EscapeDataString("resources||serving.knative.dev||Service||default||durable");
                var stored = await state.GetAsync($"http://127.0.0.1:{daprHttp}/v1.0/state/statestore/{key}");
                Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
                Assert.Contains("\"durable\"", await stored.Content.ReadAsStringAsync());

                // A second instance on the same store: the first one's view is now stale, so its next write is
                // refused (ETag on the resourceVersion counter) instead of interleaving versions.
                var (app3, store3, http3) = await StartAppAsync(daprHttp, daprGrpc);
                await using (app3)
                using (http3)
                {
                    await store3.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("from-third"));
                    var refused = await Assert.ThrowsAsync<ResourceException>(() => store2.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("stale")));
                    Assert.Equal(StatusReason.Conflict, refused.Reason);
                    Assert.Contains("another control-plane instance", refused.Message);
                    Assert.Null(await store3.GetAsync(ApiHost.Service, "default", "stale"));
                }
            }
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }
}
