using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Broker.Configuration;
using Platform.Broker.Resources;
using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.ControlPlane.Store;
using Platform.Eventing.Addressing;
using Platform.Resources.Flows;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using FlowParallel = Platform.Resources.Flows.Parallel;

namespace Platform.Broker.Reconciling;

/// <summary>
/// The broker service's control loop. On every resource change (and every <see cref="BrokerOptions.ResyncInterval"/>):
/// creates the children of Sequences and Parallels, builds the <see cref="EventingPlan"/>, swaps the routing
/// table, opens and closes topic streams, and writes the statuses that changed. A failing step is logged and
/// retried at the next pass; it never stops the loop.
/// </summary>
internal sealed partial class Reconciler(
    ResourceCache cache, IResourceStore store, Routes routes, StreamHost streams, Accounting.DeliveryLedger ledger, BrokerOptions options, ProtectedDestinations protectedDestinations,
    TimeProvider time, ILogger<Reconciler> logger)
    : BackgroundService
{
    private readonly Addresses _addresses = new(options.IngressUrl, options.ServiceAddressTemplate) { Protected = protectedDestinations };

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        streams.Subscribed += cache.Signal;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await cache.WaitForChangeAsync(options.ResyncInterval, stoppingToken).ConfigureAwait(false);
                await ReconcileAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPassFailed(e);
            }
        }
    }

    /// <summary>One pass.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!cache.IsSynced) return; // no stream opens before the whole picture is known (see ResourceCache.IsSynced)
        await EnsureFlowChildrenAsync(cancellationToken).ConfigureAwait(false);
        var plan = EventingPlan.Build(EventingInputs.From(cache), _addresses, options.DefaultAttemptTimeout, time.GetUtcNow(), options.MaxInFlightPerSubscriber);
        routes.Set(plan.Table);
        ledger.Retain(plan.Table.Subscribers.Values.Select(r => r.Key).ToHashSet());
        await streams.EnsureAsync(plan.Streams, plan.Table.Subscribers.ToDictionary(p => p.Key, p => p.Value.Limits, StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        foreach (var update in plan.Statuses) await WriteStatusAsync(update, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureFlowChildrenAsync(CancellationToken cancellationToken)
    {
        var wanted = new List<(string Owner, FlowChild Child)>();
        foreach (var o in cache.Snapshot(EventingKinds.Sequence))
            if (o.Typed is Sequence s && o.Json.DeletionTimestamp() is null) wanted.AddRange(FlowChildren.ForSequence(s).Select(c => (o.Uid, c)));
        foreach (var o in cache.Snapshot(EventingKinds.Parallel))
            if (o.Typed is FlowParallel p && o.Json.DeletionTimestamp() is null) wanted.AddRange(FlowChildren.ForParallel(p).Select(c => (o.Uid, c)));
        foreach (var (_, child) in wanted)
        {
            var ns = child.Object.Namespace() ?? "default";
            var existing = cache.Get(child.Kind, ns, child.Name);
            try
            {
                if (existing is null)
                {
                    var created = await store.CreateAsync(child.Kind, child.Object, cancellationToken).ConfigureAwait(false);
                    cache.Apply(child.Kind, WatchEventType.Added, created);
                    LogChildCreated(child.Kind.Kind, ns, child.Name);
                }
                else if (!SpecMatches(existing.Json, child.Object))
                {
                    var update = (JsonObject)existing.Json.DeepClone();
                    update["spec"] = child.Object["spec"]?.DeepClone();
                    var updated = await store.UpdateAsync(child.Kind, update, cancellationToken).ConfigureAwait(false);
                    cache.Apply(child.Kind, WatchEventType.Modified, updated);
                }
            }
            catch (ResourceException e) when (e.Reason is StatusReason.AlreadyExists or StatusReason.Conflict)
            {
                cache.Signal(); // a concurrent writer; the watch brings the current object, try again
            }
            catch (ResourceException e)
            {
                // One bad child (refused by admission, say) must not stop the other resources from reconciling;
                // its flow stays not Ready (ChildrenNotReady) and the next pass tries again.
                LogChildFailed(child.Kind.Kind, ns, child.Name, e.Message);
            }
        }
        // Children of a flow that no longer wants them (a step or branch removed).
        var wantedNames = wanted.Select(w => (w.Child.Kind, w.Child.Object.Namespace() ?? "default", w.Child.Name)).ToHashSet();
        var owners = wanted.Select(w => w.Owner).ToHashSet();
        foreach (var kind in new[] { EventingKinds.InMemoryChannel, EventingKinds.Subscription })
            foreach (var o in cache.Snapshot(kind))
                if (o.Json.OwnerUids().Any(owners.Contains) && !wantedNames.Contains((kind, o.Namespace, o.Name)))
                {
                    try { await store.DeleteAsync(kind, o.Namespace, o.Name, cancellationToken).ConfigureAwait(false); }
                    catch (ResourceException e) { LogChildFailed(kind.Kind, o.Namespace, o.Name, e.Message); }
                }
    }

    private static bool SpecMatches(JsonObject existing, JsonObject wanted)
    {
        var have = existing["spec"] as JsonObject;
        if (wanted["spec"] is not JsonObject want) return true;
        foreach (var (key, value) in want)
            if (!JsonNode.DeepEquals(have?[key], value)) return false;
        foreach (var key in new[] { "subscriber", "reply", "delivery" })
            if (have?[key] is not null && want[key] is null) return false;
        return true;
    }

    private async Task WriteStatusAsync(StatusUpdate update, CancellationToken cancellationToken)
    {
        var status = update.Status;
        if (update.RequiredTopic is { } topic && !streams.IsSubscribed(topic) && status.IsReady())
        {
            // StreamHost.Subscribed wakes the loop once the sidecar accepts the stream.
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.Unknown, time.GetUtcNow(), "Subscribing", $"waiting for the subscription to topic {topic}");
        }
        var node = JsonSerializer.SerializeToNode(status, status.GetType(), ResourceSerializer.Default.JsonOptions)!;
        var old = update.Object.Json["status"];
        if (StatusComparison.SameApartFromTimes(old, node)) return;
        StatusComparison.KeepTransitionTimes(old, node);
        var obj = (JsonObject)update.Object.Json.DeepClone();
        obj["status"] = node;
        try
        {
            var written = await store.UpdateStatusAsync(update.Kind, obj, cancellationToken).ConfigureAwait(false);
            cache.Apply(update.Kind, WatchEventType.Modified, written);
            LogStatus(update.Kind.Kind, update.Object.Namespace, update.Object.Name, status.GetCondition(ConditionTypes.Ready)?.Status ?? "", status.GetCondition(ConditionTypes.Ready)?.Message ?? "");
        }
        catch (ResourceException e) when (e.Reason is StatusReason.Conflict or StatusReason.NotFound)
        {
            cache.Signal();
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "reconcile pass failed; retrying")]
    private partial void LogPassFailed(Exception error);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "created {Kind} {Namespace}/{Name} for a flow")]
    private partial void LogChildCreated(string kind, string @namespace, string name);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "{Kind} {Namespace}/{Name} for a flow could not be written: {Error}")]
    private partial void LogChildFailed(string kind, string @namespace, string name, string error);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name}: Ready={Ready} {Message}")]
    private partial void LogStatus(string kind, string @namespace, string name, string ready, string message);
}
