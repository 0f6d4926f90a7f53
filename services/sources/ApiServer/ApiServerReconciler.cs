using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;
using Platform.Resources.Caching;
using Platform.Resources.Sources;
using Platform.Sources.Resources;
using Platform.Sources.Sinks;
using Platform.Sources.Status;

namespace Platform.Sources.ApiServer;

/// <summary>The API server the events come from: what their <c>source</c> says (Knative puts the API server's host there).</summary>
/// <param name="Url">The local control-plane API's root, or the Kubernetes API server's host.</param>
internal sealed record ApiServerAddress(string Url);

/// <summary>
/// ApiServerSources: resolves each one's sink and kinds, picks its namespaces, checks its service account's
/// permissions, writes its status (<see cref="ApiServerPlanner"/>) and runs the ready ones (<see cref="ApiServerWatches"/>).
/// </summary>
internal sealed partial class ApiServerReconciler(SourceCache cache, SinkResolver sinks, ApiKinds kinds, IPermissionCheck permissions, INamespaceDirectory namespaces,
    ApiServerWatches watches, StatusWriter statuses, ApiServerAddress address, TimeProvider time, ILogger<ApiServerReconciler> logger) : ISourceReconciler
{
    /// <inheritdoc />
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<ApiServerJob> jobs = [];
        foreach (var o in cache.Snapshot(SourceKinds.ApiServer))
        {
            if (o.Json.DeletionTimestamp() is not null) continue;
            if (o.Typed is not ApiServerSource source)
            {
                await statuses.WriteAsync(SourceKinds.ApiServer, o, InvalidStatus.For(o, now), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var spec = source.Spec ?? new ApiServerSourceSpec();
            var resolved = (spec.Resources ?? []).Select(r => kinds.Resolve(r?.ApiVersion, r?.Kind)).ToList();
            var watched = await NamespacesAsync(o, spec, cancellationToken).ConfigureAwait(false);
            string? missing = null;
            if (resolved.All(r => r.Kind is not null))
            {
                try
                {
                    var checkIn = watched.Count > 0 ? watched : [spec.NamespaceSelector is null ? o.Namespace : ""];
                    missing = await permissions.MissingAsync(o.Namespace, spec.ServiceAccountName ?? "default", [.. resolved.Select(r => r.Kind!)], checkIn, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogAccessCheckFailed(e, o.Key);
                }
            }
            var stored = (o.Json["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == SourceConditionTypes.EventsDelivered);
            var inputs = new ApiServerPlanner.Inputs(sinks.Resolve(spec.Sink, o.Namespace), resolved, missing, watched, address.Url,
                watches.LastDelivery(o.Uid), InvalidStatus.Condition(stored), watches.IsWatching(o.Uid));
            var (status, job) = ApiServerPlanner.Plan(source, o.Uid, inputs, now);
            if (job is not null) jobs.Add(job);
            await statuses.WriteAsync(SourceKinds.ApiServer, o, status, cancellationToken).ConfigureAwait(false);
        }
        watches.Update(jobs);
    }

    private async Task<IReadOnlyList<string>> NamespacesAsync(CachedObject o, ApiServerSourceSpec spec, CancellationToken cancellationToken)
    {
        if (spec.NamespaceSelector is not { } selector) return [o.Namespace];
        try
        {
            return await namespaces.SelectAsync(selector, cancellationToken).ConfigureAwait(false) ?? watches.SeenNamespaces(o.Uid);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNamespacesFailed(e, o.Key);
            return watches.SeenNamespaces(o.Uid);
        }
    }

    [LoggerMessage(EventId = 7304, Level = LogLevel.Warning, Message = "ApiServerSource {Source}: the access check failed; trying again")]
    private partial void LogAccessCheckFailed(Exception error, string source);

    [LoggerMessage(EventId = 7305, Level = LogLevel.Warning, Message = "ApiServerSource {Source}: listing namespaces failed; trying again")]
    private partial void LogNamespacesFailed(Exception error, string source);
}
