using System.Net;
using System.Text.Json.Nodes;
using Platform.Testing.Serving;

namespace Platform.Serving.EndToEnd.Tests;

/// <summary>Knative's hello-world flow through the CLI, the controller, the process backend and the activator.</summary>
public sealed class HelloWorldTests(ServingStack stack) : IClassFixture<ServingStack>
{
    private static readonly TimeSpan Cli = TimeSpan.FromSeconds(90);
    // With the API's token: the controller's /workloads and /apis need it (the activator ignores it).
    private readonly HttpClient _http = stack.ApiClient();

    [SkippableFact]
    public async Task Create_update_split_tag_and_delete_hello()
    {
        stack.SkipIfUnavailable();

        // Create: Ready with its URL, and the activator serves it by Host.
        var create = await stack.CliAsync(Cli, "service", "create", "hello", "--cmd", "dotnet", "--arg", stack.HelloWorld, "--env", "TARGET=World", "--wait-timeout", "60");
        Assert.True(create.ExitCode == 0, create.Output + "\n" + stack.AppLog("serving-controller"));
        Assert.Contains("latest revision 'hello-00001'", create.Output);
        Assert.Contains($"http://hello.default.localhost:{stack.ActivatorPort}", create.Output);
        var (body, revision) = await GetAsync("hello.default.localhost");
        Assert.Equal(("Hello World!\n", "hello-00001"), (body, revision));

        // Update the env: a second revision, and all traffic moves to it.
        var update = await stack.CliAsync(Cli, "service", "update", "hello", "--env", "TARGET=Knative", "--wait-timeout", "60");
        Assert.True(update.ExitCode == 0, update.Output);
        Assert.Contains("latest revision 'hello-00002'", update.Output);
        for (var i = 0; i < 20; i++) Assert.Equal(("Hello Knative!\n", "hello-00002"), await GetAsync("hello.default.localhost"));

        // hello-00001 no longer has traffic: the autoscaler scales it to zero after its stable window and grace period,
        // and it stays Ready, as Knative's does.
        await Eventually(async () => await ReplicasAsync("hello-00001") == 0, TimeSpan.FromSeconds(45), "hello-00001 was not scaled to zero");
        var old = await GetObjectAsync("revisions/hello-00001");
        Assert.Equal("True", (string?)old["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!["status"]);

        // Split 50/50 and tag the candidate: hello-00001 scales from zero on its first request (activator → poke).
        var split = await stack.CliAsync(Cli, "service", "update", "hello", "--traffic", "hello-00001=50,hello-00002=50", "--tag", "hello-00002=candidate", "--wait-timeout", "60");
        Assert.True(split.ExitCode == 0, split.Output);
        var service = await GetObjectAsync("services/hello");
        var traffic = service["status"]!["traffic"]!.AsArray();
        Assert.Equal(2, traffic.Count);
        Assert.Contains(traffic, t => (string?)t!["tag"] == "candidate" && (string?)t["url"] == $"http://candidate-hello.default.localhost:{stack.ActivatorPort}");

        var counts = new Dictionary<string, int>();
        var requests = Enumerable.Range(0, 2000).Select(_ => GetAsync("hello.default.localhost"));
        foreach (var chunk in requests.Chunk(50))
            foreach (var (_, rev) in await Task.WhenAll(chunk))
                counts[rev] = counts.GetValueOrDefault(rev) + 1;
        Assert.True(counts.GetValueOrDefault("hello-00001") is >= 900 and <= 1100 && counts.GetValueOrDefault("hello-00002") is >= 900 and <= 1100,
            "50% ± 5% each over 2,000 requests; got " + string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")));
        for (var i = 0; i < 50; i++) Assert.Equal(("Hello Knative!\n", "hello-00002"), await GetAsync("candidate-hello.default.localhost"));

        // Logs of the replicas through the API and the CLI.
        var logs = await stack.CliAsync(Cli, "service", "logs", "hello", "--revision", "hello-00002");
        Assert.True(logs.ExitCode == 0, logs.Output);
        Assert.Contains("as revision 'hello-00002'", logs.Output);

        // Idle: both revisions are still routed but get no requests. The activator keeps reporting zero for revisions
        // with replicas, so the autoscaler scales both to zero; the next request starts one again (held, then served).
        await Eventually(async () => await ReplicasAsync("hello-00001") == 0 && await ReplicasAsync("hello-00002") == 0,
            TimeSpan.FromSeconds(60), "idle routed revisions were not scaled to zero");
        Assert.Equal(("Hello Knative!\n", "hello-00002"), await GetAsync("candidate-hello.default.localhost"));

        // Delete: every replica process is gone.
        var pids = new List<int>();
        foreach (var rev in new[] { "hello-00001", "hello-00002" })
        {
            using var status = await _http.GetAsync($"{stack.Server}/workloads/v1/revisions/default/{rev}");
            if (status.StatusCode != HttpStatusCode.OK) continue;
            var workload = JsonNode.Parse(await status.Content.ReadAsStringAsync())!;
            pids.AddRange(workload["replicas"]!.AsArray().Select(r => (int?)r!["processId"]).OfType<int>());
        }
        Assert.NotEmpty(pids);
        var delete = await stack.CliAsync(Cli, "service", "delete", "hello");
        Assert.True(delete.ExitCode == 0, delete.Output);
        await Eventually(() => pids.All(pid => !Directory.Exists($"/proc/{pid}")), TimeSpan.FromSeconds(20), "replica processes still running: " + string.Join(",", pids.Where(p => Directory.Exists($"/proc/{p}"))));
        await Eventually(async () => (await _http.SendAsync(Request("hello.default.localhost"))).StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(10), "the route is still served after delete");
    }

    [SkippableFact]
    public async Task A_crashing_command_is_not_ready_and_says_why()
    {
        stack.SkipIfUnavailable();
        var create = await stack.CliAsync(Cli, "service", "create", "crash", "--cmd", "sh", "--arg", "-c",
            "--arg", "echo starting crash; echo fatal: cannot open config.json >&2; exit 3", "--wait-timeout", "60");
        Assert.True(create.ExitCode == 1 && create.Output.Contains("fatal: cannot open config.json", StringComparison.Ordinal),
            $"exit code {create.ExitCode}:\n{create.Output}\n--- serving-controller log:\n{stack.AppLog("serving-controller")}");

        var revision = await GetObjectAsync("revisions/crash-00001");
        var ready = revision["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!;
        Assert.Equal(("False", "ExitCode3"), ((string?)ready["status"], (string?)ready["reason"]));
        Assert.Contains("fatal: cannot open config.json", (string?)ready["message"]);
        var service = await GetObjectAsync("services/crash");
        var serviceReady = service["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!;
        Assert.Equal("False", (string?)serviceReady["status"]);
        Assert.Equal(0, (await stack.CliAsync(Cli, "service", "delete", "crash")).ExitCode);
    }

    [SkippableFact]
    public async Task A_request_held_for_a_revision_that_cannot_start_again_ends_503_with_the_reason()
    {
        stack.SkipIfUnavailable();
        // The first replica serves; once scaled to zero, every later start exits at once (its marker file exists).
        var marker = Path.Combine(Path.GetTempPath(), "platform-e2e-started-" + Guid.NewGuid().ToString("N")[..8]);
        var script = $"if [ -f {marker} ]; then echo fatal: cannot start twice >&2; exit 3; fi; touch {marker}; exec dotnet {stack.HelloWorld}";
        try
        {
            var create = await stack.CliAsync(Cli, "service", "create", "once", "--cmd", "sh", "--arg", "-c", "--arg", script, "--wait-timeout", "60");
            Assert.True(create.ExitCode == 0, create.Output);
            Assert.Equal("Hello World!\n", (await GetAsync("once.default.localhost")).Body);
            await Eventually(async () => await ReplicasAsync("once-00001") == 0, TimeSpan.FromSeconds(45), "once-00001 was not scaled to zero");
            // And the activator knows: until its endpoints update, a draining replica may still answer the request.
            await Eventually(async () => await ActivatorReplicasAsync("once-00001") == 0, TimeSpan.FromSeconds(30), "the activator still routes to once-00001's old replica");

            // Held at zero, poked, the replica exits at start: the request ends when the revision fails, naming why,
            // not after the 300 s timeout.
            using var response = await _http.SendAsync(Request("once.default.localhost"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {body}");
            var error = JsonNode.Parse(body)!;
            Assert.Equal("revision-failed", (string?)error["error"]);
            Assert.Contains("ExitCode3", (string?)error["message"]);
            Assert.Equal(0, (await stack.CliAsync(Cli, "service", "delete", "once")).ExitCode);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [SkippableFact]
    public async Task A_custom_domain_reaches_its_service_through_the_cli()
    {
        stack.SkipIfUnavailable();
        var create = await stack.CliAsync(Cli, "service", "create", "mapped", "--cmd", "dotnet", "--arg", stack.HelloWorld, "--env", "TARGET=Domain", "--wait-timeout", "60");
        Assert.True(create.ExitCode == 0, create.Output);

        var domain = await stack.CliAsync(Cli, "domain", "create", "mapped.example.com", "--ref", "ksvc:mapped", "--wait", "--wait-timeout", "60");
        Assert.True(domain.ExitCode == 0, domain.Output + "\n" + stack.AppLog("serving-controller"));
        Assert.Equal("Hello Domain!\n", (await GetAsync("mapped.example.com")).Body);

        var list = await stack.CliAsync(Cli, "domain", "list");
        Assert.Contains("http://mapped.example.com", list.Output);
        Assert.Contains("ksvc:mapped", list.Output);
        var mapping = await GetObjectAsync("domainmappings/mapped.example.com", "serving.knative.dev/v1beta1");
        Assert.Equal(["True", "True", "True", "True", "True"], new[] { "DomainClaimed", "ReferenceResolved", "CertificateProvisioned", "IngressReady", "Ready" }
            .Select(t => (string?)mapping["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == t)!["status"]));

        // A mapping of a service that does not exist says so, and routes nothing.
        var dangling = await stack.CliAsync(Cli, "domain", "create", "nothing.example.com", "--ref", "ksvc:nothing");
        Assert.True(dangling.ExitCode == 0, dangling.Output);
        await Eventually(async () => (string?)(await GetObjectAsync("domainmappings/nothing.example.com", "serving.knative.dev/v1beta1"))["status"]?["conditions"]?.AsArray()
            .SingleOrDefault(c => (string?)c!["type"] == "ReferenceResolved")?["reason"] == "NotFound", TimeSpan.FromSeconds(20), "nothing.example.com did not report NotFound");
        using (var notRouted = await _http.SendAsync(Request("nothing.example.com")))
            Assert.Equal(HttpStatusCode.NotFound, notRouted.StatusCode);

        Assert.Equal(0, (await stack.CliAsync(Cli, "domain", "delete", "mapped.example.com")).ExitCode);
        await Eventually(async () => (await _http.SendAsync(Request("mapped.example.com"))).StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(10), "the domain is still served after delete");
        Assert.Equal(0, (await stack.CliAsync(Cli, "domain", "delete", "nothing.example.com")).ExitCode);
        Assert.Equal(0, (await stack.CliAsync(Cli, "service", "delete", "mapped")).ExitCode);
    }

    [SkippableFact]
    public async Task The_hpa_class_scales_on_the_replicas_memory_and_never_on_concurrency()
    {
        stack.SkipIfUnavailable();
        // helloworld keeps tens of MiB resident: a 10 MiB target asks for more replicas than max-scale allows, with no
        // request at all (concurrency would keep it at one).
        var create = await stack.CliAsync(Cli, "service", "create", "hungry", "--cmd", "dotnet", "--arg", stack.HelloWorld,
            "--annotation", "autoscaling.knative.dev/class=hpa.autoscaling.knative.dev",
            "--annotation", "autoscaling.knative.dev/metric=memory",
            "--annotation", "autoscaling.knative.dev/target=10",
            "--annotation", "autoscaling.knative.dev/max-scale=3", "--wait-timeout", "60");
        Assert.True(create.ExitCode == 0, create.Output);

        await Eventually(async () => await ReplicasAsync("hungry-00001") == 3, TimeSpan.FromSeconds(60),
            "the HPA did not scale hungry-00001 to max-scale on memory\n" + stack.AppLog("serving-controller"));
        var pa = await GetObjectAsync("podautoscalers/hungry-00001", "autoscaling.internal.knative.dev/v1alpha1");
        Assert.Equal(3, (int)pa["status"]!["desiredScale"]!);
        Assert.Equal(0, (await stack.CliAsync(Cli, "service", "delete", "hungry")).ExitCode);
    }

    /// <summary>Ready replicas of <paramref name="revision"/> in the activator's throttler (its control port's stats).</summary>
    private async Task<int> ActivatorReplicasAsync(string revision)
    {
        // The activator's control port takes the app token its sidecar sends (APP_API_TOKEN), not the API's bearer token.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{stack.ActivatorControlPort}/activator/v1/stats");
        request.Headers.Add("dapr-api-token", stack.AppApiToken);
        using var response = await _http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"activator stats: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var stats = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return stats["revisions"]!.AsArray().Where(r => (string?)r!["revision"] == revision)
            .Select(r => (int)r!["state"]!["replicas"]!).FirstOrDefault();
    }

    private async Task<int> ReplicasAsync(string revision)
    {
        using var response = await _http.GetAsync($"{stack.Server}/workloads/v1/revisions/default/{revision}");
        var workload = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (int)workload["actual"]!;
    }

    private HttpRequestMessage Request(string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{stack.ActivatorPort}/");
        request.Headers.Host = host;
        return request;
    }

    private async Task<(string Body, string Revision)> GetAsync(string host)
    {
        using var response = await _http.SendAsync(Request(host));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{host}: {(int)response.StatusCode} {body}\nserving-controller log:\n{stack.AppLog("serving-controller")}");
        return (body, response.Headers.TryGetValues("X-Revision", out var v) ? v.Single() : "");
    }

    private async Task<JsonObject> GetObjectAsync(string path, string apiVersion = "serving.knative.dev/v1") =>
        JsonNode.Parse(await _http.GetStringAsync($"{stack.Server}/apis/{apiVersion}/namespaces/default/{path}"))!.AsObject();

    private static async Task Eventually(Func<bool> condition, TimeSpan timeout, string message) =>
        await Eventually(() => Task.FromResult(condition()), timeout, message);

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan timeout, string message)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, message);
            await Task.Delay(100);
        }
    }
}
