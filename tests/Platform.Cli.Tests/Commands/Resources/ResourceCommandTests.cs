using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.Cli.Output;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Cli.Tests.Commands.Resources;

/// <summary>
/// The CLI against the real control-plane API on a free port: the flows of the issue's "done when" run the built
/// binary as a child process (<see cref="Process"/>); the rest run the same command tree in process with
/// <c>--server</c> (one process start per command is too slow for a table of commands on a loaded machine).
/// </summary>
public sealed class ResourceCommandTests(ApiServer api, ITestOutputHelper log) : IClassFixture<ApiServer>
{
    private const string HelloWorld = """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: NAME
        spec:
          template:
            spec:
              containers:
                - image: ghcr.io/knative/helloworld-go:latest
                  env:
                    - name: TARGET
                      value: "Go Sample v1"
        """;

    private Task<(int Code, string Out, string Err)> Process(params string[] args) => CliProcess.RunAsync(api.Url, log, null, args);

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PlatformCli.InvokeAsync([.. args, "--server", api.Url], new Terminal(output, error, false, false));
        log.WriteLine($"$ platform {string.Join(' ', args)}  → exit {code}\n{output}{error}");
        return (code, output.ToString(), error.ToString());
    }

    private Task<(int Code, string Out, string Err)> RunWithInput(string stdin, params string[] args) => CliProcess.RunAsync(api.Url, log, stdin, args);

    private string Write(string yaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"platform-cli-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }

    private async Task<JsonObject> GetJson(string kind, string name)
    {
        var (code, output, _) = await Run("get", kind, name, "-o", "json");
        Assert.Equal(ExitCode.Ok, code);
        return (JsonObject)JsonNode.Parse(output)!;
    }

    private async Task AssertAbsent(string kind, string name)
    {
        var (code, _, error) = await Run("get", kind, name);
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("not found", error);
    }

    [Fact]
    public async Task Apply_of_a_Knative_hello_world_then_get_services_yaml_shows_the_stored_object_with_defaults()
    {
        var file = Write(HelloWorld.Replace("NAME", "hello"));
        var (code, output, _) = await Process("apply", "-f", file);
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("service.serving.knative.dev/hello created", output);

        (code, output, _) = await Process("get", "services", "-o", "yaml");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("name: hello", output);
        Assert.Contains("image: ghcr.io/knative/helloworld-go:latest", output);
        Assert.Contains("containerConcurrency: 0", output);
        Assert.Contains("timeoutSeconds: 300", output);
        Assert.Contains("latestRevision: true", output);
        Assert.Contains("percent: 100", output);

        // Applying the same file again changes nothing.
        (code, output, _) = await Process("apply", "-f", file);
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("service.serving.knative.dev/hello unchanged", output);

        (code, output, _) = await Process("get", "ksvc");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Matches(@"NAME\s+URL\s+LATEST\s+AGE\s+CONDITIONS\s+READY\s+REASON", output);
        Assert.Matches(@"hello\s+.*0 OK / 0\s+<unknown>", output);
    }

    [Fact]
    public async Task Invalid_yaml_is_refused_with_every_field_path_and_nothing_is_stored()
    {
        var file = Write("""
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: invalid-one
            spec:
              template:
                spec:
                  containers:
                    - image: x
                      colour: blue
            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: invalid-two
            spec:
              template:
                spec:
                  containers:
                    - image: x
              traffic:
                - latestRevision: true
                  percent: 60
                - revisionName: invalid-two-00001
                  percent: 120
            """);
        var (code, _, error) = await Process("apply", "-f", file);
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains($"{file}: document 1: spec.template.spec.containers[0].colour: unknown field", error);
        Assert.Contains($"{file}: Service invalid-two: spec.traffic[1].percent:", error);
        Assert.Contains("nothing was applied", error);
        await AssertAbsent("ksvc", "invalid-one");
        await AssertAbsent("ksvc", "invalid-two");

        (code, _, error) = await Process("apply", "-f", Write("kind: [unclosed"));
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("malformed YAML", error);
    }

    [Fact]
    public async Task A_multi_document_file_the_server_refuses_in_one_document_stores_nothing()
    {
        var (code, _, _) = await Run("trigger", "create", "orders", "--broker", "first", "--sink", "http://example.com/orders");
        Assert.Equal(ExitCode.Ok, code);

        // Valid on its own, but a trigger's broker is immutable: the API refuses the whole apply.
        var file = Write(HelloWorld.Replace("NAME", "multi-ok") + """

            ---
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata:
              name: orders
            spec:
              broker: second
              subscriber:
                uri: http://example.com/orders
            """);
        string error;
        (code, _, error) = await Run("apply", "-f", file);
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("Trigger default/orders: spec.broker: is immutable", error);
        await AssertAbsent("ksvc", "multi-ok");
        Assert.Equal("first", (await GetJson("trigger", "orders")).At("spec.broker")?.ToString());
    }

    [Fact]
    public async Task Apply_reads_stdin_and_delete_f_removes_what_the_file_names()
    {
        var yaml = HelloWorld.Replace("NAME", "from-stdin");
        var (code, output, _) = await RunWithInput(yaml, "apply", "-f", "-");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("service.serving.knative.dev/from-stdin created", output);

        (code, output, _) = await Process("delete", "-f", Write(yaml));
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Service 'from-stdin' successfully deleted in namespace 'default'.", output);
        await AssertAbsent("ksvc", "from-stdin");
    }

    [Fact]
    public async Task Apply_of_a_folder_reads_its_yaml_and_json_into_the_namespace_given()
    {
        var dir = Directory.CreateTempSubdirectory("platform-cli-apply-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "a.yaml"), HelloWorld.Replace("NAME", "folder-a"));
            File.WriteAllText(Path.Combine(dir.FullName, "b.json"),
                """{"apiVersion":"eventing.knative.dev/v1","kind":"Broker","metadata":{"name":"folder-b"}}""");
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "not a manifest");
            var (code, output, _) = await Run("apply", "-f", dir.FullName, "-n", "staging");
            Assert.Equal(ExitCode.Ok, code);
            Assert.Contains("service.serving.knative.dev/folder-a created", output);
            Assert.Contains("broker.eventing.knative.dev/folder-b created", output);

            (code, output, _) = await Run("get", "brokers", "-n", "staging", "-o", "name");
            Assert.Equal("broker.eventing.knative.dev/folder-b", output.Trim());
            (code, output, _) = await Run("get", "ksvc", "-A");
            Assert.Matches(@"NAMESPACE\s+NAME\s+URL", output);
            Assert.Matches(@"staging\s+folder-a", output);
            await AssertAbsent("broker", "folder-b"); // not in "default"
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Service_create_and_update_with_tags_and_traffic()
    {
        var (code, output, error) = await Run("service", "create", "shop", "--image", "img:1", "--env", "A=1", "--env", "B=2", "--port", "8081",
            "--concurrency-limit", "10", "--scale-min", "1", "--scale-max", "5", "--annotation", "team=web", "--no-wait");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Service 'shop' created in namespace 'default'.", output);
        var shop = await GetJson("ksvc", "shop");
        Assert.Equal("web", shop.At("metadata.annotations")?["team"]?.ToString());
        var template = shop.At("spec.template")!;
        Assert.Equal("1", template.At("metadata.annotations")?["autoscaling.knative.dev/min-scale"]?.ToString());
        Assert.Equal("5", template.At("metadata.annotations")?["autoscaling.knative.dev/max-scale"]?.ToString());
        Assert.Equal("10", template.StringAt("spec.containerConcurrency"));
        Assert.Equal("8081", template.ObjectsAt("spec.containers")[0].ObjectsAt("ports")[0].StringAt("containerPort"));
        Assert.Equal(2, template.ObjectsAt("spec.containers")[0].ObjectsAt("env").Count);

        (code, _, _) = await Run("service", "update", "shop", "--tag", "@latest=current", "--env", "A-", "--no-wait");
        Assert.Equal(ExitCode.Ok, code);
        (code, _, _) = await Run("service", "update", "shop", "--traffic", "current=70,shop-00001=30", "--tag", "shop-00001=old", "--no-wait");
        Assert.Equal(ExitCode.Ok, code);
        shop = await GetJson("ksvc", "shop");
        var traffic = shop.ObjectsAt("spec.traffic");
        Assert.Equal(2, traffic.Count);
        Assert.Contains(traffic, t => t.StringAt("tag") == "current" && t.StringAt("latestRevision") == "true" && t.StringAt("percent") == "70");
        Assert.Contains(traffic, t => t.StringAt("tag") == "old" && t.StringAt("revisionName") == "shop-00001" && t.StringAt("percent") == "30");
        Assert.Equal(["B"], shop.At("spec.template")!.ObjectsAt("spec.containers")[0].ObjectsAt("env").Select(e => e.StringAt("name")));

        // Percents that do not sum to 100 are refused locally with the field path; nothing changes.
        (code, _, error) = await Run("service", "update", "shop", "--traffic", "current=50,old=40", "--no-wait");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("spec.traffic: percents sum to 90, want 100", error);
        Assert.Equal("70", (await GetJson("ksvc", "shop")).ObjectsAt("spec.traffic").First(t => t.StringAt("tag") == "current").StringAt("percent"));

        (code, _, error) = await Run("service", "update", "shop", "--traffic", "current=abc", "--no-wait");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--traffic current=abc: the percent must be an integer between 0 and 100", error);

        (code, output, _) = await Run("service", "describe", "shop");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Image:", output);
        Assert.Matches(@"70%\s+@latest #current", output);

        // No revision runs (the reconcilers are off here): the logs endpoint answers with no line.
        (code, output, _) = await Run("service", "logs", "shop");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Equal("", output);

        (code, output, _) = await Run("service", "delete", "shop");
        Assert.Equal(ExitCode.Ok, code);
        await AssertAbsent("ksvc", "shop");
    }

    [Fact]
    public async Task Service_create_refuses_bad_flags_with_exit_code_2()
    {
        var (code, _, error) = await Run("service", "create", "noimage", "--no-wait");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("give --image IMAGE or --cmd COMMAND", error);
        (code, _, error) = await Run("service", "create", "badenv", "--image", "x", "--env", "NOVALUE", "--no-wait");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--env \"NOVALUE\": expected KEY=VALUE", error);
        (code, _, error) = await Run("service", "create", "Bad_Name", "--image", "x", "--no-wait");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("metadata.name", error);
        await AssertAbsent("ksvc", "noimage");
    }

    [Fact]
    public async Task Service_create_waits_until_ready_and_reports_failure_and_timeout()
    {
        using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
        var waiting = Run("service", "create", "waited", "--cmd", "/bin/true", "--wait-timeout", "30");
        await SetReadyAsync(http, "waited", "True", null, "http://waited.default.example.com");
        var (code, output, error) = await waiting;
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Service 'waited' created to latest revision 'waited-00001' is available at URL:", output);
        Assert.Contains("http://waited.default.example.com", output);
        Assert.Contains("Creating Service 'waited'", error);

        var failing = Run("service", "create", "failing", "--image", "x", "--wait-timeout", "30");
        await SetReadyAsync(http, "failing", "False", "RevisionFailed", null);
        (code, _, error) = await failing;
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("RevisionFailed: the container exited", error);

        (code, _, error) = await Run("service", "create", "slow", "--image", "x", "--wait-timeout", "1");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("not ready after 1 seconds", error);
    }

    // Plays the controller: waits for the Service to exist, then writes its status.
    private static async Task SetReadyAsync(HttpClient http, string name, string status, string? reason, string? url,
        string collection = "serving.knative.dev/v1/namespaces/default/services")
    {
        var path = $"/apis/{collection}/{name}";
        for (var i = 0; i < 200 && !(await http.GetAsync(path)).IsSuccessStatusCode; i++) await Task.Delay(50);
        await Task.Delay(300); // Let the CLI reach its watch.
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
                    ["message"] = reason is null ? null : "the container exited",
                    ["lastTransitionTime"] = DateTimeOffset.UtcNow.ToString("O"),
                }),
            },
        };
        if (collection.EndsWith("/services", StringComparison.Ordinal))
        {
            patch["status"]!["url"] = url;
            patch["status"]!["latestReadyRevisionName"] = status == "True" ? $"{name}-00001" : null;
        }
        var request = new HttpRequestMessage(HttpMethod.Patch, path + "/status") { Content = new StringContent(patch.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Trigger_create_waits_for_ready_only_when_asked()
    {
        using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
        const string triggers = "eventing.knative.dev/v1/namespaces/default/triggers";
        var waiting = Run("trigger", "create", "awaited", "--sink", "http://example.com/", "--wait", "--wait-timeout", "30");
        await SetReadyAsync(http, "awaited", "True", null, null, triggers);
        var (code, output, _) = await waiting;
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Trigger 'awaited' is ready.", output);

        (code, _, var error) = await Run("trigger", "create", "never", "--sink", "http://example.com/", "--wait", "--wait-timeout", "1");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("Trigger 'never' not ready after 1 seconds", error);

        (code, output, _) = await Run("trigger", "create", "unwaited", "--sink", "http://example.com/");
        Assert.Equal(ExitCode.Ok, code); // kn does not wait for triggers; neither do we without --wait
        Assert.Contains("Trigger 'unwaited' successfully created", output);
    }

    [Fact]
    public async Task Broker_trigger_source_channel_and_subscription_create_list_describe_delete()
    {
        var (code, output, _) = await Run("broker", "create", "events", "--dl-sink", "ksvc:dead");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Broker 'events' successfully created in namespace 'default'.", output);
        (code, output, _) = await Run("trigger", "create", "paid", "--broker", "events", "--filter", "type=dev.example.paid", "--sink", "ksvc:billing");
        Assert.Equal(ExitCode.Ok, code);
        (code, output, _) = await Run("trigger", "list");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Matches(@"paid\s+events\s+ksvc:billing", output);
        (code, output, _) = await Run("trigger", "describe", "paid");
        Assert.Contains("type: dev.example.paid", output);
        // The loss accounting comes from the broker's /stats; a broker with no address yet (no broker service here) says so.
        Assert.Contains("Delivery:  not available (broker default/events has no address yet)", output);
        var trigger = await GetJson("trigger", "paid");
        Assert.Equal("Service", trigger.StringAt("spec.subscriber.ref.kind"));
        Assert.Equal("serving.knative.dev/v1", trigger.StringAt("spec.subscriber.ref.apiVersion"));

        (code, _, _) = await Run("source", "ping", "create", "beat", "--schedule", "*/1 * * * *", "--data", "{\"n\":1}", "--sink", "broker:events");
        Assert.Equal(ExitCode.Ok, code);
        (code, output, _) = await Run("source", "ping", "list");
        Assert.Matches(@"beat\s+\*/1 \* \* \* \*\s+broker:events", output);
        (code, _, var error) = await Run("source", "ping", "create", "badcron", "--schedule", "every minute", "--sink", "broker:events");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("spec.schedule", error);

        (code, _, _) = await Run("channel", "create", "orders-ch", "--type", "imc");
        Assert.Equal(ExitCode.Ok, code);
        (code, _, _) = await Run("subscription", "create", "orders-sub", "--channel", "orders-ch", "--sink", "ksvc:orders", "--sink-reply", "broker:events", "--sink-dead-letter", "http://dead.example.com");
        Assert.Equal(ExitCode.Ok, code);
        (code, output, _) = await Run("subscription", "list");
        Assert.Matches(@"orders-sub\s+channel:orders-ch\s+ksvc:orders\s+broker:events\s+http://dead.example.com", output);
        (code, output, _) = await Run("get", "ch");
        Assert.Matches(@"orders-ch\s+InMemoryChannel", output);

        (code, output, _) = await Run("trigger", "delete", "paid");
        Assert.Equal(ExitCode.Ok, code);
        (code, _, _) = await Run("subscription", "delete", "orders-sub");
        Assert.Equal(ExitCode.Ok, code);
        (code, output, _) = await Run("get", "subscriptions");
        Assert.Contains("No subscriptions found.", output);
        (code, _, error) = await Run("broker", "delete", "nope");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("\"nope\" not found", error);
    }

    [Fact]
    public async Task Exit_codes_for_unknown_kinds_missing_objects_and_an_unreachable_api()
    {
        var (code, _, error) = await Process("get", "widgets");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("unknown kind \"widgets\"", error);
        (code, _, error) = await Process("describe", "rev", "missing-00001");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("not found", error);
        (code, _, error) = await Process("service", "logs", "missing");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("missing", error);

        var closed = $"http://127.0.0.1:{FreePort.Next()}";
        (code, _, error) = await CliProcess.RunAsync(closed, log, null, "get", "ksvc");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains($"cannot reach the Platform API at {closed}: is it running? start it with ./platform up --detach", error);
        (code, _, error) = await Process("get", "ksvc", "--server", "ftp://x");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--server: \"ftp://x\" is not an http(s) URL", error);
    }
}
