using System.Net;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Routing;
using Platform.ServingController.Reconcilers;
using Platform.ServingController.Reconcilers.DomainMapping.Builders;
using Platform.ServingController.Reconcilers.Route.Builders;
using Platform.Workloads;

namespace Platform.ServingController.Routing;

/// <summary>
/// Keeps the activator's route table and endpoints in step with the store and the workload backend. The table is
/// rebuilt from the store on every push (stateless, so a restarted controller sends the same table); pushes are
/// serialised and read the backend's endpoints at push time, so an older push can never overwrite newer endpoints.
/// A table identical to the one pushed less than <see cref="IdenticalTableWindow"/> ago is not sent again.
/// </summary>
internal sealed partial class ActivatorSync(IResourceStore store, IWorkloadBackend backend, ActivatorClient activator, TimeProvider time, ILogger<ActivatorSync> log)
{
    /// <summary>
    /// How long a pushed table is known to be the activator's. One revision's status change reconciles every Route of
    /// its namespace, and each reconcile pushes: without this a cold start of one of five services sent the same table
    /// ten times through two sidecars, CPU taken from the starting app. Short, so that a restarted activator (which
    /// starts empty) gets the table again at the next change.
    /// </summary>
    public static readonly TimeSpan IdenticalTableWindow = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _push = new(1, 1);
    // The last table the activator accepted (serialised) and when; null after an endpoints push changed its state.
    private byte[]? _lastTable;
    private long _lastTableAt;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RevisionKey, string> _modes = new();

    /// <summary>
    /// Records a revision's activator mode (its PodAutoscaler's <c>status.mode</c>, read by the workload supervisor);
    /// true when it changed. Every later push carries it; a revision never recorded is sent as Proxy.
    /// </summary>
    public bool SetMode(RevisionKey revision, string? mode)
    {
        var value = ActivatorModes.IsServe(mode) ? ActivatorModes.Serve : ActivatorModes.Proxy;
        var before = _modes.GetValueOrDefault(revision, ActivatorModes.Proxy);
        if (value == ActivatorModes.Proxy) _modes.TryRemove(revision, out _);
        else _modes[revision] = value;
        return before != value;
    }

    /// <summary>The mode recorded for a revision: Proxy unless its PodAutoscaler says Serve.</summary>
    public string ModeOf(RevisionKey revision) => _modes.GetValueOrDefault(revision, ActivatorModes.Proxy);

    /// <summary>The table as it would be pushed now.</summary>
    public async Task<RouteTable> BuildAsync(CancellationToken cancellationToken)
    {
        var routes = (await store.ListAsync(ResourceKinds.Route, null, cancellationToken: cancellationToken)).Items.Select(ServingObjects.Read<ServingRoute>).ToList();
        var revisions = (await store.ListAsync(ResourceKinds.Revision, null, cancellationToken: cancellationToken)).Items.Select(ServingObjects.Read<ServingRevision>)
            .ToDictionary(r => (r.Metadata.Namespace ?? "default", r.Metadata.Name ?? ""));
        return RouteTableBuilder.Build(routes, revisions, Readiness, await DomainsAsync(cancellationToken));
    }

    // Claimed, resolved DomainMappings; the builder keeps those whose service it routes.
    private async Task<List<DomainRoute>> DomainsAsync(CancellationToken cancellationToken)
    {
        var mappings = (await store.ListAsync(ResourceKinds.DomainMapping, null, cancellationToken: cancellationToken)).Items
            .Select(ServingObjects.Read<ServingDomainMapping>).ToList();
        var domains = new List<DomainRoute>();
        foreach (var sameName in mappings.GroupBy(m => m.Metadata.Name ?? "", StringComparer.OrdinalIgnoreCase))
        {
            var owner = DomainClaims.Owner(sameName);
            var mapping = sameName.FirstOrDefault(m => m.Metadata.Namespace == owner);
            if (mapping is null) continue;
            var target = await DomainTarget.ReadAsync(store, mapping, cancellationToken);
            if (!target.Resolved) continue;
            domains.Add(new DomainRoute { Host = sameName.Key.ToLowerInvariant(), Namespace = owner, Service = target.Service, Url = target.Url?.ToString() });
        }
        return domains;
    }

    /// <summary>Replaces the activator's whole table and returns it; throws when the activator refuses or cannot be reached.</summary>
    public async Task<RouteTable> PushTableAsync(CancellationToken cancellationToken)
    {
        await _push.WaitAsync(cancellationToken);
        try
        {
            var table = await BuildAsync(cancellationToken);
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(table, JsonOptions);
            if (_lastTable is not null && json.AsSpan().SequenceEqual(_lastTable) && time.GetElapsedTime(_lastTableAt) < IdenticalTableWindow)
                return table;
            _lastTable = null;
            using var content = new ByteArrayContent(json);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await activator.Http.PutAsync(ActivatorApi.Routes, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"activator refused the route table: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            (_lastTable, _lastTableAt) = (json, time.GetTimestamp());
            LogPushed(table.Services!.Count, table.Revisions!.Count);
            return table;
        }
        finally
        {
            _push.Release();
        }
    }

    /// <summary>
    /// Sends one revision's ready endpoints. A revision the activator does not route yet (404) needs no endpoints
    /// push: the next table push carries them.
    /// </summary>
    public async Task PushEndpointsAsync(RevisionKey revision, CancellationToken cancellationToken)
    {
        await _push.WaitAsync(cancellationToken);
        try
        {
            // The activator's state moves away from the last table: the next table push is sent whatever it holds.
            _lastTable = null;
            var body = Readiness(revision.Namespace, revision.Name);
            using var response = await activator.Http.PutAsJsonAsync(ActivatorApi.Endpoints(revision.Namespace, revision.Name), body, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound) return;
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"activator refused endpoints of {revision}: {(int)response.StatusCode}");
            LogEndpoints(revision.ToString(), body.Endpoints!.Count, body.Failure ?? "none", body.Mode!);
        }
        finally
        {
            _push.Release();
        }
    }

    /// <summary>A revision's ready endpoints and, when its replicas cannot start, why (the backend's failure).</summary>
    public EndpointsUpdate Readiness(string ns, string name)
    {
        var status = backend.GetStatus(new RevisionKey(ns, name));
        return new EndpointsUpdate
        {
            Endpoints = status?.Endpoints.Select(e => e.Authority).ToList() ?? [],
            Failure = status?.Failure is { } f ? Truncate($"{f.Reason}: {f.Message}") : null,
            Mode = ModeOf(new RevisionKey(ns, name)),
        };
    }

    // As PutAsJsonAsync sends it (web defaults).
    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static string Truncate(string text) => text.Length <= 2048 ? text : text[..2045] + "...";

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Activator route table pushed: {Services} service(s), {Revisions} revision(s)")]
    private partial void LogPushed(int services, int revisions);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Activator endpoints of {Revision}: {Count} ready, failure {Failure}, mode {Mode}")]
    private partial void LogEndpoints(string revision, int count, string failure, string mode);
}
