using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.Cli.Output;
using Platform.Testing.Kubernetes;

namespace Platform.Cli.Tests.Commands.Resources;

/// <summary>
/// Kubernetes mode (<c>--kubeconfig</c>/<c>--context</c>) against an in-process server that answers like the
/// Kubernetes API: the same commands make the custom-object calls Kubernetes expects and print the same output.
/// </summary>
public sealed class ResourceCommandsKubernetesContractTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-cli-kube-");
    private FakeKubernetesApi _api = null!;
    private string _kubeconfig = "";

    private const string Services = "/apis/serving.knative.dev/v1/namespaces/default/services";

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _kubeconfig = _api.WriteKubeconfig(_dir.FullName);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PlatformCli.InvokeAsync([.. args, "--kubeconfig", _kubeconfig], new Terminal(output, error, false, false));
        return (code, output.ToString(), error.ToString());
    }

    private string File(string yaml)
    {
        var path = Path.Combine(_dir.FullName, $"{Guid.NewGuid():N}.yaml");
        System.IO.File.WriteAllText(path, yaml);
        return path;
    }

    private static string Service(string name, string image = "img") => $"""
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: {name}
        spec:
          template:
            spec:
              containers:
                - image: {image}
        """;

    [Fact]
    public async Task Apply_dry_runs_every_object_first_then_creates_them_with_the_kubeconfig_token()
    {
        var (code, output, error) = await Run("apply", "-f", File(Service("one") + "\n---\n" + Service("two")));
        Assert.True(code == ExitCode.Ok, error);
        Assert.Contains("service.serving.knative.dev/one created", output);
        Assert.Contains("service.serving.knative.dev/two created", output);

        var posts = _api.Calls.Where(c => c.Method == "POST").ToList();
        Assert.Equal([Services, Services, Services, Services], posts.Select(c => c.Path));
        Assert.Equal(["?dryRun=All", "?dryRun=All", "", ""], posts.Select(c => c.Query));
        Assert.All(_api.Calls, c => Assert.Equal("Bearer test-token", c.Authorization));
        Assert.NotNull(_api.Stored("serving.knative.dev/v1/services", "default", "two"));

        // Re-applying replaces with the stored resourceVersion.
        (code, output, _) = await Run("apply", "-f", File(Service("one", "img:2")));
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("service.serving.knative.dev/one configured", output);
        Assert.Equal("img:2", _api.Stored("serving.knative.dev/v1/services", "default", "one")!.At("spec.template.spec")!.ObjectsAt("containers")[0].StringAt("image"));
    }

    [Fact]
    public async Task A_refused_object_leaves_the_cluster_untouched_and_prints_the_causes()
    {
        _api.Refuse["bad"] = "the image cannot be resolved";
        var (code, _, error) = await Run("apply", "-f", File(Service("fine") + "\n---\n" + Service("bad")));
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("denied the request: the image cannot be resolved", error);
        Assert.Contains("  spec: the image cannot be resolved", error);
        Assert.Null(_api.Stored("serving.knative.dev/v1/services", "default", "fine"));
        Assert.DoesNotContain(_api.Calls, c => c.Method == "POST" && c.Query == "");
    }

    [Fact]
    public async Task Service_commands_use_get_and_replace_and_print_the_same_tables()
    {
        var (code, output, _) = await Run("service", "create", "web", "--image", "img", "--no-wait");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Service 'web' created in namespace 'default'.", output);

        (code, _, _) = await Run("service", "update", "web", "--tag", "@latest=current", "--no-wait");
        Assert.Equal(ExitCode.Ok, code);
        var put = _api.Calls.Last(c => c.Method == "PUT");
        Assert.Equal(Services + "/web", put.Path);
        Assert.Equal("current", _api.Stored("serving.knative.dev/v1/services", "default", "web")!.ObjectsAt("spec.traffic")[0].StringAt("tag"));

        (code, output, _) = await Run("get", "ksvc");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Matches(@"NAME\s+URL\s+LATEST\s+AGE\s+CONDITIONS\s+READY\s+REASON", output);
        Assert.Matches(@"web\s+\S+\s+0 OK / 0\s+<unknown>", output);

        (code, _, _) = await Run("get", "ksvc", "-A");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains(_api.Calls, c => c.Method == "GET" && c.Path == "/apis/serving.knative.dev/v1/services");

        (code, output, _) = await Run("service", "delete", "web");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Service 'web' successfully deleted in namespace 'default'.", output);
        Assert.Null(_api.Stored("serving.knative.dev/v1/services", "default", "web"));
    }

    [Fact]
    public async Task Describe_and_yaml_output_read_the_cluster_objects()
    {
        var (code, _, _) = await Run("broker", "create", "mesh", "--class", "MTChannelBasedBroker");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Equal("MTChannelBasedBroker", _api.Stored("eventing.knative.dev/v1/brokers", "default", "mesh")!.At("metadata.annotations")?["eventing.knative.dev/broker.class"]?.ToString());
        string output;
        (code, output, _) = await Run("broker", "describe", "mesh");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Class:", output);
        Assert.Contains("MTChannelBasedBroker", output);
        (code, output, _) = await Run("get", "broker", "mesh", "-o", "yaml");
        Assert.Equal(ExitCode.Ok, code);
        Assert.StartsWith("apiVersion: eventing.knative.dev/v1\nkind: Broker\n", output);
        (code, _, var error) = await Run("describe", "broker", "absent");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("\"absent\" not found", error);
    }

    [Fact]
    public async Task Wait_follows_the_watch_stream_until_ready()
    {
        // The CLI creates the Service and watches it; a controller (here: a store client of the same fake) marks it Ready.
        var run = Run("service", "create", "watched", "--image", "img", "--wait-timeout", "20");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        // Mark it Ready only once the CLI watches, so the Ready state must arrive through the stream (not a first GET).
        while (!_api.Calls.Any(c => c.Method == "GET" && c.Query.Contains("watch=true", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        using var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = _api.Url });
        var controller = new Platform.ControlPlane.Kubernetes.KubernetesResourceStore(client);
        var status = JsonNode.Parse("""
            {"observedGeneration":1,"url":"http://watched.default.example.com","latestReadyRevisionName":"watched-00001","conditions":[{"type":"Ready","status":"True"}]}
            """)!;
        await controller.PatchAsync(Platform.ControlPlane.Kinds.ResourceKinds.Service, "default", "watched", new JsonObject { ["status"] = status }, status: true);
        var (code, output, error) = await run;
        Assert.True(code == ExitCode.Ok, error);
        Assert.Contains("http://watched.default.example.com", output);
        Assert.Contains(_api.Calls, c => c.Method == "GET" && c.Query.Contains("watch=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broken_kubeconfig_or_an_unreachable_cluster_is_reported()
    {
        var (code, _, error) = await Run("get", "ksvc", "--context", "nope");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("nope", error);

        var output = new StringWriter();
        var err = new StringWriter();
        code = await PlatformCli.InvokeAsync(["get", "ksvc", "--kubeconfig", Path.Combine(_dir.FullName, "missing")], new Terminal(output, err, false, false));
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--kubeconfig: file", err.ToString());

        var closed = Path.Combine(_dir.FullName, "closed");
        System.IO.File.WriteAllText(closed, System.IO.File.ReadAllText(_kubeconfig).Replace(_api.Url, $"http://127.0.0.1:{Platform.Testing.FreePort.Next()}"));
        err = new StringWriter();
        code = await PlatformCli.InvokeAsync(["get", "ksvc", "--kubeconfig", closed], new Terminal(output, err, false, false));
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("cannot reach the Kubernetes API at", err.ToString());
    }
}
