using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Activator.Tests.Integration;

public class RoutingTests
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Hello_through_the_activator_keeps_host_and_adds_forwarded_headers()
    {
        await using var backend = await Backend.StartAsync("hello-00001");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client();

        Assert.Equal("hello-00001", await client.GetStringAsync(activator.Url("hello.default.localhost")));
        var seen = await client.GetFromJsonAsync<Dictionary<string, string?>>(activator.Url("hello.default.localhost", "/whoami"));
        Assert.Equal($"hello.default.localhost:{activator.Port}", seen!["host"]);
        Assert.Equal("127.0.0.1", seen["forwardedFor"]);
        Assert.Equal("http", seen["forwardedProto"]);
        Assert.Equal($"hello.default.localhost:{activator.Port}", seen["forwardedHost"]);
        Assert.Equal("activator", seen["proxy"]);
        Assert.Equal("HTTP/1.1", seen["protocol"]);
    }

    [Fact]
    public async Task Fifty_fifty_split_over_2000_requests()
    {
        await using var one = await Backend.StartAsync("hello-00001");
        await using var two = await Backend.StartAsync("hello-00002");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null,
            ("hello-00001", 50, null, [one.Endpoint]), ("hello-00002", 50, "candidate", [two.Endpoint])));
        using var client = activator.Client();

        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            var who = await client.GetStringAsync(activator.Url("hello.default.localhost"), ct);
            counts.AddOrUpdate(who, 1, (_, n) => n + 1);
        });
        Assert.Equal(2000, counts.Values.Sum());
        Assert.InRange(counts["hello-00001"], 900, 1100);
        Assert.InRange(counts["hello-00002"], 900, 1100);
    }

    [Fact]
    public async Task Tag_host_and_tag_header_reach_only_their_target()
    {
        await using var one = await Backend.StartAsync("hello-00001");
        await using var two = await Backend.StartAsync("hello-00002");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null,
            ("hello-00001", 100, null, [one.Endpoint]), ("hello-00002", 0, "candidate", [two.Endpoint])));
        using var client = activator.Client();

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("hello-00002", await client.GetStringAsync(activator.Url("candidate-hello.default.localhost")));
            Assert.Equal("hello-00001", await client.GetStringAsync(activator.Url("hello.default.localhost")));
            using var tagged = new HttpRequestMessage(HttpMethod.Get, activator.Url("hello.default.localhost"));
            tagged.Headers.Add("Knative-Serving-Tag", "candidate");
            using var response = await client.SendAsync(tagged);
            Assert.Equal("hello-00002", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Unknown_host_is_404_naming_it_and_own_paths_need_the_own_host()
    {
        await using var backend = await Backend.StartAsync("hello-00001");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client();

        using var unknown = await client.GetAsync(activator.Url("nope.default.localhost", "/healthz"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/json; charset=utf-8", unknown.Content.Headers.ContentType!.ToString());
        var body = await JsonAsync(unknown);
        Assert.Equal("unknown-host", body.GetProperty("error").GetString());
        Assert.Contains("nope.default.localhost", body.GetProperty("message").GetString());

        // The service's own /healthz belongs to the service; the activator's to its own host.
        Assert.Equal("hello-00001 at /healthz", await client.GetStringAsync(activator.Url("hello.default.localhost", "/healthz")));
        Assert.Equal("Healthy", await activator.Control.GetStringAsync("/healthz"));
        Assert.Equal("Healthy", await client.GetStringAsync(activator.Url("localhost", "/healthz")));
        using var control = await client.GetAsync(activator.Url("hello.default.localhost", "/activator/v1/routes"));
        Assert.Equal("hello-00001 at /activator/v1/routes", await control.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cluster_local_is_refused_from_outside_the_local_networks()
    {
        // Only 127.0.0.2 counts as local: connections from 127.0.0.1 play the outside caller. The check uses the
        // real remote address of the TCP connection (no X-Forwarded-For is trusted).
        await using var backend = await Backend.StartAsync("private-00001");
        await using var open = await Backend.StartAsync("hello-00001");
        await using var activator = await TestActivator.StartAsync(new() { ["Activator:LocalNetworks:0"] = "127.0.0.2/32" });
        var table = TestActivator.Table("private", 0, null, "cluster-local", ("private-00001", 100, null, [backend.Endpoint]));
        var hello = TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [open.Endpoint]));
        await activator.ApplyAsync(table with
        {
            Services = [.. table.Services!, .. hello.Services!],
            Revisions = [.. table.Revisions!, .. hello.Revisions!],
        });
        using var outside = activator.Client(IPAddress.Parse("127.0.0.1"));
        using var inside = activator.Client(IPAddress.Parse("127.0.0.2"));

        foreach (var host in new[] { "private.default.localhost", "private.default.svc.cluster.local", "hello.default.svc.cluster.local" })
        {
            using var refused = await outside.GetAsync(activator.Url(host));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var body = await JsonAsync(refused);
            Assert.Equal("cluster-local", body.GetProperty("error").GetString());
            Assert.Contains("127.0.0.1", body.GetProperty("message").GetString());
        }
        Assert.Equal("private-00001", await inside.GetStringAsync(activator.Url("private.default.svc.cluster.local")));
        Assert.Equal("private-00001", await inside.GetStringAsync(activator.Url("private.default.localhost")));
        Assert.Equal("hello-00001", await inside.GetStringAsync(activator.Url("hello.default.svc.cluster.local")));
        Assert.Equal("hello-00001", await outside.GetStringAsync(activator.Url("hello.default.localhost")));
    }

    [Fact]
    public async Task Control_surface_refuses_bad_input_with_field_paths()
    {
        await using var activator = await TestActivator.StartAsync();
        var bad = TestActivator.Table("hello", 0, null, null, ("hello-00001", 60, null, ["127.0.0.1:1"]));
        using var refused = await activator.Control.PutAsJsonAsync("/activator/v1/routes", bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var body = await JsonAsync(refused);
        Assert.Equal("invalid-route-table", body.GetProperty("error").GetString());
        Assert.Equal("services[0].traffic: percents must sum to 100, got 60", body.GetProperty("errors")[0].GetString());

        using var notJson = await activator.Control.PutAsync("/activator/v1/routes", new StringContent("{\"services\": 5}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.StartsWith("$.services: invalid JSON", (await JsonAsync(notJson)).GetProperty("errors")[0].GetString());

        using var unknown = await activator.Control.PutAsJsonAsync("/activator/v1/revisions/default/nope-00001/endpoints", new { endpoints = new[] { "127.0.0.1:80" } });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("default/nope-00001", (await JsonAsync(unknown)).GetProperty("errors")[0].GetString());

        using var badEndpoint = await activator.Control.PutAsJsonAsync("/activator/v1/revisions/default/nope-00001/endpoints", new { endpoints = new[] { "nohost" } });
        Assert.Equal(HttpStatusCode.BadRequest, badEndpoint.StatusCode);
        Assert.Contains("endpoints[0]", (await JsonAsync(badEndpoint)).GetProperty("errors")[0].GetString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("")]
    public async Task The_ingress_never_serves_the_control_endpoints_whatever_the_host(string host)
    {
        // An ingress client that names the activator's own host must not replace the table (and take a service's traffic).
        await using var backend = await Backend.StartAsync("hello-00001");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client();
        var hijack = TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, ["127.0.0.1:9"]));
        foreach (var (method, path, content) in new (HttpMethod, string, HttpContent?)[]
        {
            (HttpMethod.Put, "/activator/v1/routes", JsonContent.Create(hijack)),
            (HttpMethod.Put, "/activator/v1/revisions/default/hello-00001/endpoints", JsonContent.Create(new Platform.Serving.Contracts.Routing.EndpointsUpdate { Endpoints = ["127.0.0.1:9"] })),
            (HttpMethod.Get, "/activator/v1/routes", null),
            (HttpMethod.Get, "/activator/v1/stats", null),
        })
        {
            using var request = new HttpRequestMessage(method, $"http://127.0.0.1:{activator.Port}{path}") { Content = content };
            request.Headers.Host = host.Length == 0 ? $"127.0.0.1:{activator.Port}" : $"{host}:{activator.Port}";
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("control port", await response.Content.ReadAsStringAsync());
        }
        // Nothing changed: the service still reaches its backend, and the control port shows the first table.
        Assert.Equal("hello-00001", await client.GetStringAsync(activator.Url("hello.default.localhost")));
        var routes = await activator.Control.GetFromJsonAsync<JsonElement>("/activator/v1/routes");
        Assert.Equal(1, routes.GetProperty("version").GetInt64());
        Assert.Equal(backend.Endpoint, routes.GetProperty("table").GetProperty("revisions")[0].GetProperty("endpoints")[0].GetString());
    }

    [Fact]
    public async Task The_control_port_listens_on_loopback_only_and_never_forwards()
    {
        await using var backend = await Backend.StartAsync("hello-00001");
        await using var activator = await TestActivator.StartAsync(new() { ["Activator:Address"] = "0.0.0.0" });
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        // A service host on the control port is not forwarded.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{activator.ControlPort}/");
        request.Headers.Host = "hello.default.localhost";
        using var response = await activator.Control.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        // The control listener is bound to 127.0.0.1 alone (the ingress to the configured address).
        var listeners = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();
        Assert.Contains(listeners, l => l.Port == activator.ControlPort && l.Address.Equals(IPAddress.Loopback));
        Assert.DoesNotContain(listeners, l => l.Port == activator.ControlPort && !IPAddress.IsLoopback(l.Address));
        Assert.Contains(listeners, l => l.Port == activator.Port && l.Address.Equals(IPAddress.Any));
    }

    [Fact]
    public async Task With_APP_API_TOKEN_set_control_calls_without_the_token_are_refused_401_and_change_nothing()
    {
        await using var activator = await TestActivator.StartAsync(new() { ["APP_API_TOKEN"] = "app-secret" });
        var table = TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, ["127.0.0.1:1"]));

        using (var refused = await activator.Control.PutAsJsonAsync("/activator/v1/routes", table))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("dapr-api-token", await refused.Content.ReadAsStringAsync());
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Put, "/activator/v1/routes") { Content = JsonContent.Create(table) })
        {
            wrong.Headers.Add("dapr-api-token", "not-it");
            using var response = await activator.Control.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var read = new HttpRequestMessage(HttpMethod.Get, "/activator/v1/routes"))
        {
            read.Headers.Add("dapr-api-token", "app-secret");
            using var response = await activator.Control.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var view = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(0, view.GetProperty("hosts").GetArrayLength()); // nothing was applied
        }
        using (var accepted = new HttpRequestMessage(HttpMethod.Put, "/activator/v1/routes") { Content = JsonContent.Create(table) })
        {
            accepted.Headers.Add("dapr-api-token", "app-secret");
            using var response = await activator.Control.SendAsync(accepted);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_unknown_path_or_method_on_the_control_port_answers_a_problem_body_not_an_empty_one()
    {
        await using var activator = await TestActivator.StartAsync();
        using var unknown = await activator.Control.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        using var method = await activator.Control.DeleteAsync("/activator/v1/routes");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.NotEmpty(await method.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Stats_are_reported_per_revision()
    {
        await using var backend = await Backend.StartAsync("hello-00001");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client();
        for (var i = 0; i < 25; i++) await client.GetStringAsync(activator.Url("hello.default.localhost"));

        await TestActivator.EventuallyAsync(() => activator.Stats.Batches
            .SelectMany(b => b.Revisions).Where(r => r.Revision == "hello-00001").Sum(r => r.RequestCount) == 25, "25 requests in stats");
        // A revision with replicas is reported every second even when idle (as zero), so skip any batch sent before the requests.
        var stat = activator.Stats.Batches.SelectMany(b => b.Revisions).First(r => r.Revision == "hello-00001" && r.RequestCount > 0);
        Assert.Equal("default", stat.Namespace);
        Assert.True(stat.AverageConcurrency > 0);

        var view = await activator.Control.GetFromJsonAsync<JsonElement>("/activator/v1/stats");
        Assert.Equal("hello-00001", view.GetProperty("revisions")[0].GetProperty("revision").GetString());
    }

    [Fact]
    public async Task Custom_domains_reach_their_service_and_other_addressables()
    {
        await using var service = await Backend.StartAsync("hello-00001");
        await using var broker = await Backend.StartAsync("broker");
        // Only 127.0.0.2 counts as local: connections from 127.0.0.1 play the outside caller.
        await using var activator = await TestActivator.StartAsync(new() { ["Activator:LocalNetworks:0"] = "127.0.0.2/32" });
        var table = TestActivator.Table("hello", 0, null, "cluster-local", ("hello-00001", 100, null, [service.Endpoint]));
        await activator.ApplyAsync(table with
        {
            Domains =
            [
                new Platform.Serving.Contracts.Routing.DomainRoute { Host = "hello.example.com", Namespace = "default", Service = "hello" },
                new Platform.Serving.Contracts.Routing.DomainRoute { Host = "events.example.com", Namespace = "default", Url = $"http://{broker.Endpoint}/default/default" },
            ],
        });
        // From outside the local networks: a mapped domain is public even for a cluster-local service.
        using var outside = activator.Client(IPAddress.Parse("127.0.0.1"));
        using var refused = await outside.GetAsync(activator.Url("hello.default.localhost"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var seen = await outside.GetFromJsonAsync<Dictionary<string, string?>>(activator.Url("hello.example.com", "/whoami"));
        Assert.Equal(("hello-00001", $"hello.example.com:{activator.Port}"), (seen!["name"], seen["host"]));
        // The addressable gets its own path with the request's after it, and its own Host.
        Assert.Equal("broker at /default/default", await outside.GetStringAsync(activator.Url("events.example.com")));
        Assert.Equal("broker at /default/default/x", await outside.GetStringAsync(activator.Url("events.example.com", "/x")));
        using var unmapped = await outside.GetAsync(activator.Url("other.example.com"));
        Assert.Equal(HttpStatusCode.NotFound, unmapped.StatusCode);
    }
}
