using System.Text.Json.Nodes;
using Platform.Resources.Eventing;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;
using Platform.Resources.Sources;

namespace Platform.Resources.Tests.Serialization;

public class ResourceSerializerTests
{
    private static readonly ResourceSerializer Serializer = ResourceSerializer.Default;

    public static TheoryData<string> Manifests => [.. Manifest.All];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Sample_manifests_round_trip_through_yaml_and_json(string name)
    {
        var resources = Manifest.Read(name);
        Assert.NotEmpty(resources);

        var yaml = Serializer.ToYaml(resources);
        var fromYaml = Serializer.Read(yaml);
        Assert.True(fromYaml.Success, string.Join("\n", fromYaml.Errors));

        var json = Serializer.ToJson(resources);
        var fromJson = Serializer.Read(json);
        Assert.True(fromJson.Success, string.Join("\n", fromJson.Errors));

        Assert.Equal(resources.Count, fromYaml.Resources.Count);
        Assert.Equal(resources.Count, fromJson.Resources.Count);
        for (var i = 0; i < resources.Count; i++)
        {
            var original = Serializer.ToNode(resources[i]);
            Assert.True(JsonNode.DeepEquals(original, Serializer.ToNode(fromYaml.Resources[i])), $"yaml round trip of {resources[i]}:\n{yaml}");
            Assert.True(JsonNode.DeepEquals(original, Serializer.ToNode(fromJson.Resources[i])), $"json round trip of {resources[i]}:\n{json}");
        }
    }

    [Fact]
    public void Hello_world_reads_into_typed_fields()
    {
        var service = Assert.IsType<Service>(Assert.Single(Manifest.Read("hello-world.yaml")));
        Assert.Equal("helloworld-go", service.Metadata.Name);
        var container = Assert.Single(service.Spec.Template!.Spec!.Containers!);
        Assert.Equal("gcr.io/knative-samples/helloworld-go", container.Image);
        Assert.Equal(8080, container.Ports![0].ContainerPort);
        var env = Assert.Single(container.Env!);
        Assert.Equal(("TARGET", "Go Sample v1"), (env.Name, env.Value));
    }

    [Fact]
    public void Multi_document_files_keep_document_order_and_kinds()
    {
        var resources = Manifest.Read("broker-trigger.yaml");
        Assert.Collection(resources,
            r => Assert.IsType<Broker>(r),
            r => Assert.Equal("my-service-trigger", Assert.IsType<Trigger>(r).Metadata.Name),
            r => Assert.Equal("filters-trigger", Assert.IsType<Trigger>(r).Metadata.Name));

        var filters = ((Trigger)resources[2]).Spec.Filters!;
        Assert.Equal(2, filters[0].Any!.Count);
        Assert.Equal("https://github.com/", filters[1].Prefix!["source"]);
        Assert.Equal(".md", filters[2].Not!.Suffix!["subject"]);
        Assert.StartsWith("source LIKE", filters[3].Cesql);
        Assert.Equal("PT1S", ((Trigger)resources[2]).Spec.Delivery!.BackoffDelay);
    }

    [Fact]
    public void Every_kind_is_read_from_the_samples()
    {
        var kinds = Manifest.All.SelectMany(Manifest.Read).Select(r => r.GetType()).ToHashSet();
        Type[] expected =
        [
            typeof(Service), typeof(Configuration), typeof(Route), typeof(DomainMapping), typeof(Broker), typeof(Trigger),
            typeof(Channel), typeof(InMemoryChannel), typeof(Subscription), typeof(Sequence), typeof(Platform.Resources.Flows.Parallel),
            typeof(PingSource), typeof(ApiServerSource), typeof(SinkBinding), typeof(ContainerSource),
        ];
        Assert.All(expected, t => Assert.Contains(t, kinds));
    }

    [Fact]
    public void Unknown_fields_are_all_reported_with_their_paths()
    {
        const string yaml = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: hello
              labelz: {}
            spec:
              template:
                spec:
                  containers:
                    - imag: gcr.io/knative-samples/helloworld-go
                      env:
                        - name: A
                          vaule: b
              trafic: []
            """;
        var result = Serializer.Read(yaml);
        Assert.False(result.Success);
        Assert.Equal(
            [
                "metadata.labelz: unknown field",
                "spec.template.spec.containers[0].imag: unknown field",
                "spec.template.spec.containers[0].env[0].vaule: unknown field",
                "spec.trafic: unknown field",
            ],
            result.Errors.Select(e => e.ToString()));
        Assert.Equal((10, 11), (result.Errors[1].Line, result.Errors[1].Column));
        Assert.Empty(result.Resources);
    }

    [Theory]
    [InlineData("spec:\n  template:\n    spec:\n      containerConcurrency: ten\n", "spec.template.spec.containerConcurrency: expected integer, got string")]
    [InlineData("spec:\n  template:\n    spec:\n      containerConcurrency: 1.5\n", "spec.template.spec.containerConcurrency: expected integer, got 1.5")]
    [InlineData("spec:\n  template:\n    spec:\n      containers: {}\n", "spec.template.spec.containers: expected array, got object")]
    [InlineData("spec:\n  traffic:\n    - latestRevision: yes\n      percent: 100\n", "spec.traffic[0].latestRevision: expected boolean, got string")]
    [InlineData("metadata:\n  name: x\n  annotations:\n    autoscaling.knative.dev/min-scale: 1\n", "metadata.annotations[autoscaling.knative.dev/min-scale]: expected string, got number (quote the value)")]
    [InlineData("metadata:\n  name: x\n  creationTimestamp: yesterday\n", "metadata.creationTimestamp: expected an RFC 3339 timestamp, got \"yesterday\"")]
    [InlineData("spec:\n  template:\n    spec:\n      containers:\n        - image: x\n          readinessProbe:\n            tcpSocket:\n              port: [1]\n", "spec.template.spec.containers[0].readinessProbe.tcpSocket.port: expected integer or string, got array")]
    [InlineData("spec: 3\n", "spec: expected object, got number")]
    public void Wrong_types_name_the_path(string body, string expected)
    {
        var result = Serializer.Read("apiVersion: serving.knative.dev/v1\nkind: Service\n" + body);
        Assert.Contains(expected, result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Probe_ports_accept_numbers_and_names()
    {
        var service = (Service)Manifest.Read("autoscaling.yaml")[0];
        Assert.Equal(8080, service.Spec.Template!.Spec!.Containers![0].ReadinessProbe!.HttpGet!.Port!.Value.IntValue);
        var local = (Service)Manifest.Read("local-command.yaml")[0];
        Assert.Equal("http1", local.Spec.Template!.Spec!.Containers![0].LivenessProbe!.TcpSocket!.Port!.Value.StringValue);
    }

    [Fact]
    public void Quantities_accept_numbers_and_are_written_as_strings()
    {
        var service = (Service)Manifest.Read("autoscaling.yaml")[0];
        var limits = service.Spec.Template!.Spec!.Containers![0].Resources!.Limits!;
        Assert.Equal("1", limits["cpu"].Value);
        Assert.True(limits["memory"].TryGetNumber(out var bytes));
        Assert.Equal(256m * 1024 * 1024, bytes);
        Assert.Contains("cpu: \"1\"", Serializer.ToYaml(service), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: x\n", 4, "malformed YAML")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n", 5, "duplicate key")]
    [InlineData("a: b\n c: d\n", 2, "malformed YAML")]
    public void Malformed_yaml_gives_line_and_column(string yaml, int line, string expected)
    {
        var error = Assert.Single(Serializer.Read(yaml).Errors);
        Assert.Equal(line, error.Line);
        Assert.NotNull(error.Column);
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith($"line {line}, column ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_gives_line_and_column()
    {
        var error = Assert.Single(Serializer.Read("{\n  \"apiVersion\": \"serving.knative.dev/v1\",\n  \"kind\": \"Service\"\n  \"metadata\": {}\n}").Errors);
        Assert.Equal(4, error.Line);
        Assert.StartsWith("malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Servce\n", "kind: unknown kind \"Servce\" in serving.knative.dev/v1")]
    [InlineData("apiVersion: serving.knative.dev/v1alpha1\nkind: Service\n", "apiVersion: serving.knative.dev/v1alpha1 does not serve kind Service; use serving.knative.dev/v1")]
    [InlineData("kind: Service\n", "apiVersion: required")]
    [InlineData("apiVersion: serving.knative.dev/v1\n", "kind: required")]
    [InlineData("- 1\n", "[0]: expected a resource (a mapping with apiVersion and kind)")]
    public void Unknown_kinds_and_versions_are_refused(string yaml, string expected)
    {
        Assert.Contains(expected, Serializer.Read(yaml).Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Errors_in_one_document_do_not_hide_errors_in_another()
    {
        const string yaml = """
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata:
              name: default
              nme: x
            ---
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata:
              name: t
            spec:
              brokr: default
            """;
        var result = Serializer.Read(yaml);
        Assert.Equal(["document 1: metadata.nme: unknown field", "document 2: spec.brokr: unknown field"], result.Errors.Select(e => e.ToStringWithDocument()));
    }

    [Fact]
    public void Empty_documents_and_comments_are_skipped()
    {
        var result = Serializer.Read("---\n# nothing\n---\n" + Manifest.Text("hello-world.yaml") + "\n---\n");
        Assert.True(result.Success);
        Assert.Single(result.Resources);
    }

    [Fact]
    public void Json_lists_and_arrays_are_read()
    {
        var resources = Manifest.Read("channel-subscription.yaml");
        var list = Serializer.ToJson(resources);
        Assert.Equal(3, Serializer.Read(list).Resources.Count);
        var array = new JsonArray([.. resources.Select(r => (JsonNode)Serializer.ToNode(r))]).ToJsonString();
        Assert.Equal(3, Serializer.Read(array).Resources.Count);
    }

    [Fact]
    public void Output_follows_kubernetes_field_order_and_omits_nulls()
    {
        var service = new Service { Metadata = { Name = "hello" } };
        service.Status = new ServiceStatus { Url = "http://hello.default.example.com" };
        var yaml = Serializer.ToYaml(service);
        Assert.Equal(
            """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: hello
            spec: {}
            status:
              url: http://hello.default.example.com

            """.ReplaceLineEndings("\n"),
            yaml);
        var json = Serializer.ToJson(service, indented: false);
        Assert.Equal("""{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"hello"},"spec":{},"status":{"url":"http://hello.default.example.com"}}""", json);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("yes")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("0x1F")]
    public void Strings_that_look_like_other_types_are_quoted(string value)
    {
        var service = new Service { Metadata = { Name = "x", Annotations = new() { ["autoscaling.knative.dev/min-scale"] = value } } };
        var back = Serializer.ReadOne<Service>(Serializer.ToYaml(service));
        Assert.Equal(value, back.Metadata.Annotations!["autoscaling.knative.dev/min-scale"]);
    }

    [Fact]
    public void Multi_line_strings_survive_a_round_trip()
    {
        var ping = new PingSource { Metadata = { Name = "p" }, Spec = { Data = "line one\nline two\n" } };
        var yaml = Serializer.ToYaml(ping);
        Assert.Contains("|", yaml, StringComparison.Ordinal);
        Assert.Equal("line one\nline two\n", Serializer.ReadOne<PingSource>(yaml).Spec.Data);
    }

    [Fact]
    public void Destination_uses_knative_field_names()
    {
        var trigger = new Trigger { Metadata = { Name = "t" }, Spec = { Subscriber = new() { Uri = "https://x", CACerts = "pem", Audience = "aud" } } };
        var json = Serializer.ToJson(trigger, indented: false);
        Assert.Contains("\"subscriber\":{\"uri\":\"https://x\",\"CACerts\":\"pem\",\"audience\":\"aud\"}", json, StringComparison.Ordinal);
        var channel = new Channel { Status = new ChannelStatus { DeadLetterSinkCACerts = "pem" } };
        Assert.Contains("\"deadLetterSinkCACerts\"", Serializer.ToJson(channel), StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_is_deep()
    {
        var service = (Service)Manifest.Read("hello-world.yaml")[0];
        var clone = Serializer.Clone(service);
        clone.Spec.Template!.Spec!.Containers![0].Image = "changed";
        Assert.Equal("gcr.io/knative-samples/helloworld-go", service.Spec.Template!.Spec!.Containers![0].Image);
    }

    [Fact]
    public void ReadOne_throws_with_every_error()
    {
        var e = Assert.Throws<ResourceFormatException>(() => Serializer.ReadOne("apiVersion: eventing.knative.dev/v1\nkind: Broker\nspec:\n  a: 1\n  b: 2\n"));
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void SameSpec_ignores_metadata_and_status()
    {
        var service = (Service)Manifest.Read("hello-world.yaml")[0];
        var relabelled = Serializer.Clone(service);
        relabelled.Metadata.Labels = new() { ["team"] = "a" };
        relabelled.Status = new ServiceStatus { Url = "http://x" };
        Assert.True(Serializer.SameSpec(service, relabelled));

        var changed = Serializer.Clone(service);
        changed.Spec.Template!.Spec!.ContainerConcurrency = 3;
        Assert.False(Serializer.SameSpec(service, changed));
        Assert.False(Serializer.SameSpec(service, new Route { Metadata = { Name = "helloworld-go" } }));
    }
}
