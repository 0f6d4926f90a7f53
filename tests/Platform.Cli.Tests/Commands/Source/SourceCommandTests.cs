using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.Cli.Output;
using Platform.Cli.Tests.Commands.Resources;
using Xunit.Abstractions;

namespace Platform.Cli.Tests.Commands.Source;

/// <summary>
/// <c>source ping …</c> and <c>source apiserver …</c> against the real control-plane API on a free port (no sources
/// service runs: where <c>--wait</c> needs a Ready source, the test writes the status as the service would).
/// </summary>
public sealed class SourceCommandTests(ApiServer api, ITestOutputHelper log) : IClassFixture<ApiServer>
{
    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PlatformCli.InvokeAsync([.. args, "--server", api.Url], new Terminal(output, error, false, false));
        log.WriteLine($"$ platform {string.Join(' ', args)}  → exit {code}\n{output}{error}");
        return (code, output.ToString(), error.ToString());
    }

    private async Task<JsonObject> GetJson(string kind, string name)
    {
        var (code, output, _) = await Run("get", kind, name, "-o", "json");
        Assert.Equal(ExitCode.Ok, code);
        return (JsonObject)JsonNode.Parse(output)!;
    }

    [Fact]
    public void The_tree_holds_the_source_commands()
    {
        var paths = new List<string>();
        void Walk(System.CommandLine.Command command, string path)
        {
            paths.Add(path);
            foreach (var sub in command.Subcommands) Walk(sub, $"{path} {sub.Name}");
        }
        var root = PlatformCli.Build(new Terminal(TextWriter.Null, TextWriter.Null, false, false));
        Walk(root.Subcommands.Single(c => c.Name == "source"), "source");
        foreach (var kind in new[] { "ping", "apiserver" })
            foreach (var verb in new[] { "create", "update", "list", "describe", "delete" })
                Assert.Contains($"source {kind} {verb}", paths);
    }

    [Fact]
    public async Task Ping_create_update_list_describe_delete()
    {
        var (code, output, _) = await Run("source", "ping", "create", "heartbeat", "--schedule", "*/2 * * * *", "--data", "{\"beat\":1}",
            "--encoding", "application/json", "--sink", "ksvc:display", "--ce-override", "team=blue");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Ping source 'heartbeat' created in namespace 'default'.", output);

        (code, output, _) = await Run("source", "ping", "update", "heartbeat", "--schedule", "@hourly", "--data", "base64:aGk=", "--timezone", "Europe/Paris", "--sink", "broker:default");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Ping source 'heartbeat' updated in namespace 'default'.", output);
        var stored = await GetJson("pingsource", "heartbeat");
        Assert.Equal(("@hourly", null, "aGk=", "Europe/Paris", "application/json", "Broker", "blue"),
            (stored.StringAt("spec.schedule"), stored.StringAt("spec.data"), stored.StringAt("spec.dataBase64"), stored.StringAt("spec.timezone"),
             stored.StringAt("spec.contentType"), stored.StringAt("spec.sink.ref.kind"), stored.StringAt("spec.ceOverrides.extensions.team")));
        Assert.Equal("2", stored.StringAt("metadata.generation"));

        (code, output, _) = await Run("source", "ping", "list");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Matches(@"NAME\s+SCHEDULE\s+SINK\s+AGE\s+CONDITIONS\s+READY\s+REASON", output);
        Assert.Matches(@"heartbeat\s+@hourly\s+broker:default", output);
        (code, output, _) = await Run("source", "ping", "describe", "heartbeat");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("heartbeat", output);

        (code, _, var error) = await Run("source", "ping", "update", "heartbeat");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("nothing to update", error);
        (code, _, error) = await Run("source", "ping", "update", "heartbeat", "--timezone", "Mars/Olympus");
        Assert.Equal(ExitCode.Usage, code); // checked as the API will, nothing sent
        Assert.Contains("spec.timezone", error);
        (code, _, error) = await Run("source", "ping", "update", "missing", "--schedule", "@daily");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("not found", error);
        (code, _, error) = await Run("source", "ping", "create", "nosink", "--schedule", "@daily", "--sink", "queue:x");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("unknown sink prefix \"queue\"", error);

        (code, output, _) = await Run("source", "ping", "delete", "heartbeat");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("PingSource 'heartbeat' successfully deleted", output);
    }

    [Fact]
    public async Task Apiserver_create_update_list_describe_delete()
    {
        var (code, output, _) = await Run("source", "apiserver", "create", "watcher", "--resource", "serving.knative.dev/v1:Service:app=shop",
            "--resource", "eventing.knative.dev/v1:Broker", "--mode", "resource", "--service-account", "events-reader", "--sink", "http://display.example.com/");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("ApiServer source 'watcher' created in namespace 'default'.", output);
        var stored = await GetJson("apiserversource", "watcher");
        Assert.Equal(("Resource", "events-reader", "http://display.example.com/", "shop"),
            (stored.StringAt("spec.mode"), stored.StringAt("spec.serviceAccountName"), stored.StringAt("spec.sink.uri"), stored["spec"]!["resources"]![0].StringAt("selector.matchLabels.app")));

        (code, _, _) = await Run("source", "apiserver", "update", "watcher", "--resource", "eventing.knative.dev/v1:Broker-", "--mode", "Reference", "--sink", "ksvc:display");
        Assert.Equal(ExitCode.Ok, code);
        stored = await GetJson("apiserversource", "watcher");
        Assert.Equal(("Reference", "Service", 1), (stored.StringAt("spec.mode"), stored.StringAt("spec.sink.ref.kind"), stored["spec"]!["resources"]!.AsArray().Count));

        (code, output, _) = await Run("source", "apiserver", "list");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Matches(@"NAME\s+RESOURCES\s+SINK\s+AGE", output);
        Assert.Matches(@"watcher\s+Service:serving.knative.dev/v1\s+ksvc:display", output);
        (code, output, _) = await Run("source", "apiserver", "describe", "watcher", "-o", "yaml");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("kind: ApiServerSource", output);

        (code, _, var error) = await Run("source", "apiserver", "create", "bad", "--resource", "Service", "--sink", "ksvc:x");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("expected APIVERSION:KIND", error);
        (code, _, error) = await Run("source", "apiserver", "create", "bad", "--resource", "v1:Event", "--mode", "everything", "--sink", "ksvc:x");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--mode \"everything\"", error);
        (code, _, error) = await Run("source", "apiserver", "create", "bad", "--resource", "v1:Event");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--sink", error);

        (code, _, _) = await Run("source", "apiserver", "delete", "watcher");
        Assert.Equal(ExitCode.Ok, code);
        (code, output, _) = await Run("source", "apiserver", "list");
        Assert.DoesNotContain("watcher", output);
    }

    [Fact]
    public async Task Create_waits_for_ready_only_when_asked_and_reports_the_reason()
    {
        using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
        var waiting = Run("source", "ping", "create", "awaited", "--schedule", "@daily", "--sink", "http://example.com/", "--wait", "--wait-timeout", "30");
        await SetReadyAsync(http, "sources.knative.dev/v1/namespaces/default/pingsources/awaited", "True", null);
        var (code, output, _) = await waiting;
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("PingSource 'awaited' is ready.", output);

        var failing = Run("source", "apiserver", "create", "denied", "--resource", "v1:Pod", "--sink", "http://example.com/", "--wait", "--wait-timeout", "30");
        await SetReadyAsync(http, "sources.knative.dev/v1/namespaces/default/apiserversources/denied", "False", "ResourceNotFound");
        (code, _, var error) = await failing;
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("ApiServerSource 'denied' is not ready: ResourceNotFound", error);

        (code, output, _) = await Run("source", "ping", "create", "unwaited", "--schedule", "@daily", "--sink", "http://example.com/");
        Assert.Equal(ExitCode.Ok, code);
        Assert.DoesNotContain("ready", output);
    }

    // Plays the sources service: waits for the object to exist, then writes its Ready condition.
    private static async Task SetReadyAsync(HttpClient http, string path, string status, string? reason)
    {
        await Platform.Testing.Condition.UntilAsync(async () => (await http.GetAsync($"/apis/{path}")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), $"{path} exists");
        var patch = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["observedGeneration"] = 1,
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = status,
                    ["reason"] = reason,
                    ["message"] = reason is null ? null : "the kind is not served",
                    ["lastTransitionTime"] = DateTimeOffset.UtcNow.ToString("O"),
                }),
            },
        };
        // The CLI watches from the version it read after creating; a status written before it watches is read first.
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/apis/{path}/status") { Content = new StringContent(patch.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
