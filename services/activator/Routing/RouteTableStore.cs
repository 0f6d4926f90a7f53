using Platform.Activator.Throttling;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Routing;

/// <summary>How an update of the route table ended.</summary>
internal enum ApplyStatus
{
    /// <summary>Applied; the new view serves the next request.</summary>
    Applied,

    /// <summary>Refused, nothing changed; see <see cref="ApplyResult.Errors"/>.</summary>
    Invalid,

    /// <summary>An endpoints update named a revision the table does not have.</summary>
    UnknownRevision,
}

/// <summary>Result of an update.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Errors">Every problem, with its field path, when not applied.</param>
/// <param name="Version">The table version after the call.</param>
internal sealed record ApplyResult(ApplyStatus Status, IReadOnlyList<string> Errors, long Version);

/// <summary>
/// The activator's input: the serving-controller (or a test) replaces the whole <see cref="RouteTable"/> or the
/// ready endpoints of one revision; readers take <see cref="Current"/>, an immutable view, on every request.
/// </summary>
internal interface IRouteTableStore
{
    /// <summary>The view that routes the next request.</summary>
    RoutingSnapshot Current { get; }

    /// <summary>Validates and replaces the whole table (all or nothing).</summary>
    ApplyResult Apply(RouteTable table);

    /// <summary>Replaces the ready replicas of one revision; held requests are released at once.</summary>
    ApplyResult UpdateEndpoints(string @namespace, string revision, EndpointsUpdate update);
}

/// <summary>In-memory <see cref="IRouteTableStore"/> that keeps the revision throttlers in step.</summary>
internal sealed partial class RouteTableStore(ActivatorOptions options, RevisionThrottlers throttlers, ILogger<RouteTableStore> logger) : IRouteTableStore
{
    private readonly object _writeGate = new();
    private volatile RoutingSnapshot _current = RoutingSnapshot.Build(RouteTable.Empty, options.Domain, 0);

    /// <inheritdoc />
    public RoutingSnapshot Current => _current;

    /// <inheritdoc />
    public ApplyResult Apply(RouteTable table)
    {
        var errors = RouteTableValidator.Validate(table);
        lock (_writeGate)
        {
            if (errors.Count > 0) return new ApplyResult(ApplyStatus.Invalid, errors, _current.Version);
            var next = RoutingSnapshot.Build(table, options.Domain, _current.Version + 1);
            throttlers.Sync(table);
            _current = next;
            LogApplied(next.Version, table.Services?.Count ?? 0, table.Revisions?.Count ?? 0);
            return new ApplyResult(ApplyStatus.Applied, [], next.Version);
        }
    }

    /// <inheritdoc />
    public ApplyResult UpdateEndpoints(string @namespace, string revision, EndpointsUpdate update)
    {
        var errors = RouteTableValidator.Validate(update);
        lock (_writeGate)
        {
            if (errors.Count > 0) return new ApplyResult(ApplyStatus.Invalid, errors, _current.Version);
            var table = _current.Table;
            var revisions = table.Revisions ?? [];
            var index = -1;
            for (var i = 0; i < revisions.Count; i++)
                if (revisions[i].Namespace == @namespace && revisions[i].Name == revision) { index = i; break; }
            if (index < 0)
                return new ApplyResult(ApplyStatus.UnknownRevision, [$"revision {@namespace}/{revision}: not in the route table"], _current.Version);

            var updated = revisions.ToArray();
            var endpoints = update.Endpoints!.ToArray();
            updated[index] = updated[index] with { Endpoints = endpoints, Failure = update.Failure, Mode = update.Mode };
            var nextTable = table with { Revisions = updated };
            var next = RoutingSnapshot.Build(nextTable, options.Domain, _current.Version + 1);
            throttlers.Find(@namespace, revision)?.Update(updated[index].ContainerConcurrency, throttlers.TimeoutsOf(updated[index]), endpoints, update.Failure, update.Mode);
            _current = next;
            if (update.Failure is { } failure) LogFailed(@namespace, revision, endpoints.Length, failure);
            else LogEndpoints(@namespace, revision, endpoints.Length, update.Mode ?? ActivatorModes.Proxy);
            return new ApplyResult(ApplyStatus.Applied, [], next.Version);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Route table version {Version} applied: {Services} services, {Revisions} revisions")]
    private partial void LogApplied(long version, int services, int revisions);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Revision {Namespace}/{Revision} has {Count} ready replicas, mode {Mode}")]
    private partial void LogEndpoints(string @namespace, string revision, int count, string mode);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Revision {Namespace}/{Revision} has {Count} ready replicas and cannot start more: {Failure}")]
    private partial void LogFailed(string @namespace, string revision, int count, string failure);
}
