using Platform.Resources.Defaulting;
using Platform.Resources.Eventing;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;
using Platform.Resources.Sources;

namespace Platform.Resources.Tests.Defaulting;

public class ResourceDefaulterTests
{
    private static readonly ResourceDefaulter Defaulter = ResourceDefaulter.Knative;
    private static readonly ResourceSerializer Serializer = ResourceSerializer.Default;

    [Fact]
    public void Hello_world_gets_knatives_revision_defaults()
    {
        var service = Defaulter.Default((Service)Manifest.Read("hello-world.yaml")[0]);
        var spec = service.Spec.Template!.Spec!;
        Assert.Equal("default", service.Metadata.Namespace);
        Assert.Equal(0, spec.ContainerConcurrency);
        Assert.Equal(300, spec.TimeoutSeconds);
        Assert.Equal(300, spec.ResponseStartTimeoutSeconds);
        Assert.Equal(0, spec.IdleTimeoutSeconds);
        Assert.False(spec.EnableServiceLinks);
        var container = Assert.Single(spec.Containers!);
        Assert.Equal("user-container", container.Name);
        Assert.Equal("TCP", container.Ports![0].Protocol);
        Assert.Equal(8080, container.ReadinessProbe!.TcpSocket!.Port!.Value.IntValue);
        Assert.Equal(1, container.ReadinessProbe.SuccessThreshold);
        var traffic = Assert.Single(service.Spec.Traffic!);
        Assert.Equal((true, 100L), (traffic.LatestRevision, traffic.Percent));
    }

    [Fact]
    public void Defaults_show_in_the_yaml_written_back()
    {
        var service = Defaulter.Default((Service)Manifest.Read("hello-world.yaml")[0]);
        Assert.Equal(
            """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: helloworld-go
              namespace: default
            spec:
              template:
                spec:
                  containers:
                    - name: user-container
                      image: gcr.io/knative-samples/helloworld-go
                      env:
                        - name: TARGET
                          value: Go Sample v1
                      ports:
                        - containerPort: 8080
                          protocol: TCP
                      readinessProbe:
                        tcpSocket:
                          port: 8080
                        successThreshold: 1
                  enableServiceLinks: false
                  containerConcurrency: 0
                  timeoutSeconds: 300
                  responseStartTimeoutSeconds: 300
                  idleTimeoutSeconds: 0
              traffic:
                - latestRevision: true
                  percent: 100

            """.ReplaceLineEndings("\n"),
            Serializer.ToYaml(service));
    }

    [Fact]
    public void The_user_port_defaults_to_8080_and_follows_the_declared_port()
    {
        var service = Serializer.ReadOne<Service>("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\nspec: {template: {spec: {containers: [{image: x}]}}}");
        var defaulted = Defaulter.Default(service);
        Assert.Equal(8080, defaulted.Spec.Template!.Spec!.UserPort());
        Assert.Equal(8080, defaulted.Spec.Template.Spec.Containers![0].ReadinessProbe!.TcpSocket!.Port!.Value.IntValue);
        Assert.Null(defaulted.Spec.Template.Spec.Containers[0].Ports);

        var withPort = Serializer.ReadOne<Service>("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\nspec: {template: {spec: {containers: [{image: x, ports: [{containerPort: 9000}]}]}}}");
        Assert.Equal(9000, Defaulter.Default(withPort).Spec.Template!.Spec!.Containers![0].ReadinessProbe!.TcpSocket!.Port!.Value.IntValue);
    }

    [Fact]
    public void A_user_probe_keeps_its_handler_and_gets_thresholds()
    {
        var service = Defaulter.Default((Service)Manifest.Read("autoscaling.yaml")[0]);
        var probe = service.Spec.Template!.Spec!.Containers![0].ReadinessProbe!;
        Assert.Null(probe.TcpSocket);
        Assert.Equal("/healthz", probe.HttpGet!.Path);
        Assert.Equal((1, 3, 1), (probe.SuccessThreshold, probe.FailureThreshold, probe.TimeoutSeconds));
    }

    [Fact]
    public void Sidecars_are_named_by_index_and_only_the_serving_container_gets_a_probe()
    {
        var service = Serializer.ReadOne<Service>("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\nspec: {template: {spec: {containers: [{image: x}, {image: y, ports: [{containerPort: 8081}]}]}}}");
        var containers = Defaulter.Default(service).Spec.Template!.Spec!.Containers!;
        Assert.Equal(["user-container-0", "user-container-1"], containers.Select(c => c.Name));
        Assert.Null(containers[0].ReadinessProbe);
        Assert.Equal(8081, containers[1].ReadinessProbe!.TcpSocket!.Port!.Value.IntValue);
    }

    [Fact]
    public void Traffic_entries_get_latest_revision_from_what_they_name()
    {
        var service = Defaulter.Default(Serializer.ReadOne<Service>("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\nspec: {template: {spec: {containers: [{image: x}]}}, traffic: [{percent: 50}, {revisionName: a-00001, percent: 50}]}"));
        Assert.Equal([true, false], service.Spec.Traffic!.Select(t => t.LatestRevision));

        var route = Defaulter.Default((Route)Manifest.Read("route-configuration.yaml")[1]);
        Assert.Equal([true, false], route.Spec.Traffic!.Select(t => t.LatestRevision));

        var empty = Defaulter.Default(Serializer.ReadOne<Route>("apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata: {name: blog}"));
        var target = Assert.Single(empty.Spec.Traffic!);
        Assert.Equal(("blog", true, 100L), (target.ConfigurationName, target.LatestRevision, target.Percent));
    }

    [Fact]
    public void Explicit_values_are_kept()
    {
        var service = Defaulter.Default((Service)Manifest.Read("traffic-split.yaml")[0]);
        Assert.Equal(10, service.Spec.Template!.Spec!.ContainerConcurrency);
        Assert.Equal(2, service.Spec.Traffic!.Count);
        var local = Defaulter.Default((Service)Manifest.Read("local-command.yaml")[0]);
        Assert.Equal(60, local.Spec.Template!.Spec!.TimeoutSeconds);
    }

    [Fact]
    public void Broker_gets_class_and_delivery()
    {
        var broker = Defaulter.Default((Broker)Manifest.Read("broker-trigger.yaml")[0]);
        Assert.Equal("MTChannelBasedBroker", broker.Metadata.Annotations![Broker.ClassAnnotation]);
        var delivery = broker.Spec.Delivery!;
        Assert.Equal((10, "exponential", "PT0.2S"), (delivery.Retry, delivery.BackoffPolicy, delivery.BackoffDelay));

        var custom = Serializer.ReadOne<Broker>("apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: b, annotations: {eventing.knative.dev/broker.class: Kafka}}\nspec: {delivery: {retry: 1}}");
        var defaulted = Defaulter.Default(custom);
        Assert.Equal("Kafka", defaulted.Metadata.Annotations![Broker.ClassAnnotation]);
        Assert.Equal(1, defaulted.Spec.Delivery!.Retry);
        Assert.Null(defaulted.Spec.Delivery.BackoffPolicy);
    }

    [Fact]
    public void Trigger_gets_the_default_broker_label_and_reference_namespaces()
    {
        var trigger = Defaulter.Default(Serializer.ReadOne<Trigger>("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t, namespace: apps}\nspec: {subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: s}}}"));
        Assert.Equal("default", trigger.Spec.Broker);
        Assert.Equal("default", trigger.Metadata.Labels!["eventing.knative.dev/broker"]);
        Assert.Equal("apps", trigger.Spec.Subscriber!.Ref!.Namespace);
    }

    [Fact]
    public void Channels_and_flows_default_to_in_memory_channels()
    {
        var channel = Defaulter.Default((Channel)Manifest.Read("channel-subscription.yaml")[0]);
        Assert.Equal(("messaging.knative.dev/v1", "InMemoryChannel"), (channel.Spec.ChannelTemplate!.ApiVersion, channel.Spec.ChannelTemplate.Kind));

        var sequence = Serializer.ReadOne<Sequence>("apiVersion: flows.knative.dev/v1\nkind: Sequence\nmetadata: {name: s}\nspec: {steps: [{uri: 'http://a'}]}");
        Assert.Equal("InMemoryChannel", Defaulter.Default(sequence).Spec.ChannelTemplate!.Kind);
        var parallel = Serializer.ReadOne<Platform.Resources.Flows.Parallel>("apiVersion: flows.knative.dev/v1\nkind: Parallel\nmetadata: {name: p}\nspec: {branches: [{subscriber: {uri: 'http://a'}}]}");
        Assert.Equal("InMemoryChannel", Defaulter.Default(parallel).Spec.ChannelTemplate!.Kind);
    }

    [Fact]
    public void Ping_source_gets_schedule_timezone_and_content_type()
    {
        var ping = Defaulter.Default(Serializer.ReadOne<PingSource>("apiVersion: sources.knative.dev/v1\nkind: PingSource\nmetadata: {name: p}\nspec: {data: '{}', sink: {uri: 'http://a'}}"));
        Assert.Equal(("* * * * *", null, "application/json"), (ping.Spec.Schedule, ping.Spec.Timezone, ping.Spec.ContentType));
        var sample = Defaulter.Default((PingSource)Manifest.Read("ping-source.yaml")[0]);
        Assert.Equal(("*/1 * * * *", "Europe/Paris"), (sample.Spec.Schedule, sample.Spec.Timezone));
        Assert.Equal("/apis/v1/namespaces/default/pingsources/test-ping-source", sample.EventSource());
    }

    [Fact]
    public void Api_server_source_gets_mode_and_service_account()
    {
        var source = Defaulter.Default(Serializer.ReadOne<ApiServerSource>("apiVersion: sources.knative.dev/v1\nkind: ApiServerSource\nmetadata: {name: a}\nspec: {resources: [{apiVersion: v1, kind: Event}], sink: {uri: 'http://a'}}"));
        Assert.Equal(("Reference", "default"), (source.Spec.Mode, source.Spec.ServiceAccountName));
    }

    public static TheoryData<string> Manifests => [.. Manifest.All];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Defaulting_is_pure_and_idempotent(string name)
    {
        foreach (var resource in Manifest.Read(name))
        {
            var before = Serializer.ToJson(resource);
            var once = Defaulter.Default(resource);
            Assert.Equal(before, Serializer.ToJson(resource));
            var twice = Defaulter.Default(once);
            Assert.Equal(Serializer.ToJson(once), Serializer.ToJson(twice));
        }
    }

    [Fact]
    public void Options_change_the_defaults()
    {
        var defaulter = new ResourceDefaulter(new DefaultsOptions { RevisionTimeoutSeconds = 120, Namespace = "apps", UserContainerName = "app" }, Serializer);
        var service = defaulter.Default((Service)Manifest.Read("hello-world.yaml")[0]);
        Assert.Equal(120, service.Spec.Template!.Spec!.TimeoutSeconds);
        Assert.Equal("default", service.Metadata.Namespace); // the manifest names its namespace
        Assert.Equal("app", service.Spec.Template.Spec.Containers![0].Name);
        var broker = defaulter.Default(new Broker { Metadata = { Name = "b" } });
        Assert.Equal("apps", broker.Metadata.Namespace);
    }
}
