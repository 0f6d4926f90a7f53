using Platform.Eventing.Filters.Cesql;
using Platform.Eventing.Filters.Filters;
using Platform.Resources.Eventing;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;

namespace Platform.Resources.Validation;

/// <summary>Rules for Broker, Trigger (filters and CESQL), channels, subscriptions, Sequence and Parallel.</summary>
internal static class EventingRules
{
    public static void Broker(Broker broker, ErrorList errors)
    {
        MetadataRules.Validate(broker.Metadata, NameCheck.Dns1123Subdomain, errors);
        if (broker.Metadata?.Annotations?.TryGetValue(Eventing.Broker.ClassAnnotation, out var cls) == true && string.IsNullOrEmpty(cls))
        {
            errors.Add(FieldPath.Key("metadata.annotations", Eventing.Broker.ClassAnnotation), "must not be empty");
        }

        if (broker.Spec?.Config is { } config)
        {
            DestinationRules.Reference(config, "spec.config", errors);
        }

        DestinationRules.Delivery(broker.Spec?.Delivery, "spec.delivery", errors);
    }

    public static void Trigger(Trigger trigger, ErrorList errors)
    {
        MetadataRules.Validate(trigger.Metadata, NameCheck.Dns1123Subdomain, errors);
        var annotationErrors = new List<(string Path, string Message)>();
        DeliveryAnnotations.Parse(trigger.Metadata?.Annotations, "metadata.annotations", annotationErrors);
        foreach (var (path, message) in annotationErrors) errors.Add(path, message);
        var spec = trigger.Spec;
        if (spec is null)
        {
            errors.Add("spec", "required");
            return;
        }

        if (string.IsNullOrEmpty(spec.Broker))
        {
            errors.Add("spec.broker", "required");
        }
        else if (!Names.IsDns1123Subdomain(spec.Broker))
        {
            errors.Add("spec.broker", Names.Dns1123SubdomainMessage);
        }

        foreach (var key in spec.Filter?.Attributes?.Keys ?? Enumerable.Empty<string>())
        {
            if (!CloudEventNames.IsAttributeName(key))
            {
                errors.Add(FieldPath.Key("spec.filter.attributes", key), CloudEventNames.Message);
            }
        }

        for (var i = 0; i < (spec.Filters?.Count ?? 0); i++)
        {
            Filter(spec.Filters![i], FieldPath.Index("spec.filters", i), errors);
        }

        // Knative silently ignores filter when filters is set; refusing says which one applies instead of guessing.
        if (spec.Filters is { Count: > 0 } && spec.Filter?.Attributes is { Count: > 0 })
        {
            errors.Add("spec.filter", "must not be set together with spec.filters (filters would apply and filter be ignored): keep one");
        }

        DestinationRules.Destination(spec.Subscriber, "spec.subscriber", required: true, errors);
        DestinationRules.Delivery(spec.Delivery, "spec.delivery", errors);
    }

    /// <summary>One SubscriptionsAPI filter: exactly one dialect, one attribute per exact/prefix/suffix, CESQL that parses.</summary>
    public static void Filter(SubscriptionsApiFilter? filter, string path, ErrorList errors)
    {
        if (filter is null)
        {
            errors.Add(path, "must set exactly one of exact, prefix, suffix, all, any, not, cesql");
            return;
        }

        var dialects = new object?[] { filter.Exact, filter.Prefix, filter.Suffix, filter.All, filter.Any, filter.Not, filter.Cesql }.Count(d => d is not null);
        if (dialects != 1)
        {
            errors.Add(path, "must set exactly one of exact, prefix, suffix, all, any, not, cesql");
        }

        Attributes(filter.Exact, FieldPath.Child(path, "exact"), allowEmptyValue: true, errors);
        Attributes(filter.Prefix, FieldPath.Child(path, "prefix"), allowEmptyValue: false, errors);
        Attributes(filter.Suffix, FieldPath.Child(path, "suffix"), allowEmptyValue: false, errors);
        Nested(filter.All, FieldPath.Child(path, "all"), errors);
        Nested(filter.Any, FieldPath.Child(path, "any"), errors);
        if (filter.Not is not null)
        {
            Filter(filter.Not, FieldPath.Child(path, "not"), errors);
        }

        if (filter.Cesql is { } expression)
        {
            var cesqlPath = FieldPath.Child(path, "cesql");
            if (string.IsNullOrWhiteSpace(expression))
            {
                errors.Add(cesqlPath, "must not be empty");
            }
            else if (!CesqlExpression.TryParse(expression, out _, out var error))
            {
                errors.Add(cesqlPath, error is null ? "invalid CESQL expression" : $"{error.Message} (at position {error.Position})");
            }
        }
    }

    private static void Attributes(Dictionary<string, string>? attributes, string path, bool allowEmptyValue, ErrorList errors)
    {
        if (attributes is null)
        {
            return;
        }

        if (attributes.Count != 1)
        {
            errors.Add(path, "must have exactly one attribute");
        }

        foreach (var (key, value) in attributes)
        {
            if (!CloudEventNames.IsAttributeName(key))
            {
                errors.Add(FieldPath.Key(path, key), CloudEventNames.Message);
            }
            else if (!allowEmptyValue && string.IsNullOrEmpty(value))
            {
                errors.Add(FieldPath.Key(path, key), "must not be empty");
            }
        }
    }

    private static void Nested(List<SubscriptionsApiFilter>? filters, string path, ErrorList errors)
    {
        if (filters is null)
        {
            return;
        }

        if (filters.Count == 0)
        {
            errors.Add(path, "must have at least one filter");
        }

        for (var i = 0; i < filters.Count; i++)
        {
            Filter(filters[i], FieldPath.Index(path, i), errors);
        }
    }

    public static void Channel(Channel channel, ErrorList errors)
    {
        MetadataRules.Validate(channel.Metadata, NameCheck.Dns1123Subdomain, errors);
        ChannelTemplate(channel.Spec?.ChannelTemplate, "spec.channelTemplate", required: true, errors);
        Channelable(channel.Spec, errors);
    }

    public static void InMemoryChannel(InMemoryChannel channel, ErrorList errors)
    {
        MetadataRules.Validate(channel.Metadata, NameCheck.Dns1123Subdomain, errors);
        Channelable(channel.Spec, errors);
    }

    private static void Channelable(ChannelableSpec? spec, ErrorList errors)
    {
        if (spec is null)
        {
            return;
        }

        for (var i = 0; i < (spec.Subscribers?.Count ?? 0); i++)
        {
            var subscriber = spec.Subscribers![i];
            var path = FieldPath.Index("spec.subscribers", i);
            if (subscriber is null)
            {
                errors.Add(path, "required");
                continue;
            }

            AbsoluteUri(subscriber.SubscriberUri, FieldPath.Child(path, "subscriberUri"), errors);
            AbsoluteUri(subscriber.ReplyUri, FieldPath.Child(path, "replyUri"), errors);
            DestinationRules.Delivery(subscriber.Delivery, FieldPath.Child(path, "delivery"), errors);
        }

        DestinationRules.Delivery(spec.Delivery, "spec.delivery", errors);
    }

    private static void ChannelTemplate(ChannelTemplateSpec? template, string path, bool required, ErrorList errors)
    {
        if (template is null)
        {
            if (required)
            {
                errors.Add(path, "required");
            }

            return;
        }

        if (string.IsNullOrEmpty(template.ApiVersion))
        {
            errors.Add(FieldPath.Child(path, "apiVersion"), "required");
        }

        if (string.IsNullOrEmpty(template.Kind))
        {
            errors.Add(FieldPath.Child(path, "kind"), "required");
        }
    }

    public static void Subscription(Subscription subscription, ErrorList errors)
    {
        MetadataRules.Validate(subscription.Metadata, NameCheck.Dns1123Subdomain, errors);
        var spec = subscription.Spec;
        if (spec?.Channel is null)
        {
            errors.Add("spec.channel", "required");
        }
        else
        {
            DestinationRules.Reference(spec.Channel, "spec.channel", errors);
        }

        DestinationRules.Destination(spec?.Subscriber, "spec.subscriber", required: true, errors);
        DestinationRules.Destination(spec?.Reply, "spec.reply", required: false, errors);
        DestinationRules.Delivery(spec?.Delivery, "spec.delivery", errors);
    }

    public static void Sequence(Sequence sequence, ErrorList errors)
    {
        MetadataRules.Validate(sequence.Metadata, NameCheck.Dns1123Subdomain, errors);
        var steps = sequence.Spec?.Steps;
        if (steps is not { Count: > 0 })
        {
            errors.Add("spec.steps", "must have at least one step");
        }

        for (var i = 0; i < (steps?.Count ?? 0); i++)
        {
            var step = steps![i];
            var path = FieldPath.Index("spec.steps", i);
            if (step is null)
            {
                errors.Add(path, "required");
                continue;
            }

            DestinationRules.Destination(step.Ref, step.Uri, path, errors);
            DestinationRules.Delivery(step.Delivery, FieldPath.Child(path, "delivery"), errors);
        }

        ChannelTemplate(sequence.Spec?.ChannelTemplate, "spec.channelTemplate", required: false, errors);
        DestinationRules.Destination(sequence.Spec?.Reply, "spec.reply", required: false, errors);
    }

    public static void Parallel(Flows.Parallel parallel, ErrorList errors)
    {
        MetadataRules.Validate(parallel.Metadata, NameCheck.Dns1123Subdomain, errors);
        var branches = parallel.Spec?.Branches;
        if (branches is not { Count: > 0 })
        {
            errors.Add("spec.branches", "must have at least one branch");
        }

        for (var i = 0; i < (branches?.Count ?? 0); i++)
        {
            var branch = branches![i];
            var path = FieldPath.Index("spec.branches", i);
            if (branch is null)
            {
                errors.Add(path, "required");
                continue;
            }

            DestinationRules.Destination(branch.Filter, FieldPath.Child(path, "filter"), required: false, errors);
            DestinationRules.Destination(branch.Subscriber, FieldPath.Child(path, "subscriber"), required: true, errors);
            DestinationRules.Destination(branch.Reply, FieldPath.Child(path, "reply"), required: false, errors);
            DestinationRules.Delivery(branch.Delivery, FieldPath.Child(path, "delivery"), errors);
        }

        ChannelTemplate(parallel.Spec?.ChannelTemplate, "spec.channelTemplate", required: false, errors);
        DestinationRules.Destination(parallel.Spec?.Reply, "spec.reply", required: false, errors);
    }

    private static void AbsoluteUri(string? uri, string path, ErrorList errors)
    {
        if (!string.IsNullOrEmpty(uri) && !Uri.TryCreate(uri, UriKind.Absolute, out _))
        {
            errors.Add(path, "must be an absolute URI");
        }
    }
}
