using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Caching;
using Platform.Resources.Sources;
using Platform.Sources.Resources;
using Platform.Sources.Sinks;
using Platform.Sources.Status;

namespace Platform.Sources.Bindings;

/// <summary>
/// SinkBindings: keeps the finalizer on each live one, lists the objects of its subject's kind in its namespace
/// through the resource store (the control plane locally; in Kubernetes mode the cluster, whose apps/v1 and batch/v1
/// kinds the store reaches like any other group), writes the subjects <see cref="SinkBindingPlanner"/> changes (a
/// Knative Service's new template rolls a revision), and the status. A binding being deleted gives its subjects back
/// their env, then drops its finalizer.
/// </summary>
internal sealed partial class SinkBindingReconciler(SourceCache cache, SinkResolver sinks, SubjectKinds kinds, IResourceStore store, StatusWriter statuses,
    TimeProvider time, ILogger<SinkBindingReconciler> logger) : ISourceReconciler
{
    /// <inheritdoc />
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        foreach (var cached in cache.Snapshot(SourceKinds.Binding))
        {
            var o = cached;
            var now = time.GetUtcNow();
            var deleting = o.Json.DeletionTimestamp() is not null;
            var finalized = o.Json.Finalizers().Contains(SinkBindingPlanner.Finalizer);
            if (deleting && !finalized) continue;
            if (o.Typed is not SinkBinding binding)
            {
                if (deleting) await SetFinalizerAsync(o, false, cancellationToken).ConfigureAwait(false);
                else await statuses.WriteAsync(SourceKinds.Binding, o, InvalidStatus.For(o, now), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var subject = binding.Spec?.Subject;
            var kind = kinds.Resolve(subject?.ApiVersion, subject?.Kind);
            IReadOnlyList<JsonObject> candidates = [];
            string? listFailure = null;
            if (kind.Kind is { } k)
            {
                try
                {
                    candidates = (await store.ListAsync(k, o.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
                }
                catch (ResourceException e)
                {
                    listFailure = $"listing {k.Plural} in namespace \"{o.Namespace}\" failed: {e.Message}";
                }
            }

            if (deleting)
            {
                if (listFailure is null && await ApplyAsync(o, kind.Kind, SinkBindingPlanner.Release(o.Name, candidates), cancellationToken).ConfigureAwait(false) is null)
                    await SetFinalizerAsync(o, false, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (!finalized) o = await SetFinalizerAsync(o, true, cancellationToken).ConfigureAwait(false) ?? o;

            var plan = SinkBindingPlanner.Plan(binding, kind, sinks.Resolve(binding.Spec?.Sink, o.Namespace), candidates, now);
            var status = plan.Status;
            var failure = listFailure ?? await ApplyAsync(o, kind.Kind, plan.Changes, cancellationToken).ConfigureAwait(false);
            if (failure is not null) status = SinkBindingPlanner.Failed(status, failure, now);
            await statuses.WriteAsync(SourceKinds.Binding, o, status, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the changed subjects; the first failure's message, or null.</summary>
    private async Task<string?> ApplyAsync(CachedObject binding, ResourceKind? kind, IReadOnlyList<SubjectChange> changes, CancellationToken cancellationToken)
    {
        string? failure = null;
        foreach (var change in changes)
        {
            try
            {
                await store.UpdateAsync(kind!, change.Updated, cancellationToken).ConfigureAwait(false);
                LogSubjectWritten(binding.Key, kind!.Kind, change.Name, change.Injected ? "bound" : "released");
            }
            catch (ResourceException e)
            {
                // A conflict is someone else's write: the next pass works on the fresh object.
                if (e.Reason == StatusReason.Conflict) cache.Signal();
                else LogSubjectFailed(binding.Key, kind!.Kind, change.Name, e.Message);
                failure ??= $"{kind!.Kind} \"{change.Name}\": {e.Message}";
            }
        }
        return failure;
    }

    /// <summary>Adds or removes the finalizer; the written binding (also put in the cache), or null when the write failed.</summary>
    private async Task<CachedObject?> SetFinalizerAsync(CachedObject o, bool present, CancellationToken cancellationToken)
    {
        List<string> finalizers = [.. o.Json.Finalizers().Where(f => f != SinkBindingPlanner.Finalizer)];
        if (present) finalizers.Add(SinkBindingPlanner.Finalizer);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)JsonValue.Create(f))]),
                ["resourceVersion"] = o.Json.ResourceVersion(),
            },
        };
        try
        {
            var written = await store.PatchAsync(SourceKinds.Binding, o.Namespace, o.Name, patch, cancellationToken: cancellationToken).ConfigureAwait(false);
            cache.Apply(SourceKinds.Binding, WatchEventType.Modified, written);
            return cache.Get(SourceKinds.Binding, o.Namespace, o.Name);
        }
        catch (ResourceException e) when (e.Reason is StatusReason.Conflict or StatusReason.NotFound)
        {
            cache.Signal();
            return null;
        }
    }

    [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "SinkBinding {Binding}: {Kind} {Subject} {Action}")]
    private partial void LogSubjectWritten(string binding, string kind, string subject, string action);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Warning, Message = "SinkBinding {Binding}: writing {Kind} {Subject} failed: {Error}")]
    private partial void LogSubjectFailed(string binding, string kind, string subject, string error);
}
