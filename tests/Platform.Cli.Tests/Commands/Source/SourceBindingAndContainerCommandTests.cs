using System.Text.Json.Nodes;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Commands.Source;
using Platform.Cli.Output;
using Platform.Cli.Tests.Commands.Resources;
using Xunit.Abstractions;

namespace Platform.Cli.Tests.Commands.Source;

/// <summary>
/// <c>source binding …</c> and <c>source container …</c> against the real control-plane API (no sources service runs:
/// the objects are stored and read back); the flag parsing in tables.
/// </summary>
public sealed class SourceBindingAndContainerCommandTests(ApiServer api, ITestOutputHelper log) : IClassFixture<ApiServer>
{
    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PlatformCli.InvokeAsync([.. args, "--server", api.Url], new Terminal(output, error, false, false));
        log.WriteLine($"$ platform {string.Join(' ', args)}  → exit {code}\n{output}{error}");
        return (code, output.ToString(), error.ToString());
    }

    private async Task<JsonObject> GetJson(string kind, string name, string ns)
    {
        var (code, output, _) = await Run("get", kind, name, "-n", ns, "-o", "json");
        Assert.Equal(ExitCode.Ok, code);
        return (JsonObject)JsonNode.Parse(output)!;
    }

    [Fact]
    public async Task Binding_create_list_describe_delete()
    {
        var (code, output, _) = await Run("source", "binding", "create", "bind", "-n", "cli-bind", "--subject", "Deployment:apps/v1:app=web,tier=front",
            "--sink", "broker:default", "--ce-override", "team=blue");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Sink binding 'bind' created in namespace 'cli-bind'.", output);
        var stored = await GetJson("sinkbinding", "bind", "cli-bind");
        Assert.Equal("""{"apiVersion":"apps/v1","kind":"Deployment","namespace":"cli-bind","selector":{"matchLabels":{"app":"web","tier":"front"}}}""", stored["spec"]!["subject"]!.ToJsonString());
        var sinkRef = stored["spec"]!["sink"]!["ref"]!;
        Assert.Equal(("eventing.knative.dev/v1", "Broker", "default"), (sinkRef["apiVersion"]!.GetValue<string>(), sinkRef["kind"]!.GetValue<string>(), sinkRef["name"]!.GetValue<string>()));
        Assert.Equal("blue", stored["spec"]!["ceOverrides"]!["extensions"]!["team"]!.GetValue<string>());

        (code, output, _) = await Run("source", "binding", "list", "-n", "cli-bind");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Matches(@"bind\s+broker:default", output);
        (code, output, _) = await Run("source", "binding", "describe", "bind", "-n", "cli-bind");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("bind", output);
        (code, _, _) = await Run("source", "binding", "delete", "bind", "-n", "cli-bind");
        Assert.Equal(ExitCode.Ok, code);
        (code, _, var error) = await Run("get", "sinkbinding", "bind", "-n", "cli-bind");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("not found", error);
    }

    [Fact]
    public async Task Container_create_list_delete_and_wait_reports_the_reason()
    {
        var (code, output, _) = await Run("source", "container", "create", "beat", "-n", "cli-container", "--image", "ghcr.io/example/heartbeat", "--cmd", "bash",
            "--arg", "-c", "--arg", "curl -X POST $K_SINK", "--env", "PERIOD=5", "--sink", "ksvc:receiver", "--ce-override", "team=blue");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Container source 'beat' created in namespace 'cli-container'.", output);
        var container = (await GetJson("containersource", "beat", "cli-container"))["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("""{"name":"source","image":"ghcr.io/example/heartbeat","command":["bash"],"args":["-c","curl -X POST $K_SINK"],"env":[{"name":"PERIOD","value":"5"}]}""",
            container.ToJsonString());
        (code, output, _) = await Run("source", "container", "list", "-n", "cli-container");
        Assert.Equal(ExitCode.Ok, code);
        Assert.Matches(@"beat\s+ksvc:receiver", output);

        // No sources service runs here: --wait gives up after its timeout and says the source stays.
        (code, _, var error) = await Run("source", "container", "create", "late", "-n", "cli-container", "--cmd", "true", "--sink", "http://example.test/", "--wait", "--wait-timeout", "1");
        Assert.Equal(ExitCode.Failure, code);
        Assert.Contains("timeout: ContainerSource 'late' not ready after 1 seconds", error);

        (code, _, _) = await Run("source", "container", "delete", "beat", "-n", "cli-container");
        Assert.Equal(ExitCode.Ok, code);
    }

    [Fact]
    public async Task Bad_flags_are_usage_errors_naming_the_flag()
    {
        var (code, _, error) = await Run("source", "binding", "create", "b", "--subject", "web", "--sink", "broker:default");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--subject \"web\": expected KIND:APIVERSION:NAME", error);
        (code, _, error) = await Run("source", "container", "create", "c", "--sink", "broker:default");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("give --image IMAGE or --cmd COMMAND", error);
        (code, _, error) = await Run("source", "container", "create", "c", "--cmd", "true", "--sink", "nope:x");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--sink \"nope:x\": unknown sink prefix", error);
    }

    // --subject, want kind, apiVersion, name, labels
    [Theory]
    [InlineData("Deployment:apps/v1:web", "Deployment", "apps/v1", "web", null)]
    [InlineData("Job:batch/v1:app=heartbeat-cron", "Job", "batch/v1", null, "app=heartbeat-cron")]
    [InlineData("Service:serving.knative.dev/v1:a=1,b=2", "Service", "serving.knative.dev/v1", null, "a=1,b=2")]
    [InlineData("ksvc:hello", "Service", "serving.knative.dev/v1", "hello", null)]
    public void Subject_syntax(string text, string kind, string apiVersion, string? name, string? labels)
    {
        var subject = Subjects.Parse("--subject", text);
        Assert.Equal((kind, apiVersion, name), (subject.Kind, subject.ApiVersion, subject.Name));
        Assert.Equal(labels, subject.Selector?.MatchLabels is { } m ? string.Join(',', m.Select(p => $"{p.Key}={p.Value}")) : null);
    }

    [Theory]
    [InlineData("web")]
    [InlineData("Deployment:apps/v1:")]
    [InlineData("Deployment:apps/v1:=x")]
    public void Bad_subjects(string text) => Assert.Throws<UsageException>(() => Subjects.Parse("--subject", text));
}
