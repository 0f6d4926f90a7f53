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
        var stat = activator.Stats.Batches.SelectMany(b => b.Revisions).First(r => r.Revision == "hello-00001");
        Assert.Equal("default", stat.Namespace);
        Assert.True(stat.AverageConcurrency > 0);

        var view = await activator.Control.GetFromJsonAsync<JsonElement>("/activator/v1/stats");
        Assert.Equal("hello-00001", view.GetProperty("revisions")[0].GetProperty("revision").GetString());
    }
}
