using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.ControlPlane.Informers;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Kubernetes;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Kubernetes;

/// <summary>
/// The Kubernetes workload backend: each revision is a Deployment, a Service and a KEDA ScaledObject whose
/// <c>external-push</c> trigger points at Platform's autoscaler, all owned by the Revision (the garbage collector
/// removes them with it). KEDA and the HPA scale the Deployment (<see cref="ExternallyScaled"/>); the status comes
/// from the Deployment and the Service's EndpointSlices, followed by informers. Writes are get → create or replace
/// (only when the spec hash differs), with a 409 retried on fresh data; nothing is created for a revision that no
/// longer exists (deleted mid-reconcile). A cluster without KEDA or Dapr, or a role without a permission, is
/// reported as the revision's failure naming what is missing, never as a crash.
/// </summary>
public sealed partial class KubernetesWorkloadBackend : IWorkloadBackend, IAsyncDisposable
{
    /// <summary>apps/v1 Deployment.</summary>
    public static readonly ResourceKind Deployments = new("apps", "v1", "Deployment", "deployments");

    /// <summary>discovery.k8s.io/v1 EndpointSlice.</summary>
    public static readonly ResourceKind EndpointSlices = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices");

    /// <summary>keda.sh/v1alpha1 ScaledObject.</summary>
    public static readonly ResourceKind ScaledObjects = new("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects");

    /// <summary>Annotation holding the hash of the spec Platform last wrote, so an unchanged object is not rewritten.</summary>
    public const string SpecHashAnnotation = "serving.platform.dev/spec-hash";

    private const string ServiceNameLabel = "kubernetes.io/service-name";

    private readonly IKubernetes _client;
    private readonly KubernetesResourceStore _cluster;
    private readonly ClusterCrds _crds;
    private readonly ILogger _log;
    private readonly ResourceInformer _deployments;
    private readonly ResourceInformer _slices;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<RevisionKey, WorkloadFailure> _failures = [];
    private readonly Dictionary<RevisionKey, WorkloadStatus> _published = [];
    private readonly List<Channel<WorkloadStatus>> _watchers = [];
    private Task? _running;
    private long _version;

    /// <summary>A backend on the cluster of <paramref name="client"/>.</summary>
    public KubernetesWorkloadBackend(IKubernetes client, KubernetesWorkloadOptions? options = null, TimeProvider? time = null, ILogger<KubernetesWorkloadBackend>? logger = null)
    {
        _client = client;
        Options = options ?? new KubernetesWorkloadOptions();
        var timeProvider = time ?? TimeProvider.System;
        _log = logger ?? (ILogger)NullLogger.Instance;
        _cluster = new KubernetesResourceStore(client, new ResourceKinds([Deployments, EndpointSlices, ScaledObjects, ResourceKinds.Revision]));
        _crds = new ClusterCrds(client, timeProvider);
        _deployments = new ResourceInformer(_cluster, Deployments, null, _log, timeProvider);
        _slices = new ResourceInformer(_cluster, EndpointSlices, null, _log, timeProvider);
    }

    /// <summary>The settings in use.</summary>
    public KubernetesWorkloadOptions Options { get; }

    /// <inheritdoc />
    public bool ExternallyScaled => true;

    /// <summary>Completes once Deployments and EndpointSlices were listed once.</summary>
    public Task Synced => Task.WhenAll(_deployments.Synced, _slices.Synced);

    /// <inheritdoc />
    public async Task EnsureAsync(RevisionWorkload workload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        Start();
        var key = workload.Revision;
        var build = KubernetesManifests.Build(workload, Options);
        if (build.Manifests is not { } manifests)
        {
            Fail(key, new WorkloadFailure(WorkloadFailureReasons.ContainerMissing, string.Join("; ", build.Errors), []));
            return;
        }

        // Deleted mid-reconcile: its children would outlive it (the garbage collector would remove them again).
        var owner = await _cluster.GetAsync(ResourceKinds.Revision, key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
        if (owner is null || owner.DeletionTimestamp() is not null || (workload.Uid is { } uid && owner.Uid() != uid))
        {
            LogRevisionGone(key.ToString());
            return;
        }

        try
        {
            var failure = await CapabilitiesAsync(workload, cancellationToken).ConfigureAwait(false);
            await EnsureServiceAsync(manifests.Service, cancellationToken).ConfigureAwait(false);
            await EnsureDeploymentAsync(Json(manifests.Deployment), cancellationToken).ConfigureAwait(false);
            if (failure?.Reason != WorkloadFailureReasons.KedaNotInstalled)
                await EnsureCustomAsync(ScaledObjects, manifests.ScaledObject, cancellationToken).ConfigureAwait(false);
            if (failure is not null) Fail(key, failure);
            else Clear(key);
        }
        catch (ResourceException e) when (e.Reason == StatusReason.Forbidden)
        {
            LogForbidden(key.ToString(), e.Message);
            Fail(key, new WorkloadFailure(WorkloadFailureReasons.Forbidden, $"{e.Message} (grant it in the serving-controller's ClusterRole: the Helm chart's RBAC)", []));
        }
    }

    /// <inheritdoc />
    public async Task<bool> ScaleAsync(RevisionKey revision, int replicas, CancellationToken cancellationToken = default)
    {
        // KEDA and the HPA scale in a cluster; this only moves spec.replicas (what the HPA then adjusts).
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        try
        {
            await _cluster.PatchAsync(Deployments, revision.Namespace, KubernetesManifests.DeploymentName(revision),
                new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ResourceException e) when (e.Reason == StatusReason.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(RevisionKey revision, CancellationToken cancellationToken = default)
    {
        // The ScaledObject first, so that KEDA lets go of the Deployment before it goes.
        var found = false;
        if (await _crds.CheckAsync(ClusterCrds.KedaScaledObjects, cancellationToken: cancellationToken).ConfigureAwait(false) is { Presence: CrdPresence.Installed })
            found |= await _cluster.DeleteAsync(ScaledObjects, revision.Namespace, revision.Name, cancellationToken).ConfigureAwait(false);
        found |= await _cluster.DeleteAsync(Deployments, revision.Namespace, KubernetesManifests.DeploymentName(revision), cancellationToken).ConfigureAwait(false);
        try
        {
            await _client.CoreV1.DeleteNamespacedServiceAsync(revision.Name, revision.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            found = true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }

        lock (_gate) _failures.Remove(revision);
        return found;
    }

    /// <inheritdoc />
    public WorkloadStatus? GetStatus(RevisionKey revision)
    {
        Start();
        lock (_gate) return Compute(revision);
    }

    /// <inheritdoc />
    public IReadOnlyList<WorkloadStatus> List()
    {
        Start();
        lock (_gate) return [.. Revisions().Select(Compute).OfType<WorkloadStatus>()];
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WorkloadStatus> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Start();
        var channel = Channel.CreateUnbounded<WorkloadStatus>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            foreach (var status in Revisions().Select(Compute).OfType<WorkloadStatus>()) channel.Writer.TryWrite(status);
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var status in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return status;
        }
        finally
        {
            lock (_gate) _watchers.Remove(channel);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LogLine> ReadLogsAsync(RevisionKey revision, string? replica = null, bool follow = false,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        V1PodList pods;
        try
        {
            pods = await _client.CoreV1.ListNamespacedPodAsync(revision.Namespace, labelSelector: $"{ServingLabels.Revision}={revision.Name}", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            LogLogsFailed(revision.ToString(), e.Response.StatusCode.ToString());
            yield break;
        }

        var sequence = 0L;
        foreach (var pod in pods.Items.Where(p => replica is null || p.Metadata.Name == replica).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var container = pod.Spec.Containers.FirstOrDefault(c => c.Name != "daprd")?.Name;
            Stream stream;
            try
            {
                stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, revision.Namespace, container, follow: follow, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e)
            {
                LogLogsFailed($"{revision}/{pod.Metadata.Name}", e.Response.StatusCode.ToString());
                continue;
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                yield return new LogLine(++sequence, DateTimeOffset.UtcNow, pod.Metadata.Name, LogStream.Stdout, line);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is { } running) await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
            foreach (var watcher in _watchers) watcher.Writer.TryComplete();
        _stopping.Dispose();
    }

    // Informers start with the first use, so that building the backend costs no call.
    private void Start()
    {
        lock (_gate)
        {
            if (_running is not null) return;
            _running = Task.WhenAll(
                _deployments.RunAsync((e, _) => OnChange(RevisionOfDeployment(e.Object)), _stopping.Token),
                _slices.RunAsync((e, _) => OnChange(RevisionOfSlice(e.Object)), _stopping.Token));
        }
    }

    private async Task<WorkloadFailure?> CapabilitiesAsync(RevisionWorkload workload, CancellationToken cancellationToken)
    {
        var (keda, kedaDetail) = await _crds.CheckAsync(ClusterCrds.KedaScaledObjects, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (keda is CrdPresence.Missing)
        {
            LogMissing(workload.Revision.ToString(), "KEDA", kedaDetail);
            return new WorkloadFailure(WorkloadFailureReasons.KedaNotInstalled,
                $"the cluster has no KEDA ({kedaDetail}): nothing would scale the revision; install KEDA's Helm chart (kedacore/keda) first", []);
        }

        if (KubernetesManifests.DaprRequested(workload))
        {
            var (dapr, daprDetail) = await _crds.CheckAsync(ClusterCrds.DaprComponents, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (dapr is CrdPresence.Missing)
            {
                LogMissing(workload.Revision.ToString(), "Dapr", daprDetail);
                return new WorkloadFailure(WorkloadFailureReasons.DaprNotInstalled,
                    $"the revision asks for a Dapr sidecar (dapr.io/enabled) but the cluster has no Dapr ({daprDetail}); install Dapr's Helm chart (dapr/dapr) first", []);
            }
        }

        return null;
    }

    private async Task EnsureServiceAsync(V1Service desired, CancellationToken cancellationToken)
    {
        var hash = Hash(KubernetesJson.Serialize(desired));
        Annotate(desired.Metadata, hash);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                V1Service current;
                try
                {
                    current = await _client.CoreV1.ReadNamespacedServiceAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    await _client.CoreV1.CreateNamespacedServiceAsync(desired, desired.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
                    LogCreated("Service", $"{desired.Metadata.NamespaceProperty}/{desired.Metadata.Name}");
                    return;
                }

                if (current.Metadata.Annotations is { } present && present.TryGetValue(SpecHashAnnotation, out var known) && known == hash) return;
                // The cluster IP is the API server's: keep it, replace what is ours.
                current.Metadata.Labels = desired.Metadata.Labels;
                current.Metadata.Annotations = desired.Metadata.Annotations;
                current.Metadata.OwnerReferences = desired.Metadata.OwnerReferences;
                current.Spec.Selector = desired.Spec.Selector;
                current.Spec.Ports = desired.Spec.Ports;
                await _client.CoreV1.ReplaceNamespacedServiceAsync(current, current.Metadata.Name, current.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < Options.ConflictRetries)
            {
                LogConflict("Service", $"{desired.Metadata.NamespaceProperty}/{desired.Metadata.Name}", attempt + 1);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new ResourceException(new ResourceError(StatusReason.Forbidden, MessageOf(e.Response.Content)));
            }
        }
    }

    private async Task EnsureDeploymentAsync(JsonObject desired, CancellationToken cancellationToken)
    {
        var ns = desired.Namespace()!;
        var name = desired.Name()!;
        var hash = Hash(desired.ToJsonString());
        AnnotateJson(desired, hash);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var current = await _cluster.GetAsync(Deployments, ns, name, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    await _cluster.CreateAsync(Deployments, desired, cancellationToken).ConfigureAwait(false);
                    LogCreated("Deployment", $"{ns}/{name}");
                    return;
                }

                if (current.Metadata()?["annotations"]?[SpecHashAnnotation]?.GetValue<string>() == hash) return;
                // The HPA owns spec.replicas once KEDA scales: a changed template must not reset the scale.
                var next = (JsonObject)desired.DeepClone();
                next["spec"]!["replicas"] = current["spec"]?["replicas"]?.DeepClone();
                next["metadata"]!["resourceVersion"] = current.ResourceVersion();
                await _cluster.UpdateAsync(Deployments, next, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ResourceException e) when (e.Reason == StatusReason.Conflict && attempt < Options.ConflictRetries)
            {
                LogConflict("Deployment", $"{ns}/{name}", attempt + 1);
            }
        }
    }

    private async Task EnsureCustomAsync(ResourceKind kind, JsonObject manifest, CancellationToken cancellationToken)
    {
        var desired = (JsonObject)manifest.DeepClone();
        var ns = desired.Namespace()!;
        var name = desired.Name()!;
        var hash = Hash(desired.ToJsonString());
        AnnotateJson(desired, hash);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var current = await _cluster.GetAsync(kind, ns, name, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    await _cluster.CreateAsync(kind, desired, cancellationToken).ConfigureAwait(false);
                    LogCreated(kind.Kind, $"{ns}/{name}");
                    return;
                }

                if (current.Metadata()?["annotations"]?[SpecHashAnnotation]?.GetValue<string>() == hash) return;
                desired["metadata"]!["resourceVersion"] = current.ResourceVersion();
                await _cluster.UpdateAsync(kind, desired, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ResourceException e) when (e.Reason == StatusReason.Conflict && attempt < Options.ConflictRetries)
            {
                LogConflict(kind.Kind, $"{ns}/{name}", attempt + 1);
            }
        }
    }

    private Task OnChange(RevisionKey? revision)
    {
        if (revision is not { } key) return Task.CompletedTask;
        lock (_gate)
        {
            if (Compute(key) is { } status) Publish(status);
            else if (_published.Remove(key)) Broadcast(new WorkloadStatus { Revision = key, Version = ++_version, Removed = true });
        }

        return Task.CompletedTask;
    }

    private void Fail(RevisionKey key, WorkloadFailure failure)
    {
        lock (_gate)
        {
            if (_failures.TryGetValue(key, out var known) && known == failure) return;
            _failures[key] = failure;
            Publish(Compute(key) ?? DeploymentStatusReader.Read(key, null, [], Options.ServicePort, failure, _version + 1));
        }
    }

    private void Clear(RevisionKey key)
    {
        lock (_gate)
        {
            if (!_failures.Remove(key)) return;
            if (Compute(key) is { } status) Publish(status);
        }
    }

    // Under _gate: the status from the informers' caches and the backend's own failure; null when there is neither.
    private WorkloadStatus? Compute(RevisionKey key)
    {
        var deployment = _deployments.Get(key.Namespace, KubernetesManifests.DeploymentName(key));
        var failure = _failures.GetValueOrDefault(key);
        if (deployment is null && failure is null) return null;
        var slices = _slices.List().Where(s => s.Namespace() == key.Namespace && s.Labels().GetValueOrDefault(ServiceNameLabel) == key.Name);
        var status = DeploymentStatusReader.Read(key, deployment, slices, Options.ServicePort, failure, _version);
        return _published.TryGetValue(key, out var last) && Same(last, status) ? last : status;
    }

    // Under _gate.
    private void Publish(WorkloadStatus status)
    {
        if (_published.TryGetValue(status.Revision, out var last) && Same(last, status)) return;
        status = status with { Version = ++_version };
        _published[status.Revision] = status;
        Broadcast(status);
    }

    private void Broadcast(WorkloadStatus status)
    {
        foreach (var watcher in _watchers) watcher.Writer.TryWrite(status);
    }

    private IEnumerable<RevisionKey> Revisions() =>
        _deployments.List().Select(RevisionOfDeployment).OfType<RevisionKey>().Concat(_failures.Keys).Distinct();

    private static bool Same(WorkloadStatus a, WorkloadStatus b) =>
        a.Desired == b.Desired && a.Actual == b.Actual && a.Ready == b.Ready && a.Failure == b.Failure
        && a.Endpoints.SequenceEqual(b.Endpoints);

    private static RevisionKey? RevisionOfDeployment(JsonObject deployment) =>
        deployment.Labels().GetValueOrDefault(ServingLabels.Revision) is { Length: > 0 } name && deployment.Name() == name + "-deployment"
            ? new RevisionKey(deployment.Namespace() ?? "default", name)
            : null;

    private static RevisionKey? RevisionOfSlice(JsonObject slice) =>
        slice.Labels().GetValueOrDefault(ServiceNameLabel) is { Length: > 0 } name ? new RevisionKey(slice.Namespace() ?? "default", name) : null;

    private static string MessageOf(string? status)
    {
        try
        {
            return (JsonNode.Parse(status ?? "") as JsonObject).Str("message") ?? status ?? "forbidden";
        }
        catch (System.Text.Json.JsonException)
        {
            return status ?? "forbidden";
        }
    }

    private static JsonObject Json(object manifest) => JsonNode.Parse(KubernetesJson.Serialize(manifest))!.AsObject();

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static void Annotate(V1ObjectMeta metadata, string hash) =>
        metadata.Annotations = new Dictionary<string, string>(metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [SpecHashAnnotation] = hash };

    private static void AnnotateJson(JsonObject obj, string hash)
    {
        var metadata = obj.EnsureMetadata();
        if (metadata["annotations"] is not JsonObject annotations) metadata["annotations"] = annotations = new JsonObject();
        annotations[SpecHashAnnotation] = hash;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "{Kind} {Name} created")]
    private partial void LogCreated(string kind, string name);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "{Kind} {Name}: write refused with 409 Conflict (attempt {Attempt}); reading it again")]
    private partial void LogConflict(string kind, string name, int attempt);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Revision {Revision} is gone (deleted mid-reconcile): its workload is not created")]
    private partial void LogRevisionGone(string revision);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "Revision {Revision}: the cluster refused a write of its workload (RBAC): {Reason}")]
    private partial void LogForbidden(string revision, string reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "Revision {Revision}: {What} is not installed in the cluster ({Detail})")]
    private partial void LogMissing(string revision, string what, string detail);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Reading the logs of {Revision} failed: {Reason}")]
    private partial void LogLogsFailed(string revision, string reason);
}
