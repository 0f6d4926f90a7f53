using Platform.ControlPlane.Kinds;
using Platform.Eventing.Addressing;
using Platform.Resources.Core;
using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Sources;
using Platform.Sources.Ping;
using Platform.Sources.Resources;
using Platform.Sources.Status;

namespace Platform.Sources.ApiServer;

/// <summary>One watched resource of an ApiServerSource.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Selector">Its label selector, or null.</param>
internal sealed record WatchedResource(ResourceKind Kind, LabelSelector? Selector);

/// <summary>What the service runs for one ApiServerSource.</summary>
/// <param name="Uid">The source's uid.</param>
/// <param name="Key"><c>namespace/name</c>.</param>
/// <param name="Generation">A change restarts its watches.</param>
/// <param name="Source">The events' <c>source</c>: the API server's address.</param>
/// <param name="Reference">Reference mode (else Resource).</param>
/// <param name="Resources">What to watch.</param>
/// <param name="Owner">Only objects whose controller is of this apiVersion/kind, or null.</param>
/// <param name="Namespace">The one namespace watched, or null for every namespace that <see cref="NamespaceSelector"/> admits.</param>
/// <param name="NamespaceSelector">Which namespaces count when <see cref="Namespace"/> is null.</param>
/// <param name="Sink">Where events go.</param>
/// <param name="Overrides">Extensions added to every event.</param>
internal sealed record ApiServerJob(string Uid, string Key, long Generation, string Source, bool Reference, IReadOnlyList<WatchedResource> Resources,
    ApiVersionKind? Owner, string? Namespace, LabelSelector? NamespaceSelector, Uri Sink, IReadOnlyDictionary<string, string> Overrides);

/// <summary>
/// An ApiServerSource's status and job: <c>SinkProvided</c>; <c>Deployed</c> once every resource names a kind that
/// exists and its watches have listed what exists (False <c>ResourceNotFound</c> naming the first that does not); <c>SufficientPermissions</c> from the access
/// check (False with Knative's message naming the missing verbs); <c>Ready</c> from the three; <c>namespaces</c>,
/// <c>sinkUri</c>, <c>ceAttributes</c> (the three event types of its mode); <c>EventsDelivered</c> as for PingSources. Pure.
/// </summary>
internal static class ApiServerPlanner
{
    /// <summary>The inputs that are not the source itself.</summary>
    /// <param name="Sink">The sink's resolution.</param>
    /// <param name="Kinds">Each resource's kind, or why it has none, in spec order.</param>
    /// <param name="MissingPermissions">Knative's "User ... cannot ..." message, empty when sufficient, null when not checked yet.</param>
    /// <param name="Namespaces">The namespaces watched (for the status).</param>
    /// <param name="ApiServer">The API server's address (the events' source).</param>
    /// <param name="LastDelivery">This replica's last delivery, or null.</param>
    /// <param name="StoredDelivery">The stored <c>EventsDelivered</c> condition, or null.</param>
    /// <param name="Watching">Whether its watches run and have listed what exists.</param>
    internal sealed record Inputs(Resolution Sink, IReadOnlyList<(ResourceKind? Kind, string? Error)> Kinds, string? MissingPermissions,
        IReadOnlyList<string> Namespaces, string ApiServer, DeliveryOutcome? LastDelivery, Condition? StoredDelivery, bool Watching);

    /// <summary>The status to store and the job to run (null when it cannot run).</summary>
    public static (ApiServerSourceStatus Status, ApiServerJob? Job) Plan(ApiServerSource source, string uid, Inputs inputs, DateTimeOffset now)
    {
        var spec = source.Spec ?? new ApiServerSourceSpec();
        var ns = source.Metadata.Namespace ?? "default";
        var reference = spec.Mode != "Resource";
        var status = new ApiServerSourceStatus
        {
            ObservedGeneration = source.Metadata.Generation,
            Namespaces = [.. inputs.Namespaces],
            CeAttributes = [.. new[] { ApiServerEvents.Change.Add, ApiServerEvents.Change.Update, ApiServerEvents.Change.Delete }
                .Select(c => new CloudEventAttributes { Type = ApiServerEvents.TypeOf(c, reference), Source = inputs.ApiServer })],
        };
        if (inputs.Sink.Uri is { } uri)
        {
            status.SinkUri = uri.ToString();
            status.SetCondition(SourceConditionTypes.SinkProvided, ConditionStatus.True, now);
        }
        else
        {
            status.SetCondition(SourceConditionTypes.SinkProvided, ConditionStatus.False, now, "NotFound", inputs.Sink.Error);
        }

        var resources = spec.Resources ?? [];
        string? problem = null;
        for (var i = 0; i < resources.Count && problem is null; i++)
        {
            var (kind, error) = i < inputs.Kinds.Count ? inputs.Kinds[i] : (null, "not resolved");
            if (kind is null) problem = $"spec.resources[{i}]: {error}";
            else if (LabelSelectors.Problem(resources[i]?.Selector, $"spec.resources[{i}].selector") is { } bad) problem = bad;
        }
        problem ??= LabelSelectors.Problem(spec.NamespaceSelector, "spec.namespaceSelector");
        if (resources.Count == 0) problem = "spec.resources: must have at least one resource";
        if (problem is not null) status.SetCondition(SourceConditionTypes.Deployed, ConditionStatus.False, now, "ResourceNotFound", problem);
        else if (inputs.Watching) status.SetCondition(SourceConditionTypes.Deployed, ConditionStatus.True, now);
        else status.SetCondition(SourceConditionTypes.Deployed, ConditionStatus.Unknown, now, "WatchStarting", "its watches are listing what exists");

        switch (inputs.MissingPermissions)
        {
            case null:
                status.SetCondition(SourceConditionTypes.SufficientPermissions, ConditionStatus.Unknown, now, "Checking", "the access check has not answered yet");
                break;
            case "":
                status.SetCondition(SourceConditionTypes.SufficientPermissions, ConditionStatus.True, now);
                break;
            default:
                status.SetCondition(SourceConditionTypes.SufficientPermissions, ConditionStatus.False, now, "InsufficientPermissions", inputs.MissingPermissions);
                break;
        }
        SourceConditions.SetReady(status, now, SourceConditionTypes.SinkProvided, SourceConditionTypes.Deployed, SourceConditionTypes.SufficientPermissions);

        if (inputs.LastDelivery is { Delivered: true })
            status.SetCondition(SourceConditionTypes.EventsDelivered, ConditionStatus.True, now);
        else if (inputs.LastDelivery is { } failed)
            status.SetCondition(SourceConditionTypes.EventsDelivered, ConditionStatus.False, now, "DeliveryFailed", failed.Description, "Warning");
        else if (inputs.StoredDelivery is not null)
        {
            status.Conditions!.Add(inputs.StoredDelivery);
            status.Conditions.Sort((a, b) => string.CompareOrdinal(a.Type, b.Type));
        }

        // It runs once it may (sink, kinds, permissions); Deployed turns True when its watches have listed.
        var runnable = status.GetCondition(SourceConditionTypes.SinkProvided)?.Status == ConditionStatus.True
            && problem is null && inputs.MissingPermissions == "";
        if (!runnable) return (status, null);
        var watched = resources.Select((r, i) => new WatchedResource(inputs.Kinds[i].Kind!, r!.Selector)).ToList();
        var job = new ApiServerJob(uid, $"{ns}/{source.Metadata.Name}", source.Metadata.Generation ?? 0, inputs.ApiServer, reference, watched, spec.Owner,
            spec.NamespaceSelector is null ? ns : null, spec.NamespaceSelector, inputs.Sink.Uri!,
            spec.CeOverrides?.Extensions ?? new Dictionary<string, string>());
        return (status, job);
    }
}
