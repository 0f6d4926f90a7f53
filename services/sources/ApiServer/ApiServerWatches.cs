using System.Collections.Concurrent;
using Platform.ControlPlane.Informers;
using Platform.ControlPlane.Store;
using Platform.Sources.Ping;
using Platform.Sources.Sdk;

namespace Platform.Sources.ApiServer;

/// <summary>
/// Runs ApiServerSources: one informer per watched resource (in the source's namespace, or in every namespace when
/// it has a namespace selector) on the resource store — the local control-plane API, or the Kubernetes API through
/// KubernetesClient. What exists when a watch starts is not sent (Knative's adapter sends changes only); after that
/// each change that passes the filter becomes an event, sent in order per watch with retries. A relist after the
/// watch broke sends the differences it finds, so no change is lost while the watch was down.
/// </summary>
internal sealed partial class ApiServerWatches(IResourceStore store, CloudEventSender sender, INamespaceDirectory namespaces, TimeProvider time, ILogger<ApiServerWatches> logger)
    : IAsyncDisposable
{
    private sealed class Running(ApiServerJob job, CancellationTokenSource stop)
    {
        public ApiServerJob Job { get; } = job;
        public CancellationTokenSource Stop { get; } = stop;
        public Task Task { get; set; } = Task.CompletedTask;
        public int Synced;
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeliveryOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _seen = new(StringComparer.Ordinal);

    /// <summary>Raised when a source's last delivery went the other way or failed differently.</summary>
    public event Action? DeliveryChanged;

    /// <summary>The last delivery of a source, or null.</summary>
    public DeliveryOutcome? LastDelivery(string uid) => _outcomes.GetValueOrDefault(uid);

    /// <summary>The namespaces a source's watches saw matching objects in (for a source with a namespace selector).</summary>
    public IReadOnlyList<string> SeenNamespaces(string uid) =>
        _seen.TryGetValue(uid, out var seen) ? [.. seen.Keys.Order(StringComparer.Ordinal)] : [];

    /// <summary>True once every watch of the source has listed what exists (from then on each change is sent).</summary>
    public bool IsWatching(string uid)
    {
        lock (_lock) return _running.TryGetValue(uid, out var r) && Volatile.Read(ref r.Synced) == r.Job.Resources.Count;
    }

    /// <summary>Raised when a source's watches have all listed (its status can say Deployed).</summary>
    public event Action? WatchesSynced;

    /// <summary>Runs exactly <paramref name="jobs"/>: starts new ones, restarts changed ones (spec, sink), stops the rest.</summary>
    public void Update(IReadOnlyCollection<ApiServerJob> jobs)
    {
        List<Running> stopped = [];
        lock (_lock)
        {
            var wanted = jobs.ToDictionary(j => j.Uid, StringComparer.Ordinal);
            foreach (var (uid, running) in _running.ToList())
            {
                if (wanted.TryGetValue(uid, out var job) && Same(job, running.Job)) continue;
                _running.Remove(uid);
                stopped.Add(running);
            }
            foreach (var job in jobs)
            {
                if (_running.ContainsKey(job.Uid)) continue;
                var stop = new CancellationTokenSource();
                var running = new Running(job, stop);
                running.Task = Task.Run(() => RunAsync(job, () => OnSynced(running), stop.Token), CancellationToken.None);
                _running[job.Uid] = running;
                LogStarted(job.Key, string.Join(", ", job.Resources.Select(r => r.Kind.ToString())), job.Namespace ?? "(selected namespaces)");
            }
            foreach (var uid in _outcomes.Keys.Where(u => !wanted.ContainsKey(u)).ToList()) _outcomes.TryRemove(uid, out _);
        }
        foreach (var running in stopped)
        {
            running.Stop.Cancel();
            running.Stop.Dispose();
            LogStopped(running.Job.Key);
        }
    }

    private static bool Same(ApiServerJob a, ApiServerJob b) => a.Generation == b.Generation && a.Sink == b.Sink && a.Source == b.Source;

    private void OnSynced(Running running)
    {
        if (Interlocked.Increment(ref running.Synced) == running.Job.Resources.Count) WatchesSynced?.Invoke();
    }

    private Task RunAsync(ApiServerJob job, Action synced, CancellationToken cancellationToken) =>
        Task.WhenAll(job.Resources.Select(r => WatchAsync(job, r, synced, cancellationToken)));

    private async Task WatchAsync(ApiServerJob job, WatchedResource resource, Action synced, CancellationToken cancellationToken)
    {
        var informer = new ResourceInformer(store, resource.Kind, job.Namespace, logger, time);
        _ = informer.Synced.ContinueWith(_ => synced(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        var overrides = new CeOverrides(job.Overrides);
        try
        {
            await informer.RunAsync(async (e, token) =>
            {
                if (!informer.HasSynced) return;
                var ns = e.Object.Namespace() ?? "";
                if (!ApiServerFilter.Passes(e.Object, resource.Selector, job.Owner, namespaces.LabelsOf(ns), job.NamespaceSelector)) return;
                if (job.NamespaceSelector is not null) _seen.GetOrAdd(job.Uid, _ => new())[ns] = 0;
                var cloudEvent = ApiServerEvents.Build(job.Source, ApiServerEvents.Of(e.Type), e.Object, job.Reference, Guid.NewGuid().ToString(), time.GetUtcNow());
                overrides.ApplyTo(cloudEvent);
                var result = await sender.SendAsync(job.Sink, cloudEvent, token).ConfigureAwait(false);
                var outcome = new DeliveryOutcome(result.Delivered, result.Delivered ? "" : $"{result.Describe()} to {job.Sink}");
                if (!result.Delivered) LogDeliveryFailed(job.Key, cloudEvent.Type!, cloudEvent.Subject!, job.Sink, result.Describe());
                var previous = _outcomes.GetValueOrDefault(job.Uid);
                _outcomes[job.Uid] = outcome;
                if (previous != outcome) DeliveryChanged?.Invoke();
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<Running> running;
        lock (_lock)
        {
            running = [.. _running.Values];
            _running.Clear();
        }
        foreach (var r in running) await r.Stop.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(running.Select(r => r.Task)).ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "ApiServerSource {Source}: watching {Resources} in {Namespace}")]
    private partial void LogStarted(string source, string resources, string @namespace);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Information, Message = "ApiServerSource {Source}: watches stopped")]
    private partial void LogStopped(string source);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Warning, Message = "ApiServerSource {Source}: {Type} of {Subject} to {Sink} failed: {Failure}")]
    private partial void LogDeliveryFailed(string source, string type, string subject, Uri sink, string failure);
}
