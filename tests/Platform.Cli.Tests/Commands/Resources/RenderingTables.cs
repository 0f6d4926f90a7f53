using System.Text.Json.Nodes;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Tests.Commands.Resources;

/// <summary>Tables for what the CLI prints: ages, condition columns, table rows, describe, server Status, manifest checks.</summary>
public sealed class RenderingTables
{
    private static readonly DateTimeOffset Now = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(200, "3m20s")]
    [InlineData(300, "5m")]
    [InlineData(3600, "60m")]
    [InlineData(4 * 3600 + 5 * 60, "4h5m")]
    [InlineData(5 * 3600, "5h")]
    [InlineData(20 * 3600, "20h")]
    [InlineData(3 * 86400 + 3600, "3d1h")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(800 * 86400, "2y70d")]
    [InlineData(3650 * 86400, "10y")]
    public void Ages_like_kubectl(int seconds, string want) => Assert.Equal(want, Age.Format(TimeSpan.FromSeconds(seconds)));

    private static JsonObject WithConditions(string conditions, long generation = 1, long observed = 1)
    {
        var array = new JsonArray();
        foreach (var c in conditions.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = c.Split('=');
            var reason = parts[1].Split(':');
            array.Add(new JsonObject { ["type"] = parts[0], ["status"] = reason[0], ["reason"] = reason.Length > 1 ? reason[1] : null, ["message"] = reason.Length > 2 ? reason[2] : null });
        }
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "x", ["generation"] = generation, ["creationTimestamp"] = "2026-01-10T11:55:00Z" },
            ["status"] = new JsonObject { ["observedGeneration"] = observed, ["conditions"] = array },
        };
    }

    [Theory]
    [InlineData("", 1, 1, nameof(ReadyState.Pending), "<unknown>", "", "0 OK / 0")]
    [InlineData("Ready=True ConfigurationsReady=True RoutesReady=True", 1, 1, nameof(ReadyState.Ready), "True", "", "3 OK / 3")]
    [InlineData("Ready=Unknown:Deploying ConfigurationsReady=Unknown:Deploying RoutesReady=True", 1, 1, nameof(ReadyState.Pending), "Unknown", "Deploying", "1 OK / 3")]
    [InlineData("Ready=False:RevisionFailed:boom ConfigurationsReady=False", 1, 1, nameof(ReadyState.Failed), "False", "RevisionFailed", "0 OK / 2")]
    [InlineData("Ready=True", 2, 1, nameof(ReadyState.Pending), "True", "", "1 OK / 1")] // status of an older generation
    public void Readiness_columns(string conditions, long generation, long observed, string state, string ready, string reason, string summary)
    {
        var r = Readiness.Of(WithConditions(conditions, generation, observed));
        Assert.Equal((state, ready, reason, summary), (r.State.ToString(), r.Ready, r.Reason, r.Summary));
    }

    [Fact]
    public void Service_rows_carry_kn_columns()
    {
        var service = WithConditions("Ready=False:RevisionMissing ConfigurationsReady=True");
        service["status"]!["url"] = "http://x.default.example.com";
        service["status"]!["latestReadyRevisionName"] = "x-00002";
        var kind = Platform.ControlPlane.Kinds.ResourceKinds.Knative.FindByName("ksvc")!;
        var columns = ResourceColumns.For(kind, wide: false, allNamespaces: true);
        Assert.Equal(["NAMESPACE", "NAME", "URL", "LATEST", "AGE", "CONDITIONS", "READY", "REASON"], columns.Select(c => c.Header));
        var row = ResourceColumns.Rows([service], columns, Now)[0];
        Assert.Equal(["", "x", "http://x.default.example.com", "x-00002", "5m", "1 OK / 2", "False", "RevisionMissing"], row);
    }

    [Fact]
    public void PodAutoscaler_rows_show_desired_and_actual_scale_as_kubectl_get_kpa()
    {
        var pa = WithConditions("Ready=False:NoTraffic Active=False:NoTraffic ScaleTargetInitialized=True");
        pa["status"]!["desiredScale"] = 0;
        pa["status"]!["actualScale"] = 1;
        var columns = ResourceColumns.For(Platform.ControlPlane.Kinds.ResourceKinds.Knative.FindByName("kpa")!, wide: false, allNamespaces: false);
        Assert.Equal(["NAME", "DESIREDSCALE", "ACTUALSCALE", "AGE", "READY", "REASON"], columns.Select(c => c.Header));
        Assert.Equal(["x", "0", "1", "5m", "False", "NoTraffic"], ResourceColumns.Rows([pa], columns, Now)[0]);
    }

    [Fact]
    public void Wide_revision_rows_show_the_image_or_the_local_command()
    {
        var kind = Platform.ControlPlane.Kinds.ResourceKinds.Knative.FindByName("rev")!;
        var columns = ResourceColumns.For(kind, wide: true, allNamespaces: false);
        Assert.Equal(["NAME", "SERVICE", "GENERATION", "AGE", "CONDITIONS", "READY", "REASON", "IMAGE"], columns.Select(c => c.Header));
        var local = JsonNode.Parse("""{"metadata":{"name":"web-00001","labels":{"serving.knative.dev/service":"web","serving.knative.dev/configurationGeneration":"1"}},"spec":{"containers":[{"command":["python3","-m","http.server"]}]}}""")!.AsObject();
        var image = JsonNode.Parse("""{"metadata":{"name":"hello-00002"},"spec":{"containers":[{"image":"ghcr.io/knative/helloworld-go"}]}}""")!.AsObject();
        var rows = ResourceColumns.Rows([local, image], columns, Now);
        Assert.Equal(["web-00001", "web", "1"], rows[0].Take(3));
        Assert.Equal("python3 -m http.server", rows[0][7]);
        Assert.Equal("ghcr.io/knative/helloworld-go", rows[1][7]);
    }

    [Theory]
    [InlineData("""{"ref":{"apiVersion":"serving.knative.dev/v1","kind":"Service","name":"a"}}""", "ksvc:a")]
    [InlineData("""{"ref":{"apiVersion":"eventing.knative.dev/v1","kind":"Broker","name":"b"}}""", "broker:b")]
    [InlineData("""{"ref":{"apiVersion":"v1","kind":"Service","name":"s"}}""", "Service:s")]
    [InlineData("""{"ref":{"apiVersion":"serving.knative.dev/v1","kind":"Service","name":"a"},"uri":"/path"}""", "ksvc:a/path")]
    [InlineData("""{"uri":"http://example.com"}""", "http://example.com")]
    public void Sinks_print_like_kn(string json, string want) => Assert.Equal(want, ResourceColumns.SinkText(JsonNode.Parse(json)));

    [Fact]
    public void Table_is_written_without_wrapping_long_cells()
    {
        var output = new StringWriter();
        var terminal = new Terminal(output, new StringWriter(), false, false);
        var obj = WithConditions("Ready=True");
        obj["status"]!["url"] = "http://" + new string('a', 150) + ".default.example.com";
        ResourceOutput.Print(terminal, Platform.ControlPlane.Kinds.ResourceKinds.Knative.FindByName("ksvc")!, [obj], null, false, false, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(new string('a', 150), lines[1]);
    }

    [Fact]
    public void Describe_shows_traffic_filters_and_condition_markers()
    {
        var service = WithConditions("Ready=False:RevisionFailed:crashed RoutesReady=True ConfigurationsReady=Unknown");
        service["spec"] = JsonNode.Parse("""{"template":{"spec":{"containers":[{"image":"img:1","env":[{"name":"A","value":"1"}]}]}},"traffic":[{"latestRevision":true,"percent":80,"tag":"current"},{"revisionName":"x-00001","percent":20}]}""");
        var text = Describer.Describe(Platform.ControlPlane.Kinds.ResourceKinds.Knative.FindByName("ksvc")!, service, Now);
        Assert.Contains("Name:", text);
        Assert.Contains("Image: img:1", text);
        Assert.Contains(" 80%  @latest #current", text);
        Assert.Contains(" 20%  x-00001", text);
        Assert.Contains("!! Ready", text);
        Assert.Contains("RevisionFailed (crashed)", text);
        Assert.Contains("++ RoutesReady", text);
        Assert.Contains("?? ConfigurationsReady", text);
    }

    [Theory]
    [InlineData(422, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Service \"x\" is invalid","reason":"Invalid","details":{"causes":[{"reason":"FieldValueInvalid","message":"must be between 0 and 100","field":"spec.traffic[1].percent"},{"message":"percents sum to 90, want 100","field":"spec.traffic"}]},"code":422}""",
        "Invalid", "Service \"x\" is invalid", "spec.traffic[1].percent: must be between 0 and 100|spec.traffic: percents sum to 90, want 100")]
    [InlineData(404, """{"kind":"Status","message":"services.serving.knative.dev \"x\" not found","reason":"NotFound","code":404}""", "NotFound", "services.serving.knative.dev \"x\" not found", "")]
    [InlineData(502, "<html>Bad gateway</html>", "InternalError", "the server answered 502: <html>Bad gateway</html>", "")]
    [InlineData(409, "", "Conflict", "the server answered 409", "")]
    public void Server_status_is_read_as_message_and_causes(int code, string body, string reason, string message, string causes)
    {
        var status = Platform.ControlPlane.Store.StatusParser.Parse(code, body);
        Assert.Equal(reason, status.Reason.ToString());
        Assert.Equal(message, status.Message);
        Assert.Equal(causes, string.Join('|', (status.Causes ?? []).Select(c => c.ToString())));
    }

    [Fact]
    public void Manifests_report_every_problem_with_source_and_document()
    {
        var (resources, problems) = Manifests.Check([
            new ManifestText("a.yaml", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: ok\nspec:\n  template:\n    spec:\n      containers:\n        - image: x\n---\napiVersion: serving.knative.dev/v1\nkind: Widget\nmetadata:\n  name: w\n"),
            new ManifestText("b.yaml", "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: t\nspec:\n  broker: default\n"),
            new ManifestText("c.yaml", "# only a comment\n"),
        ], "default");
        Assert.Equal(2, resources.Count);
        Assert.Contains("a.yaml: document 2: kind: unknown kind \"Widget\" in serving.knative.dev/v1", problems);
        Assert.Contains(problems, p => p.StartsWith("b.yaml: Trigger t: spec.subscriber", StringComparison.Ordinal));
        Assert.Contains("c.yaml: holds no resource", problems);
    }
}
