using Platform.Eventing.Filters.Cesql;
using Platform.Resources.Eventing;
using Platform.Resources.Messaging;
using Platform.Resources.Serialization;
using Platform.Resources.Validation;

namespace Platform.Resources.Tests.Validation;

public class EventingValidationTests
{
    private const string Trigger = "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t}\nspec: ";
    private const string Sub = "subscriber: {uri: 'http://display.default.svc.cluster.local'}";
    private const string Ping = "apiVersion: sources.knative.dev/v1\nkind: PingSource\nmetadata: {name: p}\nspec: ";
    private const string Sink = "sink: {uri: 'http://display'}";

    [Theory]
    [InlineData(Trigger + "{broker: default}", "spec.subscriber: required")]
    [InlineData(Trigger + "{broker: default, subscriber: {}}", "spec.subscriber: must set ref or uri")]
    [InlineData(Trigger + "{broker: default, subscriber: {uri: /relative}}", "spec.subscriber.uri: must be an absolute http or https URI")]
    [InlineData(Trigger + "{broker: default, subscriber: {uri: 'ftp://x'}}", "spec.subscriber.uri: must be an absolute http or https URI")]
    [InlineData(Trigger + "{broker: default, subscriber: {uri: 'http://x', ref: {apiVersion: v1, kind: Service, name: s}}}", "spec.subscriber.uri: must be a relative URI when ref is set")]
    [InlineData(Trigger + "{broker: default, subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service}}}", "spec.subscriber.ref.name: required")]
    [InlineData(Trigger + "{broker: default, subscriber: {ref: {kind: Service, name: s}}}", "spec.subscriber.ref.apiVersion: required")]
    [InlineData(Trigger + "{broker: Default_Broker, " + Sub + "}", "spec.broker: must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit")]
    [InlineData(Trigger + "{filter: {attributes: {Type: x}}, " + Sub + "}", "spec.filter.attributes[Type]: attribute names must be lowercase letters and digits")]
    [InlineData(Trigger + "{filter: {attributes: {type: a}}, filters: [{exact: {type: b}}], " + Sub + "}", "spec.filter: must not be set together with spec.filters (filters would apply and filter be ignored): keep one")]
    [InlineData(Trigger + "{filters: [{exact: {type: a}, prefix: {source: b}}], " + Sub + "}", "spec.filters[0]: must set exactly one of exact, prefix, suffix, all, any, not, cesql")]
    [InlineData(Trigger + "{filters: [{}], " + Sub + "}", "spec.filters[0]: must set exactly one of exact, prefix, suffix, all, any, not, cesql")]
    [InlineData(Trigger + "{filters: [{exact: {type: a, source: b}}], " + Sub + "}", "spec.filters[0].exact: must have exactly one attribute")]
    [InlineData(Trigger + "{filters: [{prefix: {type: ''}}], " + Sub + "}", "spec.filters[0].prefix[type]: must not be empty")]
    [InlineData(Trigger + "{filters: [{suffix: {Type: x}}], " + Sub + "}", "spec.filters[0].suffix[Type]: attribute names must be lowercase letters and digits")]
    [InlineData(Trigger + "{filters: [{exact: {type: a}}, {any: []}], " + Sub + "}", "spec.filters[1].any: must have at least one filter")]
    [InlineData(Trigger + "{filters: [{all: [{exact: {type: a}}, {exact: {}}]}], " + Sub + "}", "spec.filters[0].all[1].exact: must have exactly one attribute")]
    [InlineData(Trigger + "{filters: [{not: {exact: {Type: x}}}], " + Sub + "}", "spec.filters[0].not.exact[Type]: attribute names must be lowercase letters and digits")]
    [InlineData(Trigger + "{filters: [{cesql: ' '}], " + Sub + "}", "spec.filters[0].cesql: must not be empty")]
    [InlineData("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t, annotations: {eventing.platform.dev/max-in-flight: '0'}}\nspec: {" + Sub + "}", "metadata.annotations[eventing.platform.dev/max-in-flight]: must be an integer from 1 to 10000, not \"0\"")]
    [InlineData("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t, annotations: {eventing.platform.dev/max-in-flight: many}}\nspec: {" + Sub + "}", "metadata.annotations[eventing.platform.dev/max-in-flight]: must be an integer from 1 to 10000, not \"many\"")]
    [InlineData("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t, annotations: {eventing.platform.dev/events-per-second: '-1'}}\nspec: {" + Sub + "}", "metadata.annotations[eventing.platform.dev/events-per-second]: must be a number greater than 0 and at most 1000000, not \"-1\"")]
    [InlineData(Trigger + "{" + Sub + ", delivery: {retry: -1}}", "spec.delivery.retry: must be >= 0")]
    [InlineData(Trigger + "{" + Sub + ", delivery: {backoffPolicy: random}}", "spec.delivery.backoffPolicy: must be linear or exponential")]
    [InlineData(Trigger + "{" + Sub + ", delivery: {backoffDelay: 1s}}", "spec.delivery.backoffDelay: must be an ISO-8601 duration (e.g. PT0.2S)")]
    [InlineData(Trigger + "{" + Sub + ", delivery: {timeout: ten}}", "spec.delivery.timeout: must be an ISO-8601 duration (e.g. PT0.2S)")]
    [InlineData(Trigger + "{" + Sub + ", delivery: {timeout: P1M}}", "spec.delivery.timeout: must be an ISO-8601 duration (e.g. PT0.2S)")]
    [InlineData(Trigger + "{" + Sub + ", delivery: {retryAfterMax: -PT1S}}", "spec.delivery.retryAfterMax: must not be negative")]
    [InlineData(Trigger + "{" + Sub + ", delivery: {format: xml}}", "spec.delivery.format: must be json or binary")]
    [InlineData(Trigger + "{" + Sub + ", delivery: {deadLetterSink: {uri: dead}}}", "spec.delivery.deadLetterSink.uri: must be an absolute http or https URI")]
    [InlineData("apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: My_Broker}\n", "metadata.name: must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit")]
    [InlineData("apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: b}\nspec: {delivery: {retry: -3}}", "spec.delivery.retry: must be >= 0")]
    [InlineData("apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: b}\nspec: {config: {apiVersion: v1, kind: ConfigMap}}", "spec.config.name: required")]
    [InlineData("apiVersion: messaging.knative.dev/v1\nkind: Channel\nmetadata: {name: c}\nspec: {channelTemplate: {apiVersion: messaging.knative.dev/v1}}", "spec.channelTemplate.kind: required")]
    [InlineData("apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\nmetadata: {name: c}\nspec: {subscribers: [{subscriberUri: 'not a uri'}]}", "spec.subscribers[0].subscriberUri: must be an absolute URI")]
    [InlineData("apiVersion: messaging.knative.dev/v1\nkind: Subscription\nmetadata: {name: s}\nspec: {" + Sub + "}", "spec.channel: required")]
    [InlineData("apiVersion: messaging.knative.dev/v1\nkind: Subscription\nmetadata: {name: s}\nspec: {channel: {apiVersion: messaging.knative.dev/v1, kind: Channel, name: c}}", "spec.subscriber: required")]
    [InlineData("apiVersion: messaging.knative.dev/v1\nkind: Subscription\nmetadata: {name: s}\nspec: {channel: {apiVersion: messaging.knative.dev/v1, name: c}, " + Sub + "}", "spec.channel.kind: required")]
    [InlineData("apiVersion: messaging.knative.dev/v1\nkind: Subscription\nmetadata: {name: s}\nspec: {channel: {apiVersion: messaging.knative.dev/v1, kind: Channel, name: c}, " + Sub + ", reply: {}}", "spec.reply: must set ref or uri")]
    [InlineData("apiVersion: flows.knative.dev/v1\nkind: Sequence\nmetadata: {name: s}\nspec: {steps: []}", "spec.steps: must have at least one step")]
    [InlineData("apiVersion: flows.knative.dev/v1\nkind: Sequence\nmetadata: {name: s}\nspec: {steps: [{uri: 'http://a'}, {delivery: {retry: 1}}]}", "spec.steps[1]: must set ref or uri")]
    [InlineData("apiVersion: flows.knative.dev/v1\nkind: Sequence\nmetadata: {name: s}\nspec: {steps: [{uri: 'http://a', delivery: {backoffDelay: soon}}]}", "spec.steps[0].delivery.backoffDelay: must be an ISO-8601 duration (e.g. PT0.2S)")]
    [InlineData("apiVersion: flows.knative.dev/v1\nkind: Parallel\nmetadata: {name: p}\nspec: {branches: []}", "spec.branches: must have at least one branch")]
    [InlineData("apiVersion: flows.knative.dev/v1\nkind: Parallel\nmetadata: {name: p}\nspec: {branches: [{filter: {uri: 'http://f'}}]}", "spec.branches[0].subscriber: required")]
    [InlineData("apiVersion: flows.knative.dev/v1\nkind: Parallel\nmetadata: {name: p}\nspec: {branches: [{filter: {}, subscriber: {uri: 'http://s'}}]}", "spec.branches[0].filter: must set ref or uri")]
    public void Eventing_errors(string yaml, string expected)
    {
        Assert.Contains(expected, Manifest.Errors(yaml));
    }

    [Theory]
    [InlineData(Ping + "{schedule: every minute, " + Sink + "}", "spec.schedule: must be a cron expression with 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or a descriptor such as @hourly or @every 10s; got \"every minute\"")]
    [InlineData(Ping + "{schedule: '* * * * * * *', " + Sink + "}", "spec.schedule: must be a cron expression with 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or a descriptor such as @hourly or @every 10s; got \"* * * * * * *\"")]
    [InlineData(Ping + "{schedule: '61 * * * *', " + Sink + "}", "spec.schedule: must be a cron expression with 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or a descriptor such as @hourly or @every 10s; got \"61 * * * *\"")]
    [InlineData(Ping + "{schedule: '@fortnightly', " + Sink + "}", "spec.schedule: unknown descriptor \"@fortnightly\" (want @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)")]
    [InlineData(Ping + "{schedule: '@every soon', " + Sink + "}", "spec.schedule: \"soon\" after @every is not a duration (e.g. 10s, 1m30s, 2h)")]
    [InlineData(Ping + "{schedule: '@every 500ms', " + Sink + "}", "spec.schedule: @every must be at least 1s")]
    [InlineData(Ping + "{schedule: 'CRON_TZ=Mars/Olympus * * * * *', " + Sink + "}", "spec.schedule: unknown time zone \"Mars/Olympus\" (want an IANA name like Europe/Paris)")]
    [InlineData(Ping + "{schedule: 'CRON_TZ=Europe/Paris * * * * *', timezone: Europe/Paris, " + Sink + "}", "spec.schedule: must not name a zone (CRON_TZ=...) when timezone is set; use one of them")]
    [InlineData(Ping + "{timezone: Mars/Olympus, " + Sink + "}", "spec.timezone: unknown time zone \"Mars/Olympus\" (want an IANA name like Europe/Paris)")]
    [InlineData(Ping + "{data: a, dataBase64: YQ==, " + Sink + "}", "spec.dataBase64: expected exactly one of data and dataBase64, got both")]
    [InlineData(Ping + "{dataBase64: '!!', " + Sink + "}", "spec.dataBase64: must be base64")]
    [InlineData(Ping + "{schedule: '* * * * *'}", "spec.sink: required")]
    [InlineData(Ping + "{" + Sink + ", ceOverrides: {extensions: {type: x}}}", "spec.ceOverrides.extensions[type]: type is a reserved attribute")]
    [InlineData(Ping + "{" + Sink + ", ceOverrides: {extensions: {Team: x}}}", "spec.ceOverrides.extensions[Team]: attribute names must be lowercase letters and digits")]
    [InlineData("apiVersion: sources.knative.dev/v1\nkind: ApiServerSource\nmetadata: {name: a}\nspec: {resources: [], " + Sink + "}", "spec.resources: must have at least one resource")]
    [InlineData("apiVersion: sources.knative.dev/v1\nkind: ApiServerSource\nmetadata: {name: a}\nspec: {resources: [{apiVersion: v1}], " + Sink + "}", "spec.resources[0].kind: required")]
    [InlineData("apiVersion: sources.knative.dev/v1\nkind: ApiServerSource\nmetadata: {name: a}\nspec: {mode: Bogus, resources: [{apiVersion: v1, kind: Event}], " + Sink + "}", "spec.mode: must be Reference or Resource")]
    [InlineData("apiVersion: sources.knative.dev/v1\nkind: SinkBinding\nmetadata: {name: b}\nspec: {subject: {apiVersion: apps/v1, kind: Deployment, name: d, selector: {matchLabels: {a: b}}}, " + Sink + "}", "spec.subject: must set exactly one of name or selector")]
    [InlineData("apiVersion: sources.knative.dev/v1\nkind: SinkBinding\nmetadata: {name: b}\nspec: {" + Sink + "}", "spec.subject: required")]
    [InlineData("apiVersion: sources.knative.dev/v1\nkind: ContainerSource\nmetadata: {name: c}\nspec: {template: {spec: {containers: []}}, " + Sink + "}", "spec.template.spec.containers: must have at least one container")]
    [InlineData("apiVersion: sources.knative.dev/v1\nkind: ContainerSource\nmetadata: {name: c}\nspec: {template: {spec: {containers: [{name: x}]}}, " + Sink + "}", "spec.template.spec.containers[0].image: image or command is required")]
    public void Source_errors(string yaml, string expected)
    {
        Assert.Contains(expected, Manifest.Errors(yaml));
    }

    [Theory]
    [InlineData("broker-trigger.yaml")]
    [InlineData("ping-source.yaml")]
    [InlineData("sequence.yaml")]
    [InlineData("parallel.yaml")]
    [InlineData("channel-subscription.yaml")]
    [InlineData("sources.yaml")]
    public void Sample_manifests_are_valid(string name)
    {
        foreach (var resource in Manifest.Read(name))
        {
            Assert.Empty(ResourceAdmission.Knative.Create(resource).Errors);
        }
    }

    [Fact]
    public void A_trigger_without_broker_is_refused_before_defaulting()
    {
        var trigger = ResourceSerializer.Default.ReadOne<Trigger>(Trigger + "{" + Sub + "}");
        Assert.Contains("spec.broker: required", ResourceValidator.Knative.Validate(trigger).Select(e => e.ToString()));
    }

    [Fact]
    public void An_invalid_cesql_expression_is_refused_with_the_parsers_message_and_position()
    {
        const string bad = "type = ";
        Assert.False(CesqlExpression.TryParse(bad, out _, out var parseError), $"'{bad}' must not parse");

        var errors = Manifest.Errors(Trigger + "{filters: [{cesql: '" + bad + "'}], " + Sub + "}");
        Assert.Contains($"spec.filters[0].cesql: {parseError!.Message} (at position {parseError.Position})", errors);
    }

    [Fact]
    public void Immutable_eventing_fields()
    {
        var serializer = ResourceSerializer.Default;
        var trigger = serializer.ReadOne<Trigger>(Trigger + "{broker: default, " + Sub + "}");
        var moved = serializer.Clone(trigger);
        moved.Spec.Broker = "other";
        Assert.Equal(["spec.broker: is immutable (was \"default\")"], Immutability.Check(trigger, moved).Select(e => e.ToString()));

        var broker = ResourceAdmission.Knative.Create(serializer.ReadOne<Broker>("apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: b}")).Resource;
        var reclassed = serializer.Clone((Broker)broker);
        reclassed.Metadata.Annotations![Broker.ClassAnnotation] = "Kafka";
        Assert.Equal(["metadata.annotations[eventing.knative.dev/broker.class]: is immutable (was \"MTChannelBasedBroker\")"], Immutability.Check(broker, reclassed).Select(e => e.ToString()));

        var subscription = (Subscription)Manifest.Read("channel-subscription.yaml")[2];
        var rewired = serializer.Clone(subscription);
        rewired.Spec.Channel!.Name = "other";
        Assert.Equal(["spec.channel: is immutable"], Immutability.Check(subscription, rewired).Select(e => e.ToString()));
        Assert.Empty(Immutability.Check(subscription, serializer.Clone(subscription)));
    }
}
