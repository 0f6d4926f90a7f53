using System.Text.Json.Nodes;
using Platform.Resources.Eventing;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;
using Platform.Resources.Sources;

namespace Platform.Resources.Validation;

/// <summary>
/// Knative's validation for every kind. Pure: returns every error (field path and reason) and changes nothing.
/// Validate after defaulting, as Knative's webhook does.
/// </summary>
public sealed class ResourceValidator
{
    private readonly ServingRules _serving;
    private readonly ResourceSerializer _serializer;

    /// <summary>Creates a validator with the given limits.</summary>
    public ResourceValidator(ValidationOptions options, ResourceSerializer serializer)
    {
        Options = options;
        _serializer = serializer;
        _serving = new ServingRules(options);
    }

    /// <summary>Knative's limits with the default serializer.</summary>
    public static ResourceValidator Knative { get; } = new(new ValidationOptions(), ResourceSerializer.Default);

    /// <summary>The limits enforced.</summary>
    public ValidationOptions Options { get; }

    /// <summary>Every error in <paramref name="resource"/>; empty when valid.</summary>
    public IReadOnlyList<FieldError> Validate(Resource resource)
    {
        var errors = new ErrorList();
        switch (resource)
        {
            case Service service:
                _serving.Service(service, errors);
                break;
            case Configuration configuration:
                _serving.Configuration(configuration, errors);
                break;
            case Revision revision:
                _serving.Revision(revision, errors);
                break;
            case Route route:
                _serving.Route(route, errors);
                break;
            case DomainMapping mapping:
                ServingRules.DomainMapping(mapping, errors);
                break;
            case Broker broker:
                EventingRules.Broker(broker, errors);
                break;
            case Trigger trigger:
                EventingRules.Trigger(trigger, errors);
                break;
            case Channel channel:
                EventingRules.Channel(channel, errors);
                break;
            case InMemoryChannel imc:
                EventingRules.InMemoryChannel(imc, errors);
                break;
            case Subscription subscription:
                EventingRules.Subscription(subscription, errors);
                break;
            case Flows.Sequence sequence:
                EventingRules.Sequence(sequence, errors);
                break;
            case Flows.Parallel parallel:
                EventingRules.Parallel(parallel, errors);
                break;
            case PingSource ping:
                SourceRules.PingSource(ping, errors);
                break;
            case ApiServerSource apiServer:
                SourceRules.ApiServerSource(apiServer, errors);
                break;
            case SinkBinding binding:
                SourceRules.SinkBinding(binding, errors);
                break;
            case ContainerSource container:
                SourceRules.ContainerSource(container, errors);
                break;
            case Autoscaling.PodAutoscaler pa:
                AutoscalingRules.PodAutoscaler(pa, errors);
                break;
            default:
                errors.Add("kind", $"no validation for {resource.GetType().Name}");
                break;
        }

        return errors;
    }

    /// <summary>Every error in <paramref name="next"/>, plus changes Knative forbids from <paramref name="previous"/>.</summary>
    public IReadOnlyList<FieldError> ValidateUpdate(Resource previous, Resource next)
    {
        var errors = new List<FieldError>(Validate(next));
        errors.AddRange(Immutability.Check(previous, next, _serializer));
        return errors;
    }
}

/// <summary>Fields Knative forbids changing once an object exists.</summary>
internal static class Immutability
{
    /// <summary>Every forbidden change from <paramref name="previous"/> to <paramref name="next"/>.</summary>
    public static IReadOnlyList<FieldError> Check(Resource previous, Resource next, ResourceSerializer? serializer = null)
    {
        serializer ??= ResourceSerializer.Default;
        var errors = new List<FieldError>();
        if (previous.GetType() != next.GetType())
        {
            errors.Add(new FieldError("kind", $"must not change (was {previous.Kind})"));
            return errors;
        }

        switch (previous, next)
        {
            case (Revision before, Revision after):
                if (RevisionSpec(before, after, serializer) is { } revisionError)
                {
                    errors.Add(revisionError);
                }

                break;
            case (Service before, Service after):
                TemplateName(before.Spec?.Template, after.Spec?.Template, serializer, errors);
                break;
            case (Configuration before, Configuration after):
                TemplateName(before.Spec?.Template, after.Spec?.Template, serializer, errors);
                break;
            case (Trigger before, Trigger after) when before.Spec?.Broker != after.Spec?.Broker:
                errors.Add(new FieldError("spec.broker", $"is immutable (was \"{before.Spec?.Broker}\")"));
                break;
            case (Broker before, Broker after):
                var beforeClass = before.Metadata.Annotations?.GetValueOrDefault(Broker.ClassAnnotation);
                var afterClass = after.Metadata.Annotations?.GetValueOrDefault(Broker.ClassAnnotation);
                if (beforeClass is not null && beforeClass != afterClass)
                {
                    errors.Add(new FieldError(FieldPath.Key("metadata.annotations", Broker.ClassAnnotation), $"is immutable (was \"{beforeClass}\")"));
                }

                break;
            case (Subscription before, Subscription after) when !SameJson(before.Spec?.Channel, after.Spec?.Channel, serializer):
                errors.Add(new FieldError("spec.channel", "is immutable"));
                break;
            case (Channel before, Channel after) when before.Spec?.ChannelTemplate is not null && !SameJson(before.Spec.ChannelTemplate, after.Spec?.ChannelTemplate, serializer):
                errors.Add(new FieldError("spec.channelTemplate", "is immutable"));
                break;
        }

        return errors;
    }

    /// <summary>A revision's spec never changes after creation: the error if it did, else null.</summary>
    public static FieldError? RevisionSpec(Revision previous, Revision next, ResourceSerializer? serializer = null) =>
        SameJson(previous.Spec, next.Spec, serializer ?? ResourceSerializer.Default) ? null : new FieldError("spec", "is immutable: a revision's spec cannot change after creation");

    // A user-chosen revision name identifies one template: changing the template needs a new name (as Knative).
    private static void TemplateName(RevisionTemplateSpec? before, RevisionTemplateSpec? after, ResourceSerializer serializer, List<FieldError> errors)
    {
        var name = after?.Metadata?.Name;
        if (string.IsNullOrEmpty(name) || before?.Metadata?.Name != name || SameJson(before, after, serializer))
        {
            return;
        }

        errors.Add(new FieldError("spec.template.metadata.name", $"must change when the template changes (revision \"{name}\" already exists)"));
    }

    private static bool SameJson(object? a, object? b, ResourceSerializer serializer)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        var left = System.Text.Json.JsonSerializer.SerializeToNode(a, a.GetType(), serializer.JsonOptions);
        var right = System.Text.Json.JsonSerializer.SerializeToNode(b, b.GetType(), serializer.JsonOptions);
        return JsonNode.DeepEquals(left, right);
    }
}
