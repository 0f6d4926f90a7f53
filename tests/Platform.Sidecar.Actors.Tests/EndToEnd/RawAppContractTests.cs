using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Sidecar.Core.State;
using Platform.Testing;

namespace Platform.Sidecar.Actors.Tests.EndToEnd;

/// <summary>
/// The sidecar → app wire contract against a hand-written app (no SDK), so that every header and status is visible:
/// the app token, reentrancy ids, remoting headers, the SDK's error header and daprd's error mapping.
/// </summary>
public sealed class RawAppContractTests : IAsyncLifetime
{
    private const string Token = "app-secret";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private WebApplication _app = null!;
    private TestSidecar _sidecar = null!;

    public async Task InitializeAsync()
    {
        var sidecarPort = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/dapr/config", () => Results.Json(new { entities = new[] { "Raw" }, reentrancy = new { enabled = true, maxStackDepth = 4 } }));
        _app.MapPut("/actors/Raw/{id}/method/echo", (HttpRequest r) => Results.Json(new Dictionary<string, string?>
        {
            ["token"] = r.Headers["dapr-api-token"],
            ["reentrancy"] = r.Headers["Dapr-Reentrancy-Id"],
            ["remoting"] = r.Headers["X-DaprRequestHeader"],
            ["contentType"] = r.ContentType,
        }));
        _app.MapPut("/actors/Raw/{id}/method/sdkError", (HttpResponse r) =>
        {
            r.Headers["X-DaprErrorResponseHeader"] = "true";
            return Results.Text("serialized exception", statusCode: 500);
        });
        _app.MapPut("/actors/Raw/{id}/method/crash", () => Results.Text("it broke", statusCode: 500));
        // Calls back into its own actor through the sidecar with the chain's reentrancy id: must not deadlock.
        _app.MapPut("/actors/Raw/{id}/method/reenter", async (string id, HttpRequest r) =>
        {
            using var client = new HttpClient();
            using var inner = new HttpRequestMessage(HttpMethod.Put, $"http://127.0.0.1:{sidecarPort}/v1.0/actors/Raw/{id}/method/echo");
            inner.Headers.Add("Dapr-Reentrancy-Id", r.Headers["Dapr-Reentrancy-Id"].ToString());
            using var response = await client.SendAsync(inner);
            return Results.Text(await response.Content.ReadAsStringAsync(), "application/json", statusCode: (int)response.StatusCode);
        });
        await _app.StartAsync();
        var appUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _sidecar = await TestSidecar.StartAsync("raw-app", sidecarPort, appUrl,
            StateStoreFactory.Create("mem", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" }), new TestRegistry(), appApiToken: Token);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sidecar.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Uri Method(string name) => new(_sidecar.Url, $"v1.0/actors/Raw/a1/method/{name}");

    [Fact]
    public async Task PassesTokenRemotingHeaderAndContentType()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Method("echo")) { Content = new ByteArrayContent([1, 2, 3]) };
        request.Content.Headers.ContentType = new("application/octet-stream");
        request.Headers.Add("X-DaprRequestHeader", "{\"methodName\":\"Echo\"}");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var seen = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Token, seen.RootElement.GetProperty("token").GetString());
        Assert.Equal("{\"methodName\":\"Echo\"}", seen.RootElement.GetProperty("remoting").GetString());
        Assert.Equal("application/octet-stream", seen.RootElement.GetProperty("contentType").GetString());
        // Reentrancy is enabled for the type: the sidecar starts a chain when the caller has none.
        Assert.False(string.IsNullOrEmpty(seen.RootElement.GetProperty("reentrancy").GetString()));
    }

    [Fact]
    public async Task ReentrantCallChainDoesNotDeadlock()
    {
        using var response = await _http.PutAsync(Method("reenter"), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var seen = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Token, seen.RootElement.GetProperty("token").GetString());
    }

    [Fact]
    public async Task SdkErrorsPassThroughAndOtherFailuresBecomeDaprErrors()
    {
        using var sdkError = await _http.PutAsync(Method("sdkError"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.InternalServerError, sdkError.StatusCode);
        Assert.True(sdkError.Headers.Contains("X-DaprErrorResponseHeader"));
        Assert.Equal("serialized exception", await sdkError.Content.ReadAsStringAsync());

        using var crash = await _http.PutAsync(Method("crash"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.InternalServerError, crash.StatusCode);
        using var error = JsonDocument.Parse(await crash.Content.ReadAsStringAsync());
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.RootElement.GetProperty("errorCode").GetString());
        Assert.Contains("it broke", error.RootElement.GetProperty("message").GetString());
    }
}
