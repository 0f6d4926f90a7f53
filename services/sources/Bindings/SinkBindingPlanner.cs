using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Eventing.Addressing;
using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Sources;
using Platform.Sources.Resources;
using Platform.Sources.Sdk;
using Platform.Sources.Status;

namespace Platform.Sources.Bindings;

/// <summary>One subject to write: the whole object with its pod template changed (and its record annotation).</summary>
/// <param name="Name">The subject's name.</param>
/// <param name="Updated">The object to store (its resourceVersion kept: a concurrent change conflicts and is retried).</param>
/// <param name="Injected">True when the variables are set, false when they are removed.</param>
internal sealed record SubjectChange(string Name, JsonObject Updated, bool Injected);

/// <summary>What a SinkBinding pass found and decided.</summary>
/// <param name="Status">The status to store (meaningless while the binding is being deleted).</param>
/// <param name="Changes">The subjects to write.</param>
internal sealed record SinkBindingPlan(SourceStatus Status, IReadOnlyList<SubjectChange> Changes);

/// <summary>
/// A SinkBinding's subjects and status. The subjects it selects (by name, or every object of the kind in its
/// namespace matching the selector) get <c>K_SINK</c>/<c>K_CE_OVERRIDES</c> (<see cref="BindingEnv"/>) and the
/// annotation <see cref="RecordAnnotation"/> naming the binding: that record is how a pass knows what it injected, so
/// that a subject that no longer matches, and every subject once the binding is being deleted, loses exactly those
/// variables. A subject recorded by another binding is left alone (<c>SubjectBound</c>). While the sink does not
/// resolve nothing is touched (the subjects keep the last URI, as in Knative). Pure.
/// </summary>
internal static class SinkBindingPlanner
{
    /// <summary>Annotation on a subject naming the SinkBinding (same namespace) whose variables it carries.</summary>
    public const string RecordAnnotation = "sources.platform.dev/sinkbinding";

    /// <summary>Knative's finalizer of SinkBindings: the variables are removed before the binding goes.</summary>
    public const string Finalizer = "sinkbindings.sources.knative.dev";

    /// <summary>Plans a live binding: <paramref name="candidates"/> are every object of the subject's kind in its namespace.</summary>
    public static SinkBindingPlan Plan(SinkBinding binding, (ResourceKind? Kind, string? Error) subjectKind, Resolution sink,
        IReadOnlyList<JsonObject> candidates, DateTimeOffset now)
    {
        var ns = binding.Metadata.Namespace ?? "default";
        var name = binding.Metadata.Name ?? "";
        var subject = binding.Spec?.Subject;
        var status = new SourceStatus { ObservedGeneration = binding.Metadata.Generation };
        if (sink.Uri is { } uri)
        {
            status.SinkUri = uri.ToString();
            status.SetCondition(SourceConditionTypes.SinkProvided, ConditionStatus.True, now);
        }
        else
        {
            status.SetCondition(SourceConditionTypes.SinkProvided, ConditionStatus.False, now, "NotFound", sink.Error);
        }

        var problem = subject is null ? "spec.subject: required"
            : subjectKind.Error
            ?? (subject.Namespace is { Length: > 0 } other && other != ns ? $"spec.subject.namespace: \"{other}\" is not the binding's namespace \"{ns}\"" : null)
            ?? (string.IsNullOrEmpty(subject.Name) == (subject.Selector is null) ? "spec.subject: set exactly one of name or selector" : null)
            ?? LabelSelectors.Problem(subject.Selector, "spec.subject.selector");
        if (problem is not null)
        {
            status.SetCondition(SourceConditionTypes.SinkBindingAvailable, ConditionStatus.False, now, "InvalidSubject", problem);
            return Finish(status, Release(name, candidates), now);
        }

        var selected = candidates.Where(c => Selects(subject!, c)).ToList();
        List<SubjectChange> changes = [.. Release(name, candidates.Except(selected))];
        var what = $"{subjectKind.Kind!.Kind} \"{subject!.Name}\"";
        if (sink.Uri is not { } target)
        {
            status.SetCondition(SourceConditionTypes.SinkBindingAvailable, ConditionStatus.Unknown, now, "SinkNotResolved", "the subject is bound once the sink resolves");
            return Finish(status, changes, now);
        }
        if (selected.Count == 0 && subject.Name is { Length: > 0 })
        {
            status.SetCondition(SourceConditionTypes.SinkBindingAvailable, ConditionStatus.False, now, "SubjectMissing", $"{what} not found in namespace \"{ns}\"");
            return Finish(status, changes, now);
        }

        var variables = BindingEnv.For(target, new CeOverrides(binding.Spec?.CeOverrides?.Extensions ?? []));
        List<string> taken = [];
        foreach (var candidate in selected)
        {
            var owner = candidate.Annotations().GetValueOrDefault(RecordAnnotation);
            if (owner is not null && owner != name)
            {
                taken.Add($"{subjectKind.Kind.Kind} \"{candidate.Name()}\" is bound by SinkBinding \"{owner}\"");
                continue;
            }
            var updated = (JsonObject)candidate.DeepClone();
            var injected = BindingEnv.PodSpecOf(updated) is { } pod && BindingEnv.Inject(pod, variables);
            if (owner is null) Annotate(updated, name);
            if (injected || owner is null) changes.Add(new SubjectChange(updated.Name() ?? "", updated, true));
        }
        if (taken.Count > 0)
            status.SetCondition(SourceConditionTypes.SinkBindingAvailable, ConditionStatus.False, now, "SubjectBound", string.Join("; ", taken));
        else
            status.SetCondition(SourceConditionTypes.SinkBindingAvailable, ConditionStatus.True, now);
        return Finish(status, changes, now);
    }

    /// <summary>A binding being deleted (or whose subject kind is unknown): every subject it recorded loses its variables.</summary>
    public static IReadOnlyList<SubjectChange> Release(string binding, IEnumerable<JsonObject> candidates)
    {
        List<SubjectChange> changes = [];
        foreach (var candidate in candidates.Where(c => c.Annotations().GetValueOrDefault(RecordAnnotation) == binding))
        {
            var updated = (JsonObject)candidate.DeepClone();
            if (BindingEnv.PodSpecOf(updated) is { } pod) BindingEnv.Remove(pod);
            if (updated.Metadata()?["annotations"] is JsonObject annotations)
            {
                annotations.Remove(RecordAnnotation);
                if (annotations.Count == 0) updated.Metadata()!.Remove("annotations");
            }
            changes.Add(new SubjectChange(updated.Name() ?? "", updated, false));
        }
        return changes;
    }

    /// <summary>The status after writing a subject failed: SinkBindingAvailable=False <c>BindingFailed</c> with the API's message.</summary>
    public static SourceStatus Failed(SourceStatus status, string message, DateTimeOffset now)
    {
        status.SetCondition(SourceConditionTypes.SinkBindingAvailable, ConditionStatus.False, now, "BindingFailed", message);
        SourceConditions.SetReady(status, now, SourceConditionTypes.SinkProvided, SourceConditionTypes.SinkBindingAvailable);
        return status;
    }

    private static bool Selects(BindingReference subject, JsonObject candidate) =>
        subject.Name is { Length: > 0 } name ? candidate.Name() == name : LabelSelectors.Matches(subject.Selector, candidate.Labels());

    private static void Annotate(JsonObject obj, string binding)
    {
        var metadata = obj.EnsureMetadata();
        if (metadata["annotations"] is not JsonObject annotations) metadata["annotations"] = annotations = new JsonObject();
        annotations[RecordAnnotation] = binding;
    }

    private static SinkBindingPlan Finish(SourceStatus status, IReadOnlyList<SubjectChange> changes, DateTimeOffset now)
    {
        SourceConditions.SetReady(status, now, SourceConditionTypes.SinkProvided, SourceConditionTypes.SinkBindingAvailable);
        return new SinkBindingPlan(status, changes);
    }
}
