using System.Net;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Routing;
using Platform.ServingController.Reconcilers;
using Platform.ServingController.Reconcilers.Route.Builders;
using Platform.Workloads;

namespace Platform.ServingController.Routing;

/// <summary>
/// Keeps the activator's route table and endpoints in step with the store and the workload backend. The table is
/// rebuilt from the store on every push (stateless, so a restarted controller sends the same table); pushes are
/// serialised and read the backend's endpoints at push time, so an older push can never overwrite newer endpoints.
/// </summary>
internal sealed partial class ActivatorSync(IResourceStore store, IWorkloadBackend backend, ActivatorClient activator, ILogger<ActivatorSync> log)
{
    private readonly SemaphoreSlim _push = new(1, 1);

    /// <summary>The table as it would be pushed now.</summary>
    public async Task<RouteTable> BuildAsync(CancellationToken cancellationToken)
    {
        var routes = (await store.ListAsync(ResourceKinds.Route, null, cancellationToken: cancellationToken)).Items.Select(ServingObjects.Read<ServingRoute>).ToList();
        var revisions = (await store.ListAsync(ResourceKinds.Revision, null, cancellationToken: cancellationToken)).Items.Select(ServingObjects.Read<ServingRevision>)
            .ToDictionary(r => (r.Metadata.Namespace ?? "default", r.Metadata.Name ?? ""));
        return RouteTableBuilder.Build(routes, revisions, Endpoints);
    }

    /// <summary>Replaces the activator's whole table; throws when the activator refuses or cannot be reached.</summary>
    public async Task PushTableAsync(CancellationToken cancellationToken)
    {
        await _push.WaitAsync(cancellationToken);
        try
        {
            var table = await BuildAsync(cancellationToken);
            using var response = await activator.Http.PutAsJsonAsync(ActivatorApi.Routes, table, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"activator refused the route table: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            LogPushed(table.Services!.Count, table.Revisions!.Count);
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
            var body = new EndpointsUpdate { Endpoints = Endpoints(revision.Namespace, revision.Name) };
            using var response = await activator.Http.PutAsJsonAsync(ActivatorApi.Endpoints(revision.Namespace, revision.Name), body, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound) return;
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"activator refused endpoints of {revision}: {(int)response.StatusCode}");
            LogEndpoints(revision.ToString(), body.Endpoints.Count);
        }
        finally
        {
            _push.Release();
        }
    }

    private IReadOnlyList<string> Endpoints(string ns, string name) =>
        backend.GetStatus(new RevisionKey(ns, name))?.Endpoints.Select(e => e.Authority).ToList() ?? [];

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Activator route table pushed: {Services} service(s), {Revisions} revision(s)")]
    private partial void LogPushed(int services, int revisions);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Activator endpoints of {Revision}: {Count} ready")]
    private partial void LogEndpoints(string revision, int count);
}
