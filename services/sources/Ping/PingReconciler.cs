using Platform.ControlPlane.Store;
using Platform.Resources.Sources;
using Platform.Sources.Resources;
using Platform.Sources.Sinks;
using Platform.Sources.Status;

namespace Platform.Sources.Ping;

/// <summary>
/// PingSources: resolves each one's sink, writes its status (<see cref="PingPlanner"/>) and hands the runnable ones
/// to the <see cref="PingScheduler"/>.
/// </summary>
internal sealed class PingReconciler(SourceCache cache, SinkResolver sinks, PingScheduler scheduler, StatusWriter statuses, TimeProvider time) : ISourceReconciler
{
    private HashSet<string> _known = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<PingJob> jobs = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in cache.Snapshot(SourceKinds.Ping))
        {
            seen.Add(o.Uid);
            if (o.Json.Metadata()?["deletionTimestamp"] is not null) continue;
            if (o.Typed is not PingSource source)
            {
                await statuses.WriteAsync(SourceKinds.Ping, o, InvalidStatus.For(o, now), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var resolution = sinks.Resolve(source.Spec?.Sink, o.Namespace);
            var stored = (o.Json["status"]?["conditions"] as System.Text.Json.Nodes.JsonArray)?
                .OfType<System.Text.Json.Nodes.JsonObject>().FirstOrDefault(c => c.Str("type") == SourceConditionTypes.EventsDelivered);
            var (status, job) = PingPlanner.Plan(source, o.Uid, source.Metadata.CreationTimestamp ?? now, resolution,
                scheduler.LastDelivery(o.Uid), InvalidStatus.Condition(stored), now);
            if (job is not null) jobs.Add(job);
            await statuses.WriteAsync(SourceKinds.Ping, o, status, cancellationToken).ConfigureAwait(false);
        }
        var deleted = _known.Where(uid => !seen.Contains(uid)).ToList();
        _known = seen;
        scheduler.Update(jobs, deleted);
    }
}
