using Platform.Eventing.Addressing;
using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Sources;
using Platform.Sources.Status;

namespace Platform.Sources.Ping;

/// <summary>What the scheduler runs for one PingSource: its schedule, its sink and the source as reconciled.</summary>
/// <param name="Uid">The source's uid (the key of its "last fired" record).</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="Generation">Its <c>metadata.generation</c>: a change reschedules from now.</param>
/// <param name="Created">Its creation time: no tick before it is ever fired.</param>
/// <param name="Schedule">The parsed schedule.</param>
/// <param name="Sink">The resolved sink.</param>
/// <param name="Source">The source (event data and overrides).</param>
internal sealed record PingJob(string Uid, string Namespace, string Name, long Generation, DateTimeOffset Created, PingSchedule Schedule, Uri Sink, PingSource Source)
{
    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Namespace}/{Name}";
}

/// <summary>The last delivery of a PingSource this replica made.</summary>
/// <param name="Delivered">Whether the sink took it.</param>
/// <param name="Description">How it ended (<c>503 ServiceUnavailable after 6 attempts</c>).</param>
internal sealed record DeliveryOutcome(bool Delivered, string Description);

/// <summary>
/// A PingSource's status and job: <c>SinkProvided</c> from the sink's resolution, <c>Deployed</c> once it is
/// scheduled (False with <c>InvalidSchedule</c> for a schedule admission would have refused), <c>Ready</c> from both,
/// <c>sinkUri</c>, <c>ceAttributes</c>; and <see cref="SourceConditionTypes.EventsDelivered"/> from this replica's last
/// delivery, or as stored when this replica made none (another replica fires it). Pure.
/// </summary>
internal static class PingPlanner
{
    /// <summary>The status to store and the job to schedule (null when it cannot run).</summary>
    public static (SourceStatus Status, PingJob? Job) Plan(PingSource source, string uid, DateTimeOffset created, Resolution sink,
        DeliveryOutcome? lastDelivery, Condition? storedDelivery, DateTimeOffset now)
    {
        var spec = source.Spec ?? new PingSourceSpec();
        var status = new SourceStatus
        {
            ObservedGeneration = source.Metadata.Generation,
            CeAttributes = [new CloudEventAttributes { Type = PingSource.EventType, Source = source.EventSource() }],
        };
        if (sink.Uri is { } uri)
        {
            status.SinkUri = uri.ToString();
            status.SetCondition(SourceConditionTypes.SinkProvided, ConditionStatus.True, now);
        }
        else
        {
            status.SetCondition(SourceConditionTypes.SinkProvided, ConditionStatus.False, now, "NotFound", sink.Error);
        }

        PingJob? job = null;
        if (!PingSchedule.TryParse(spec.Schedule, spec.Timezone, out var schedule, out var error))
        {
            status.SetCondition(SourceConditionTypes.Deployed, ConditionStatus.False, now, "InvalidSchedule", $"spec.{error.Field}: {error.Message}");
        }
        else if (sink.Uri is null)
        {
            status.SetCondition(SourceConditionTypes.Deployed, ConditionStatus.Unknown, now, "SinkNotResolved", "scheduled once the sink resolves");
        }
        else
        {
            status.SetCondition(SourceConditionTypes.Deployed, ConditionStatus.True, now);
            job = new PingJob(uid, source.Metadata.Namespace ?? "default", source.Metadata.Name ?? "", source.Metadata.Generation ?? 0, created, schedule!, sink.Uri, source);
        }
        SourceConditions.SetReady(status, now, SourceConditionTypes.SinkProvided, SourceConditionTypes.Deployed);

        if (lastDelivery is { Delivered: true })
            status.SetCondition(SourceConditionTypes.EventsDelivered, ConditionStatus.True, now);
        else if (lastDelivery is { } failed)
            status.SetCondition(SourceConditionTypes.EventsDelivered, ConditionStatus.False, now, "DeliveryFailed", failed.Description, "Warning");
        else if (storedDelivery is not null)
        {
            status.Conditions!.Add(storedDelivery);
            status.Conditions.Sort((a, b) => string.CompareOrdinal(a.Type, b.Type));
        }
        return (status, job);
    }
}
