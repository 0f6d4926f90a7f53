using Platform.Resources.Core;
using Platform.Resources.Duck;
using Platform.Resources.Eventing;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;
using Platform.Resources.Sources;

namespace Platform.Resources.Defaulting;

/// <summary>
/// Fills Knative's defaults. Pure: <see cref="Default{T}"/> returns a defaulted copy and never changes its input.
/// Applying it twice gives the same object.
/// </summary>
public sealed class ResourceDefaulter(DefaultsOptions options, ResourceSerializer serializer)
{
    /// <summary>Knative's defaults with the default serializer.</summary>
    public static ResourceDefaulter Knative { get; } = new(new DefaultsOptions(), ResourceSerializer.Default);

    /// <summary>The defaults applied.</summary>
    public DefaultsOptions Options { get; } = options;

    /// <summary>A copy of <paramref name="resource"/> with every default filled.</summary>
    public T Default<T>(T resource) where T : Resource
    {
        var copy = serializer.Clone(resource);
        Apply(copy);
        return copy;
    }

    /// <summary>Fills defaults in place (for callers that own a fresh copy).</summary>
    public void Apply(Resource resource)
    {
        resource.Metadata ??= new ObjectMeta();
        if (string.IsNullOrEmpty(resource.Metadata.Namespace))
        {
            resource.Metadata.Namespace = Options.Namespace;
        }

        var ns = resource.Metadata.Namespace;
        switch (resource)
        {
            case Service service:
                service.Spec ??= new ServiceSpec();
                DefaultTemplate(service.Spec.Template ??= new RevisionTemplateSpec());
                service.Spec.Traffic = DefaultTraffic(service.Spec.Traffic, null);
                break;
            case Configuration configuration:
                configuration.Spec ??= new ConfigurationSpec();
                DefaultTemplate(configuration.Spec.Template ??= new RevisionTemplateSpec());
                break;
            case Revision revision:
                DefaultRevisionSpec(revision.Spec ??= new RevisionSpec());
                break;
            case Route route:
                route.Spec ??= new RouteSpec();
                route.Spec.Traffic = DefaultTraffic(route.Spec.Traffic, route.Metadata.Name);
                break;
            case DomainMapping mapping:
                DefaultRef(mapping.Spec?.Ref, ns);
                break;
            case Broker broker:
                broker.Metadata.Annotations ??= [];
                if (!broker.Metadata.Annotations.TryGetValue(Broker.ClassAnnotation, out var cls) || string.IsNullOrEmpty(cls))
                {
                    broker.Metadata.Annotations[Broker.ClassAnnotation] = Options.BrokerClass;
                }

                broker.Spec ??= new BrokerSpec();
                broker.Spec.Delivery ??= new DeliverySpec
                {
                    Retry = Options.BrokerDelivery.Retry,
                    BackoffPolicy = Options.BrokerDelivery.BackoffPolicy,
                    BackoffDelay = Options.BrokerDelivery.BackoffDelay,
                    Timeout = Options.BrokerDelivery.Timeout,
                    RetryAfterMax = Options.BrokerDelivery.RetryAfterMax,
                    Format = Options.BrokerDelivery.Format,
                };
                DefaultDelivery(broker.Spec.Delivery, ns);
                break;
            case Trigger trigger:
                trigger.Spec ??= new TriggerSpec();
                if (string.IsNullOrEmpty(trigger.Spec.Broker))
                {
                    trigger.Spec.Broker = Options.TriggerBroker;
                }

                // Knative labels triggers with their broker so that the broker can list them by selector.
                trigger.Metadata.Labels ??= [];
                trigger.Metadata.Labels["eventing.knative.dev/broker"] = trigger.Spec.Broker;
                DefaultDestination(trigger.Spec.Subscriber, ns);
                DefaultDelivery(trigger.Spec.Delivery, ns);
                break;
            case Channel channel:
                channel.Spec ??= new ChannelSpec();
                channel.Spec.ChannelTemplate ??= DefaultChannelTemplate();
                DefaultDelivery(channel.Spec.Delivery, ns);
                break;
            case InMemoryChannel imc:
                DefaultDelivery(imc.Spec?.Delivery, ns);
                break;
            case Subscription subscription:
                subscription.Spec ??= new SubscriptionSpec();
                DefaultRef(subscription.Spec.Channel, ns);
                DefaultDestination(subscription.Spec.Subscriber, ns);
                DefaultDestination(subscription.Spec.Reply, ns);
                DefaultDelivery(subscription.Spec.Delivery, ns);
                break;
            case Sequence sequence:
                sequence.Spec ??= new SequenceSpec();
                sequence.Spec.ChannelTemplate ??= DefaultChannelTemplate();
                foreach (var step in sequence.Spec.Steps ?? [])
                {
                    DefaultRef(step?.Ref, ns);
                    DefaultDelivery(step?.Delivery, ns);
                }

                DefaultDestination(sequence.Spec.Reply, ns);
                break;
            case Flows.Parallel parallel:
                parallel.Spec ??= new ParallelSpec();
                parallel.Spec.ChannelTemplate ??= DefaultChannelTemplate();
                foreach (var branch in parallel.Spec.Branches ?? [])
                {
                    DefaultDestination(branch?.Filter, ns);
                    DefaultDestination(branch?.Subscriber, ns);
                    DefaultDestination(branch?.Reply, ns);
                    DefaultDelivery(branch?.Delivery, ns);
                }

                DefaultDestination(parallel.Spec.Reply, ns);
                break;
            case PingSource ping:
                ping.Spec ??= new PingSourceSpec();
                if (string.IsNullOrEmpty(ping.Spec.Schedule))
                {
                    ping.Spec.Schedule = Options.PingSchedule;
                }

                // No zone is filled in (Knative's defaults neither): empty means UTC, and a CRON_TZ= prefix in the
                // schedule may name one instead.
                if (string.IsNullOrEmpty(ping.Spec.ContentType) && !string.IsNullOrEmpty(ping.Spec.Data))
                {
                    ping.Spec.ContentType = Options.PingContentType;
                }

                DefaultDestination(ping.Spec.Sink, ns);
                break;
            case ApiServerSource apiServer:
                apiServer.Spec ??= new ApiServerSourceSpec();
                if (string.IsNullOrEmpty(apiServer.Spec.Mode))
                {
                    apiServer.Spec.Mode = "Reference";
                }

                if (string.IsNullOrEmpty(apiServer.Spec.ServiceAccountName))
                {
                    apiServer.Spec.ServiceAccountName = "default";
                }

                DefaultDestination(apiServer.Spec.Sink, ns);
                break;
            case SinkBinding binding:
                binding.Spec ??= new SinkBindingSpec();
                if (binding.Spec.Subject is { } subject && string.IsNullOrEmpty(subject.Namespace))
                {
                    subject.Namespace = ns;
                }

                DefaultDestination(binding.Spec.Sink, ns);
                break;
            case ContainerSource container:
                container.Spec ??= new ContainerSourceSpec();
                DefaultDestination(container.Spec.Sink, ns);
                break;
        }
    }

    private void DefaultTemplate(RevisionTemplateSpec template) => DefaultRevisionSpec(template.Spec ??= new RevisionSpec());

    private void DefaultRevisionSpec(RevisionSpec spec)
    {
        spec.ContainerConcurrency ??= Options.ContainerConcurrency;
        spec.TimeoutSeconds ??= Options.RevisionTimeoutSeconds;
        spec.ResponseStartTimeoutSeconds ??= Options.ResponseStartTimeoutSeconds;
        spec.IdleTimeoutSeconds ??= Options.IdleTimeoutSeconds;
        spec.EnableServiceLinks ??= Options.EnableServiceLinks;
        spec.Containers ??= [];
        for (var i = 0; i < spec.Containers.Count; i++)
        {
            spec.Containers[i] ??= new Container();
        }

        var serving = spec.ServingContainer();
        var userPort = spec.UserPort();
        for (var i = 0; i < spec.Containers.Count; i++)
        {
            var container = spec.Containers[i];
            if (string.IsNullOrEmpty(container.Name))
            {
                container.Name = spec.Containers.Count == 1 ? Options.UserContainerName : $"{Options.UserContainerName}-{i}";
            }

            foreach (var port in container.Ports ?? [])
            {
                if (port is not null && string.IsNullOrEmpty(port.Protocol))
                {
                    port.Protocol = "TCP";
                }
            }

            if (ReferenceEquals(container, serving))
            {
                // Knative probes the user port over TCP until the container says otherwise.
                container.ReadinessProbe ??= new Probe();
                var probe = container.ReadinessProbe;
                if (probe.HttpGet is null && probe.TcpSocket is null && probe.Grpc is null && probe.Exec is null)
                {
                    probe.TcpSocket = new TcpSocketAction { Port = userPort };
                }

                DefaultProbe(probe);
            }
            else if (container.ReadinessProbe is { } sidecarProbe)
            {
                DefaultProbe(sidecarProbe);
            }

            if (container.LivenessProbe is { } liveness)
            {
                DefaultProbe(liveness);
            }
        }
    }

    private static void DefaultProbe(Probe probe)
    {
        if (probe.SuccessThreshold is null or 0)
        {
            probe.SuccessThreshold = 1;
        }

        // A user-chosen period means ordinary Kubernetes probing: give it Kubernetes' thresholds.
        if (probe.PeriodSeconds is > 0)
        {
            probe.FailureThreshold ??= 3;
            probe.TimeoutSeconds ??= 1;
        }
    }

    private static List<TrafficTarget> DefaultTraffic(List<TrafficTarget>? traffic, string? routeConfiguration)
    {
        if (traffic is null || traffic.Count == 0)
        {
            return
            [
                new TrafficTarget { ConfigurationName = routeConfiguration, LatestRevision = true, Percent = 100 },
            ];
        }

        foreach (var target in traffic)
        {
            if (target is null || target.LatestRevision is not null)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(target.RevisionName))
            {
                target.LatestRevision = false;
            }
            else if (routeConfiguration is null || !string.IsNullOrEmpty(target.ConfigurationName))
            {
                // In a Service, an entry without a revision follows the latest one; in a Route, a configuration does.
                target.LatestRevision = true;
            }
        }

        return traffic;
    }

    private ChannelTemplateSpec DefaultChannelTemplate() => new() { ApiVersion = Options.ChannelApiVersion, Kind = Options.ChannelKind };

    private static void DefaultDestination(Destination? destination, string ns) => DefaultRef(destination?.Ref, ns);

    private static void DefaultRef(KReference? reference, string ns)
    {
        if (reference is not null && string.IsNullOrEmpty(reference.Namespace))
        {
            reference.Namespace = ns;
        }
    }

    private static void DefaultDelivery(DeliverySpec? delivery, string ns) => DefaultDestination(delivery?.DeadLetterSink, ns);
}
