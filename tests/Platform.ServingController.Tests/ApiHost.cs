using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.ControlPlane.Http;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Persistence;

namespace Platform.ServingController.Tests;

/// <summary>The real serving-controller app on a test server, with in-memory persistence (shareable across instances).</summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    public ApiHost(InMemoryResourcePersistence? persistence = null, IDictionary<string, string?>? settings = null, IResourcePersistence? other = null)
    {
        Persistence = persistence ?? new InMemoryResourcePersistence();
        IResourcePersistence used = other ?? Persistence;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ControlPlane:Persistence", "memory");
            b.UseSetting("ControlPlane:PublishChanges", "false");
            // The API alone: the Serving reconcilers (on by default) would add children and statuses.
            b.UseSetting("Serving:Wiring:Reconcile", "false");
            // The API's mechanics with minimal objects; tests of what users get pass ControlPlane:Admission=knative (the default).
            b.UseSetting("ControlPlane:Admission", "basic");
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) b.UseSetting(k, v);
            b.ConfigureTestServices(s => s.AddSingleton(used));
        });
        Client = _factory.CreateClient();
        Store = new HttpResourceStore(Client);
    }

    public InMemoryResourcePersistence Persistence { get; }
    public HttpClient Client { get; }
    public HttpResourceStore Store { get; }
    public IServiceProvider Services => _factory.Services;

    public static ResourceKind Service => ResourceKinds.Knative.FindByName("ksvc")!;
    public static ResourceKind Configuration => ResourceKinds.Knative.FindByName("configuration")!;
    public static ResourceKind Revision => ResourceKinds.Knative.FindByName("revision")!;
    public static ResourceKind Route => ResourceKinds.Knative.FindByName("route")!;

    public const string Services_ = "/apis/serving.knative.dev/v1/namespaces/default/services";

    public static JsonObject ServiceObject(string name, string image = "hello", string ns = "default") => new()
    {
        ["apiVersion"] = "serving.knative.dev/v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["image"] = image }) } } },
    };

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return Client.SendAsync(request);
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
