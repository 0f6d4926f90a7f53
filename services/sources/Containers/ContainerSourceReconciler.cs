using Platform.ControlPlane.Store;
using Platform.Resources.Caching;
using Platform.Resources.Duck;
using Platform.Resources.Sources;
using Platform.Sources.Bindings;
using Platform.Sources.Resources;
using Platform.Sources.Sdk;
using Platform.Sources.Sinks;
using Platform.Sources.Status;

namespace Platform.Sources.Containers;

/// <summary>Where ContainerSources run: as local processes, or as Deployments in Kubernetes.</summary>
/// <param name="Kubernetes">True in Kubernetes mode.</param>
internal sealed record ContainerMode(bool Kubernetes);

/// <summary>
/// ContainerSources: resolves each one's sink, then locally hands the runnable ones to <see cref="ContainerProcesses"/>
/// (the others stop), or in Kubernetes mode creates or updates its Deployment (<see cref="ContainerPlanner.Deployment"/>,
/// deleted with the source by the owner reference); writes the status.
/// </summary>
internal sealed partial class ContainerSourceReconciler(SourceCache cache, SinkResolver sinks, ContainerProcesses processes, ContainerMode mode, IResourceStore store,
    StatusWriter statuses, TimeProvider time, ILogger<ContainerSourceReconciler> logger) : ISourceReconciler
{
    /// <inheritdoc />
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        List<ContainerJob> jobs = [];
        foreach (var o in cache.Snapshot(SourceKinds.Container))
        {
            var now = time.GetUtcNow();
            if (o.Json.DeletionTimestamp() is not null) continue;
            if (o.Typed is not ContainerSource source)
            {
                await statuses.WriteAsync(SourceKinds.Container, o, InvalidStatus.For(o, now), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var sink = sinks.Resolve(source.Spec?.Sink, o.Namespace);
            SourceStatus status;
            if (mode.Kubernetes)
            {
                status = await DeployAsync(o, source, sink, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (string, string)? refusal = null;
                if (sink.Uri is { } uri)
                {
                    var (launches, reason, message) = ContainerPlanner.Launches(source, uri);
                    if (launches is not null) jobs.Add(new ContainerJob(o.Uid, o.Namespace, o.Name, launches));
                    else refusal = (reason!, message!);
                }
                status = ContainerPlanner.LocalStatus(source, sink, refusal, processes.StateOf(o.Uid), now);
            }
            await statuses.WriteAsync(SourceKinds.Container, o, status, cancellationToken).ConfigureAwait(false);
        }
        if (!mode.Kubernetes) processes.Update(jobs);
    }

    private async Task<SourceStatus> DeployAsync(CachedObject o, ContainerSource source, Eventing.Addressing.Resolution sink, CancellationToken cancellationToken)
    {
        var name = ContainerPlanner.DeploymentName(o.Name);
        string? failure = null;
        System.Text.Json.Nodes.JsonObject? current = null;
        try
        {
            current = await store.GetAsync(SubjectKinds.Deployment, o.Namespace, name, cancellationToken).ConfigureAwait(false);
            if (sink.Uri is { } uri)
            {
                var desired = ContainerPlanner.Deployment(o.Json, uri, new CeOverrides(source.Spec?.CeOverrides?.Extensions ?? []));
                var (write, create, notOwned) = ContainerPlanner.Reconcile(desired, current, o.Uid);
                failure = notOwned;
                if (write is not null)
                {
                    current = create
                        ? await store.CreateAsync(SubjectKinds.Deployment, write, cancellationToken).ConfigureAwait(false)
                        : await store.UpdateAsync(SubjectKinds.Deployment, write, cancellationToken).ConfigureAwait(false);
                    LogDeployed(o.Key, name, create ? "created" : "updated");
                }
            }
        }
        catch (ResourceException e)
        {
            if (e.Reason == StatusReason.Conflict) cache.Signal();
            failure = $"Deployment \"{name}\": {e.Message}";
        }
        return ContainerPlanner.KubernetesStatus(source, sink, current, failure, time.GetUtcNow());
    }

    [LoggerMessage(EventId = 7504, Level = LogLevel.Information, Message = "ContainerSource {Source}: Deployment {Deployment} {Action}")]
    private partial void LogDeployed(string source, string deployment, string action);
}
