using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Admission;
using Platform.ControlPlane.Server.Hosting;
using Platform.ControlPlane.Server.Persistence;
using Platform.ControlPlane.Server.Watch;
using Platform.ControlPlane.Store;
using Platform.Resources.Validation;

namespace Platform.ControlPlane.Server.Catalog;

/// <summary>What a write did.</summary>
public enum WriteAction
{
    /// <summary>A new object.</summary>
    Created,
    /// <summary>The object changed.</summary>
    Updated,
    /// <summary>Nothing changed; no new resourceVersion.</summary>
    Unchanged,
    /// <summary>The object is gone.</summary>
    Deleted,
    /// <summary>The object has finalizers: deletionTimestamp is set and it waits for them to be removed.</summary>
    Terminating,
}

/// <summary>The answer of a catalog write: the object (or its last state) and what happened, or the error.</summary>
/// <param name="Object">The stored object after the write; for a delete, its last state.</param>
/// <param name="Error">The failure, when the write was refused.</param>
/// <param name="Action">What happened.</param>
public readonly record struct WriteResult(StoredObject? Object, ResourceError? Error, WriteAction Action);

/// <summary>One document of an apply, its result.</summary>
/// <param name="Action"><c>created</c>, <c>configured</c> or <c>unchanged</c>.</param>
/// <param name="Object">The stored object.</param>
internal sealed record ApplyItem(string Action, StoredObject Object);

/// <summary>
/// The control plane's authoritative model: every object in memory (reads never touch the store), writes
/// serialised and written through <see cref="IResourcePersistence"/> before they are visible, one global
/// resourceVersion counter, Kubernetes' create/replace/status/delete semantics (generation, owner-reference
/// cascade, finalizers) and the watch history.
/// </summary>
internal sealed partial class ResourceCatalog
{
    private sealed record Change(WatchEventType Type, ResourceKind Kind, JsonObject Object);

    private readonly record struct Plan(List<Change> Changes, ResourceError? Error, WriteAction Action, StoredObject? Current)
    {
        public static Plan Fail(ResourceError error) => new([], error, default, null);
    }

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceKind, Dictionary<(string Ns, string Name), StoredObject>> _objects = new();
    private readonly IResourceAdmission _admission;
    private readonly IResourcePersistence _persistence;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly WatchHub _hub;
    private long _version;

    /// <summary>A catalog over <paramref name="kinds"/>; call <see cref="LoadAsync"/> before serving.</summary>
    public ResourceCatalog(
        ResourceKinds kinds,
        IResourceAdmission admission,
        IResourcePersistence persistence,
        TimeProvider time,
        IOptions<ControlPlaneOptions> options,
        ILogger<ResourceCatalog> log)
    {
        Kinds = kinds;
        _admission = admission;
        _persistence = persistence;
        _time = time;
        _log = log;
        _hub = new WatchHub(options.Value.WatchHistory, options.Value.WatchBuffer);
    }

    /// <summary>The kinds served.</summary>
    public ResourceKinds Kinds { get; }

    /// <summary>The last resourceVersion handed out.</summary>
    public long Version { get { lock (_lock) return _version; } }

    /// <summary>Live watchers (for tests and metrics).</summary>
    public int WatcherCount => _hub.WatcherCount;

    /// <summary>Replaces the in-memory model with what the persistence holds.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var state = await _persistence.LoadAsync(cancellationToken);
        lock (_lock)
        {
            _objects.Clear();
            var version = state.ResourceVersion;
            foreach (var obj in state.Objects)
            {
                var kind = Kinds.FindByKind(obj.Str("apiVersion") ?? "", obj.Str("kind") ?? "");
                if (kind is null || !ResourceObject.TryParseVersion(obj.ResourceVersion(), out var rv))
                {
                    LogSkipped(obj.Str("apiVersion"), obj.Str("kind"), obj.Namespace(), obj.Name());
                    continue;
                }
                Put(new StoredObject(kind, obj, rv));
                version = Math.Max(version, rv);
            }
            _version = version;
            LogLoaded(state.Objects.Count, version);
        }
    }

    /// <summary>The object, or null.</summary>
    public StoredObject? Get(ResourceKind kind, string ns, string name)
    {
        lock (_lock) return Find(kind, ns, name);
    }

    /// <summary>Objects of a kind in a namespace (null: all), ordered by namespace and name, and the current version.</summary>
    public (IReadOnlyList<StoredObject> Items, long Version) List(ResourceKind kind, string? ns, LabelSelector? selector)
    {
        var filter = new WatchFilter(kind, ns, selector);
        List<StoredObject> items;
        long version;
        lock (_lock)
        {
            items = _objects.TryGetValue(kind, out var byName) ? byName.Values.Where(filter.Matches).ToList() : [];
            version = _version;
        }
        items.Sort(static (a, b) => a.Namespace == b.Namespace ? string.CompareOrdinal(a.Name, b.Name) : string.CompareOrdinal(a.Namespace, b.Namespace));
        return (items, version);
    }

    /// <summary>
    /// Starts a watch: without <paramref name="fromVersion"/> (or "0") an ADDED event per matching object, then
    /// live changes; with it, the retained changes after it, then live ones. Gone when it is too old.
    /// </summary>
    public (Watcher? Watcher, ResourceError? Error) Watch(WatchFilter filter, string? fromVersion)
    {
        lock (_lock)
        {
            if (string.IsNullOrEmpty(fromVersion) || fromVersion == "0")
            {
                var initial = _objects.TryGetValue(filter.Kind, out var byName)
                    ? byName.Values.Where(filter.Matches).OrderBy(o => o.Version).Select(o => new StoredEvent(WatchEventType.Added, o)).ToList()
                    : [];
                return (_hub.Subscribe(filter, initial, _version, _version), null);
            }
            if (!ResourceObject.TryParseVersion(fromVersion, out var from))
                return (null, ResourceError.BadRequest($"invalid resourceVersion \"{fromVersion}\": must be a non-negative integer"));
            var watcher = _hub.Subscribe(filter, null, from, _version);
            return watcher is null
                ? (null, new ResourceError(StatusReason.Gone, $"too old resource version: {from} ({_version})"))
                : (watcher, null);
        }
    }

    /// <summary>Creates an object in <paramref name="ns"/> (POST).</summary>
    public Task<WriteResult> CreateAsync(ResourceKind kind, string ns, JsonObject body, CancellationToken cancellationToken) =>
        WriteAsync(() => PlanCreate(kind, ns, body), cancellationToken);

    /// <summary>Replaces an object (PUT), or only its status when <paramref name="status"/> is true.</summary>
    public Task<WriteResult> ReplaceAsync(ResourceKind kind, string ns, string name, JsonObject body, bool status, CancellationToken cancellationToken) =>
        WriteAsync(() => PlanReplace(kind, ns, name, Get(kind, ns, name), body, status), cancellationToken);

    /// <summary>
    /// Patches an object (PATCH): <paramref name="patch"/> gets a copy of the current object under the write lock,
    /// so no concurrent change is lost; its result is then handled like a replace.
    /// </summary>
    public Task<WriteResult> PatchAsync(ResourceKind kind, string ns, string name, Func<JsonObject, (JsonObject? Patched, ResourceError? Error)> patch, bool status, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var current = Get(kind, ns, name);
            if (current is null) return Plan.Fail(ResourceError.NotFound(kind, name));
            var (patched, error) = patch(current.Clone());
            return error is not null ? Plan.Fail(error) : PlanReplace(kind, ns, name, current, patched!, status);
        }, cancellationToken);

    /// <summary>Deletes an object; dependents (by owner reference) go too unless <paramref name="orphan"/>.</summary>
    public Task<WriteResult> DeleteAsync(ResourceKind kind, string ns, string name, bool orphan, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var current = Get(kind, ns, name);
            if (current is null) return Plan.Fail(ResourceError.NotFound(kind, name));
            var changes = new List<Change>();
            var action = PlanDelete(current, current.Clone(), orphan, changes);
            return new Plan(changes, null, action, current);
        }, cancellationToken);

    /// <summary>
    /// Validates every document (create when absent, replace when present), then writes them all in one batch;
    /// any error writes nothing and returns Invalid with one cause per problem, prefixed by the document.
    /// </summary>
    public async Task<(IReadOnlyList<ApplyItem>? Items, ResourceError? Error)> ApplyAsync(IReadOnlyList<JsonObject> documents, string defaultNamespace, CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken);
        try
        {
            var causes = new List<StatusCause>();
            var changes = new List<Change>();
            var actions = new List<(string Action, StoredObject? Unchanged, int FirstChange)>();
            var seen = new Dictionary<(ResourceKind, string, string), int>();
            for (var i = 0; i < documents.Count; i++)
            {
                var doc = documents[i];
                var apiVersion = doc.Str("apiVersion") ?? "";
                var kindName = doc.Str("kind") ?? "";
                var kind = Kinds.FindByKind(apiVersion, kindName);
                var ns = doc.Namespace() is { Length: > 0 } n ? n : defaultNamespace;
                var name = doc.Name() ?? "";
                var label = $"[{i}] {(kindName.Length > 0 ? kindName : "?")} {ns}/{(name.Length > 0 ? name : doc.Metadata().Str("generateName") + "*")}";
                if (kind is null)
                {
                    // The kind exists in another version: the apiVersion is what is wrong, and the message says the right one.
                    var served = Kinds.WithKind(kindName).Select(k => k.ApiVersion).ToList();
                    causes.Add(served.Count > 0
                        ? new(FieldError.Invalid, $"{label}: kind \"{kindName}\" is not served at apiVersion \"{apiVersion}\"; use {string.Join(" or ", served)}", $"[{i}].apiVersion")
                        : new(FieldError.Invalid, $"{label}: no kind \"{kindName}\" is registered for version \"{apiVersion}\"", $"[{i}].kind"));
                    continue;
                }
                if (name.Length > 0 && !seen.TryAdd((kind, ns, name), i))
                {
                    causes.Add(new(FieldError.Invalid, $"{label}: duplicate of document {seen[(kind, ns, name)]}", $"[{i}].metadata.name"));
                    continue;
                }
                var current = name.Length > 0 ? Get(kind, ns, name) : null;
                var body = (JsonObject)doc.DeepClone();
                body.EnsureMetadata()["namespace"] = ns;
                var plan = current is null ? PlanCreate(kind, ns, body) : PlanReplace(kind, ns, name, current, body, status: false);
                if (plan.Error is { } error)
                {
                    if (error.Causes is { Count: > 0 } fieldCauses)
                        causes.AddRange(fieldCauses.Select(c => new StatusCause(c.Reason,
                            $"{label}: {(c.Field is null ? "" : c.Field + ": ")}{c.Message}", $"[{i}].{c.Field}")));
                    else causes.Add(new(error.Reason.ToString(), $"{label}: {error.Message}", $"[{i}]"));
                    continue;
                }
                actions.Add(plan.Action switch
                {
                    WriteAction.Created => ("created", null, changes.Count),
                    WriteAction.Unchanged => ("unchanged", plan.Current, changes.Count),
                    _ => ("configured", null, changes.Count),
                });
                changes.AddRange(plan.Changes);
            }
            if (causes.Count > 0)
                return (null, new ResourceError(StatusReason.Invalid,
                    $"apply refused, nothing was written: {causes.Count} error(s): {string.Join("; ", causes.Select(c => c.Message))}",
                    Causes: causes));

            if (changes.Count == 0) return (actions.Select(a => new ApplyItem(a.Action, a.Unchanged!)).ToList(), null);
            var (commitError, events) = await CommitAsync(changes);
            if (commitError is not null) return (null, commitError);
            var items = new List<ApplyItem>();
            foreach (var (action, unchanged, first) in actions)
                items.Add(new ApplyItem(action, unchanged ?? events[first].Object));
            return (items, null);
        }
        finally
        {
            _write.Release();
        }
    }

    private async Task<WriteResult> WriteAsync(Func<Plan> plan, CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken);
        try
        {
            var p = plan();
            if (p.Error is not null) return new WriteResult(null, p.Error, default);
            if (p.Changes.Count == 0) return new WriteResult(p.Current, null, p.Action);
            var (error, events) = await CommitAsync(p.Changes);
            return error is not null ? new WriteResult(null, error, default) : new WriteResult(events[0].Object, null, p.Action);
        }
        finally
        {
            _write.Release();
        }
    }

    // A body that names another kind than the path is a client mistake (400); a missing apiVersion/kind is filled in.
    private static ResourceError? KindMismatch(ResourceKind kind, JsonObject body)
    {
        var apiVersion = body.Str("apiVersion");
        var kindName = body.Str("kind");
        if ((apiVersion is null || apiVersion == kind.ApiVersion) && (kindName is null || kindName == kind.Kind)) return null;
        return ResourceError.BadRequest($"the object's apiVersion/kind ({apiVersion}/{kindName}) does not match the path ({kind.ApiVersion}, {kind.Plural}: {kind.Kind})");
    }

    private Plan PlanCreate(ResourceKind kind, string ns, JsonObject body)
    {
        if (KindMismatch(kind, body) is { } mismatch) return Plan.Fail(mismatch);
        if (body.Namespace() is { Length: > 0 } bodyNs && bodyNs != ns)
            return Plan.Fail(ResourceError.BadRequest($"the namespace of the provided object ({bodyNs}) does not match the namespace sent on the request ({ns})"));
        var name = body.Name();
        if (string.IsNullOrEmpty(name) && body.Metadata().Str("generateName") is { Length: > 0 } prefix)
        {
            for (var attempt = 0; attempt < 10 && (string.IsNullOrEmpty(name) || Get(kind, ns, name) is not null); attempt++)
                name = ObjectRules.GenerateName(prefix, Random.Shared);
        }
        if (string.IsNullOrEmpty(name))
            return Plan.Fail(ResourceError.Invalid(kind, "", [new StatusCause(FieldError.Required, "Required value: name or generateName is required", "metadata.name")]));
        var obj = ObjectRules.PrepareCreate(kind, body, ns, name);
        var admitted = Admit(kind, obj, null, name);
        if (admitted.Error is { } error) return Plan.Fail(error);
        obj = admitted.Object!;
        if (Get(kind, ns, name) is not null) return Plan.Fail(ResourceError.AlreadyExists(kind, name));
        // Kubernetes' garbage collector deletes a dependent whose owners are all gone; here it is never stored (a
        // controller that read its owner just before the owner's delete would otherwise leave an orphan behind).
        if (obj.OwnerUids().ToList() is { Count: > 0 } owners && !owners.Any(UidExists))
            return Plan.Fail(new ResourceError(StatusReason.Conflict,
                $"{kind.Resource} \"{name}\": metadata.ownerReferences: no owner exists any more (uid {string.Join(", ", owners)}); it would be garbage-collected at once",
                name, kind.Group, kind.Plural));
        ObjectRules.StampCreate(obj, Guid.NewGuid().ToString(), ObjectRules.Timestamp(_time.GetUtcNow()));
        return new Plan([new Change(WatchEventType.Added, kind, obj)], null, WriteAction.Created, null);
    }

    private Plan PlanReplace(ResourceKind kind, string ns, string name, StoredObject? current, JsonObject body, bool status)
    {
        if (current is null) return Plan.Fail(ResourceError.NotFound(kind, name));
        if (KindMismatch(kind, body) is { } mismatch) return Plan.Fail(mismatch);
        if (body.Name() is { Length: > 0 } bodyName && bodyName != name)
            return Plan.Fail(ResourceError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})"));
        if (body.Namespace() is { Length: > 0 } bodyNs && bodyNs != ns)
            return Plan.Fail(ResourceError.BadRequest($"the namespace of the provided object ({bodyNs}) does not match the namespace sent on the request ({ns})"));
        if (body.ResourceVersion() is { Length: > 0 } rv && rv != current.Object.ResourceVersion())
            return Plan.Fail(ResourceError.Conflict(kind, name));

        var candidate = status ? ObjectRules.PrepareStatus(current.Object, body) : ObjectRules.PrepareReplace(kind, current.Object, body);
        var admitted = Admit(kind, candidate, current.Object, name);
        if (admitted.Error is { } error) return Plan.Fail(error);
        var obj = admitted.Object!;
        // Identity stays the server's whatever admission did.
        var metadata = obj.EnsureMetadata();
        var oldMetadata = current.Object.Metadata()!;
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds" })
        {
            metadata.Remove(field);
            if (oldMetadata[field] is { } value) metadata[field] = value.DeepClone();
        }
        if (status) metadata["generation"] = current.Object.Generation();
        else ObjectRules.SettleGeneration(current.Object, obj);
        metadata["resourceVersion"] = current.Object.ResourceVersion();

        if (ObjectRules.SameContent(current.Object, obj)) return new Plan([], null, WriteAction.Unchanged, current);
        var changes = new List<Change>();
        if (obj.DeletionTimestamp() is not null && obj.Finalizers().Count == 0)
        {
            // The last finalizer is gone: the pending delete completes now.
            PlanDelete(current, obj, orphan: false, changes);
            return new Plan(changes, null, WriteAction.Deleted, current);
        }
        changes.Add(new Change(WatchEventType.Modified, kind, obj));
        return new Plan(changes, null, WriteAction.Updated, current);
    }

    private WriteAction PlanDelete(StoredObject target, JsonObject lastState, bool orphan, List<Change> changes)
    {
        var now = ObjectRules.Timestamp(_time.GetUtcNow());
        if (lastState.Finalizers().Count > 0)
        {
            if (lastState.DeletionTimestamp() is not null) return WriteAction.Terminating;
            MarkTerminating(lastState, now);
            changes.Add(new Change(WatchEventType.Modified, target.Kind, lastState));
            return WriteAction.Terminating;
        }
        changes.Add(new Change(WatchEventType.Deleted, target.Kind, lastState));
        List<StoredObject> all;
        lock (_lock) all = _objects.Values.SelectMany(d => d.Values).ToList();
        var touched = new HashSet<StoredObject> { target };
        var deleted = new Queue<string>();
        if (target.Uid.Length > 0) deleted.Enqueue(target.Uid);
        while (deleted.TryDequeue(out var uid))
        {
            foreach (var dependent in all)
            {
                if (touched.Contains(dependent) || !dependent.Object.OwnerUids().Contains(uid)) continue;
                touched.Add(dependent);
                var state = dependent.Clone();
                if (orphan)
                {
                    // Orphaning drops the owner reference instead of the dependent.
                    var refs = (JsonArray)state.Metadata()!["ownerReferences"]!;
                    foreach (var r in refs.Where(r => (r as JsonObject).Str("uid") == uid).ToList()) refs.Remove(r);
                    if (refs.Count == 0) state.Metadata()!.Remove("ownerReferences");
                    changes.Add(new Change(WatchEventType.Modified, dependent.Kind, state));
                }
                else if (state.Finalizers().Count > 0)
                {
                    if (state.DeletionTimestamp() is not null) continue;
                    MarkTerminating(state, now);
                    changes.Add(new Change(WatchEventType.Modified, dependent.Kind, state));
                }
                else
                {
                    changes.Add(new Change(WatchEventType.Deleted, dependent.Kind, state));
                    if (dependent.Uid.Length > 0) deleted.Enqueue(dependent.Uid);
                }
            }
        }
        return WriteAction.Deleted;
    }

    private static void MarkTerminating(JsonObject obj, string now)
    {
        var metadata = obj.EnsureMetadata();
        metadata["deletionTimestamp"] = now;
        metadata["deletionGracePeriodSeconds"] = 0;
    }

    private (JsonObject? Object, ResourceError? Error) Admit(ResourceKind kind, JsonObject obj, JsonObject? old, string name)
    {
        AdmissionDecision result;
        try
        {
            result = _admission.Admit(kind, obj, old);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAdmissionFailed(ex, kind.Kind, obj.Namespace(), name);
            return (null, new ResourceError(StatusReason.InternalError, $"admission of {kind.Kind} \"{name}\" failed: {ex.Message}", name, kind.Group, kind.Kind));
        }
        if (!result.Allowed)
            return (null, ResourceError.Invalid(kind, name, result.Errors.Select(e => new StatusCause(e.Reason, e.Message, e.Path)).ToList()));
        var admitted = result.Object!;
        admitted["apiVersion"] = kind.ApiVersion;
        admitted["kind"] = kind.Kind;
        return (admitted, null);
    }

    private async Task<(ResourceError? Error, List<StoredEvent> Events)> CommitAsync(List<Change> changes)
    {
        var next = _version;
        var events = new List<StoredEvent>(changes.Count);
        var writes = new List<PersistedWrite>(changes.Count);
        foreach (var change in changes)
        {
            next++;
            change.Object.EnsureMetadata()["resourceVersion"] = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ObjectRules.OrderMetadata(change.Object);
            var stored = new StoredObject(change.Kind, change.Object, next);
            events.Add(new StoredEvent(change.Type, stored));
            writes.Add(new PersistedWrite(change.Kind, stored.Namespace, stored.Name, change.Type == WatchEventType.Deleted ? (ReadOnlyMemory<byte>?)null : stored.Json));
        }
        try
        {
            // Not cancellable: once the store may have the write, memory must get it too.
            await _persistence.SaveAsync(writes, next, CancellationToken.None);
        }
        catch (PersistenceConflictException ex)
        {
            LogStoreConflict(ex);
            return (new ResourceError(StatusReason.Conflict, $"the state store was changed by another control-plane instance; restart this one to reload: {ex.Message}"), []);
        }
        catch (Exception ex)
        {
            LogStoreFailed(ex, events[0].Object.Kind.Kind, events[0].Object.Namespace, events[0].Object.Name);
            return (new ResourceError(StatusReason.ServiceUnavailable, $"the state store could not be written, nothing was changed: {ex.Message}"), []);
        }
        lock (_lock)
        {
            foreach (var e in events)
            {
                if (e.Type == WatchEventType.Deleted) Remove(e.Object);
                else Put(e.Object);
                LogChanged(ResourceEvent.Wire(e.Type), e.Object.Kind.Kind, e.Object.Namespace, e.Object.Name, e.Object.Version);
            }
            _version = next;
            _hub.Publish(events);
        }
        return (null, events);
    }

    private bool UidExists(string uid)
    {
        lock (_lock) return _objects.Values.Any(byName => byName.Values.Any(o => o.Uid == uid));
    }

    private StoredObject? Find(ResourceKind kind, string ns, string name) =>
        _objects.TryGetValue(kind, out var byName) ? byName.GetValueOrDefault((ns, name)) : null;

    private void Put(StoredObject obj)
    {
        if (!_objects.TryGetValue(obj.Kind, out var byName)) _objects[obj.Kind] = byName = new();
        byName[(obj.Namespace, obj.Name)] = obj;
    }

    private void Remove(StoredObject obj)
    {
        if (_objects.TryGetValue(obj.Kind, out var byName)) byName.Remove((obj.Namespace, obj.Name));
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Loaded {Count} objects from the state store, resourceVersion {Version}")]
    private partial void LogLoaded(int count, long version);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Skipped stored object {ApiVersion} {Kind} {Namespace}/{Name}: unknown kind or bad resourceVersion")]
    private partial void LogSkipped(string? apiVersion, string? kind, string? @namespace, string? name);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "{Type} {Kind} {Namespace}/{Name} at resourceVersion {Version}")]
    private partial void LogChanged(string type, string kind, string @namespace, string name, long version);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "State store write failed for {Kind} {Namespace}/{Name}; nothing changed")]
    private partial void LogStoreFailed(Exception ex, string kind, string @namespace, string name);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Critical, Message = "The state store was changed by another control-plane instance; writes are refused until restart")]
    private partial void LogStoreConflict(Exception ex);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Admission threw for {Kind} {Namespace}/{Name}")]
    private partial void LogAdmissionFailed(Exception ex, string kind, string? @namespace, string name);
}
