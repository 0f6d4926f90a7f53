using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Informers;

/// <summary>
/// Keeps a local copy of one kind's objects current, as client-go's informers do: a list, then a watch from the
/// list's resourceVersion, resumed from the last version seen when the stream ends, and a fresh list (with the
/// differences delivered as events) when the version is too old (410 Gone) or the store failed. Every change reaches
/// the handler in order, once the cache holds it; <see cref="Synced"/> completes after the first full list.
/// The one way services follow the control plane.
/// </summary>
public sealed partial class ResourceInformer
{
    private readonly IResourceStore _store;
    private readonly string? _namespace;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Ns, string Name), JsonObject> _items = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>An informer of <paramref name="kind"/> in <paramref name="ns"/> (null: every namespace).</summary>
    public ResourceInformer(IResourceStore store, ResourceKind kind, string? ns, ILogger log, TimeProvider? time = null)
    {
        _store = store;
        Kind = kind;
        _namespace = ns;
        _log = log;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The kind followed.</summary>
    public ResourceKind Kind { get; }

    /// <summary>Completes once the first list is in the cache and was handed to the handler.</summary>
    public Task Synced => _synced.Task;

    /// <summary>True after the first full list.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The cached object (do not change it), or null.</summary>
    public JsonObject? Get(string ns, string name)
    {
        lock (_lock) return _items.GetValueOrDefault((ns, name));
    }

    /// <summary>Every cached object (do not change them).</summary>
    public IReadOnlyList<JsonObject> List()
    {
        lock (_lock) return [.. _items.Values];
    }

    /// <summary>
    /// Lists and watches until cancelled, calling <paramref name="onChange"/> for every change (the object is the
    /// cache's copy: do not change it). A handler that throws is logged and does not stop the informer.
    /// </summary>
    public async Task RunAsync(Func<ResourceEvent, CancellationToken, Task> onChange, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await _store.ListAsync(Kind, _namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var e in Replace(list.Items)) await Deliver(onChange, e, cancellationToken).ConfigureAwait(false);
                _synced.TrySetResult();
                failures = 0;
                await foreach (var e in _store.WatchAsync(Kind, _namespace, list.ResourceVersion, cancellationToken).ConfigureAwait(false))
                {
                    Apply(e);
                    await Deliver(onChange, e, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ResourceException e) when (e.Reason == StatusReason.Gone)
            {
                LogRelist(Kind.Kind, e.Message); // history moved on: list again at once
                continue;
            }
            catch (Exception e)
            {
                failures++;
                if (failures == 1 || failures % 30 == 0) LogFailed(e, Kind.Kind, failures);
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * Math.Pow(2, Math.Min(failures, 5) - 1))), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task Deliver(Func<ResourceEvent, CancellationToken, Task> onChange, ResourceEvent e, CancellationToken cancellationToken)
    {
        try
        {
            await onChange(e, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailed(ex, Kind.Kind, e.Object.Namespace(), e.Object.Name());
        }
    }

    // A fresh list: what is new or changed arrives as Added/Modified, what is gone as Deleted with its last state.
    private List<ResourceEvent> Replace(IReadOnlyList<JsonObject> items)
    {
        var events = new List<ResourceEvent>();
        lock (_lock)
        {
            var fresh = new Dictionary<(string, string), JsonObject>();
            foreach (var item in items) fresh[Key(item)] = item;
            foreach (var (key, old) in _items)
                if (!fresh.ContainsKey(key)) events.Add(new ResourceEvent(WatchEventType.Deleted, old));
            foreach (var (key, item) in fresh)
            {
                if (!_items.TryGetValue(key, out var old)) events.Add(new ResourceEvent(WatchEventType.Added, item));
                else if (old.ResourceVersion() != item.ResourceVersion()) events.Add(new ResourceEvent(WatchEventType.Modified, item));
            }
            _items.Clear();
            foreach (var (key, item) in fresh) _items[key] = item;
        }
        return events;
    }

    private void Apply(ResourceEvent e)
    {
        lock (_lock)
        {
            if (e.Type == WatchEventType.Deleted) _items.Remove(Key(e.Object));
            else _items[Key(e.Object)] = e.Object;
        }
    }

    private static (string, string) Key(JsonObject obj) => (obj.Namespace() ?? "", obj.Name() ?? "");

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Watching {Kind} failed ({Failures} in a row); listing again")]
    private partial void LogFailed(Exception ex, string kind, int failures);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Watch of {Kind} expired ({Reason}); listing again")]
    private partial void LogRelist(string kind, string reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "Handling a change of {Kind} {Namespace}/{Name} failed")]
    private partial void LogHandlerFailed(Exception ex, string kind, string? @namespace, string? name);
}
