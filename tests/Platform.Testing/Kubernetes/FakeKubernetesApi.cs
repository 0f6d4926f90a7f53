using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Testing.Kubernetes;

/// <summary>
/// The one fake of the Kubernetes API in the tests: Kestrel on a free loopback port answering the custom-object calls
/// that KubernetesResourceStore (and so every service and the CLI) make, with the API server's semantics where they
/// matter: one resourceVersion counter; create (409 AlreadyExists, <c>dryRun=All</c>); replace (the resourceVersion
/// is required and must be current, else 409 Conflict; status kept; generation moves with the spec); the status
/// subresource (PUT, merge patch, JSON patch with a resourceVersion precondition); merge patch (without a resourceVersion
/// it applies to the object stored when it commits, never a 409); delete; list
/// (namespaced, cluster-wide, label selector) and watch from a resourceVersion (the retained history replayed, then
/// live changes, <c>BOOKMARK</c>s when asked for, and an <c>ERROR</c> 410 Expired event once <see cref="Compact"/>
/// dropped that version). Names in <see cref="Refuse"/> are refused with 422, as an admission webhook would.
/// Every request is recorded.
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    /// <summary>One request the fake answered.</summary>
    public sealed record Call(string Method, string Path, string Query, string? ContentType, string Body, string? Authorization);

    private sealed record Change(long Version, string Resource, string Namespace, string Type, JsonObject Object);

    private readonly WebApplication _app;
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly List<Change> _history = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version = 100;
    private long _compactedUpTo;
    private CancellationTokenSource _watches = new();

    private FakeKubernetesApi(WebApplication app) => _app = app;

    /// <summary>Every request, in order.</summary>
    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Object names refused with 422 and a cause on <c>spec</c> (the value is the reason).</summary>
    public ConcurrentDictionary<string, string> Refuse { get; } = new();

    /// <summary>
    /// Resources (<c>group/version/plural</c>, <c>v1/services</c> for the core group) the cluster does not serve, as
    /// when their CRD is not installed: every path of theirs answers 404 as the API server does.
    /// </summary>
    public ConcurrentDictionary<string, bool> NotInstalled { get; } = new();

    /// <summary>
    /// <c>(verb, resource)</c> pairs the caller may not do (verb <c>create</c>, <c>update</c>, <c>get</c>, <c>list</c>,
    /// <c>watch</c>, <c>patch</c>, <c>delete</c>): 403 Forbidden, with RBAC's message.
    /// </summary>
    public ConcurrentDictionary<(string Verb, string Resource), bool> Forbid { get; } = new();

    /// <summary>Writes (PUT/PATCH) of a resource that answer 409 Conflict before they are let through, as a concurrent writer would cause.</summary>
    public ConcurrentDictionary<string, int> ConflictsAhead { get; } = new();

    /// <summary>Leave <c>apiVersion</c>/<c>kind</c> out of list items (clients must fill them in). Default false.</summary>
    public bool OmitListItemKinds { get; set; }

    /// <summary>How long a watch stays open before the server ends it (the client resumes). Default 30 s.</summary>
    public TimeSpan WatchDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>End each watch stream after this many events (to test resumption); null: no limit.</summary>
    public int? EndWatchAfterEvents { get; set; }

    /// <summary>Idle time after which a watch that allows bookmarks gets a <c>BOOKMARK</c>. Default 200 ms.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The API's root URL.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The resourceVersion of the last change.</summary>
    public long Version { get { lock (_lock) return _version; } }

    /// <summary>Starts the fake.</summary>
    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app);
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}/status",
            (HttpContext c, string group, string version, string ns, string plural, string name) => fake.ObjectAsync(c, $"{group}/{version}/{plural}", ns, name, status: true));
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}",
            (HttpContext c, string group, string version, string ns, string plural, string name) => fake.ObjectAsync(c, $"{group}/{version}/{plural}", ns, name, status: false));
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}",
            (HttpContext c, string group, string version, string ns, string plural) => fake.CollectionAsync(c, $"{group}/{version}/{plural}", ns));
        app.Map("/apis/{group}/{version}/{plural}",
            (HttpContext c, string group, string version, string plural) => fake.CollectionAsync(c, $"{group}/{version}/{plural}", null));
        // Cluster-scoped objects (CustomResourceDefinitions), stored under the namespace "".
        app.Map("/apis/{group}/{version}/{plural}/{name}",
            (HttpContext c, string group, string version, string plural, string name) => fake.ObjectAsync(c, $"{group}/{version}/{plural}", "", name, status: false));
        // The core group (Services, Pods): resource "v1/{plural}".
        app.Map("/api/v1/namespaces/{ns}/{plural}/{name}/status",
            (HttpContext c, string ns, string plural, string name) => fake.ObjectAsync(c, $"v1/{plural}", ns, name, status: true));
        app.Map("/api/v1/namespaces/{ns}/{plural}/{name}",
            (HttpContext c, string ns, string plural, string name) => fake.ObjectAsync(c, $"v1/{plural}", ns, name, status: false));
        app.Map("/api/v1/namespaces/{ns}/{plural}",
            (HttpContext c, string ns, string plural) => fake.CollectionAsync(c, $"v1/{plural}", ns));
        app.Map("/api/v1/{plural}",
            (HttpContext c, string plural) => fake.CollectionAsync(c, $"v1/{plural}", null));
        fake.MapAuthorization(app);
        await app.StartAsync();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    /// <summary>A kubeconfig file pointing at this server with a bearer token, context <c>fake</c>.</summary>
    public string WriteKubeconfig(string folder)
    {
        var path = Path.Combine(folder, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster:
                  server: {Url}
            users:
              - name: tester
                user:
                  token: test-token
            contexts:
              - name: fake
                context:
                  cluster: fake
                  user: tester
            current-context: fake
            """);
        return path;
    }

    /// <summary>Stores <paramref name="obj"/> under <paramref name="resource"/> (<c>group/version/plural</c>) as if created.</summary>
    public JsonObject Seed(string resource, JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        var metadata = Metadata(copy);
        lock (_lock)
        {
            Stamp(copy, Str(metadata, "namespace") ?? "default", generation: 1, created: true);
            Commit(resource, "ADDED", copy);
        }
        return (JsonObject)copy.DeepClone();
    }

    /// <summary>Stores a cluster-scoped object (a CustomResourceDefinition) under <paramref name="resource"/>.</summary>
    public JsonObject SeedCluster(string resource, JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        lock (_lock)
        {
            Stamp(copy, "", generation: 1, created: true);
            Metadata(copy).Remove("namespace");
            CommitAt(resource, "", "ADDED", copy);
        }
        return (JsonObject)copy.DeepClone();
    }

    /// <summary>Replaces the status of a stored object, as the controller that owns it (Kubernetes' deployment controller) would.</summary>
    public JsonObject SetStatus(string resource, string ns, string name, JsonObject status)
    {
        lock (_lock)
        {
            var stored = _objects.GetValueOrDefault(Key(resource, ns, name)) ?? throw new InvalidOperationException($"{resource} {ns}/{name} is not stored");
            var next = (JsonObject)stored.DeepClone();
            next["status"] = status.DeepClone();
            Stamp(next, ns, stored["metadata"]?["generation"]?.GetValue<long>() ?? 1, created: false);
            Commit(resource, "MODIFIED", next);
            return (JsonObject)next.DeepClone();
        }
    }

    /// <summary>Deletes a stored object (as another client, or the garbage collector, would); false when absent.</summary>
    public bool Remove(string resource, string ns, string name)
    {
        lock (_lock)
        {
            if (!_objects.Remove(Key(resource, ns, name), out var current)) return false;
            Metadata(current)["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
            _history.Add(new Change(_version, resource, ns, "DELETED", (JsonObject)current.DeepClone()));
            Signal();
            return true;
        }
    }

    /// <summary>The stored object, or null.</summary>
    public JsonObject? Stored(string resource, string ns, string name)
    {
        lock (_lock) return _objects.GetValueOrDefault(Key(resource, ns, name))?.DeepClone() as JsonObject;
    }

    /// <summary>Ends every open watch stream now, as an API server's timeout or restart does; clients resume.</summary>
    public void EndWatches()
    {
        CancellationTokenSource ended;
        lock (_lock)
        {
            ended = _watches;
            _watches = new CancellationTokenSource();
        }
        ended.Cancel();
        ended.Dispose();
    }

    /// <summary>
    /// Moves the version on (as writes elsewhere would) and forgets the change history, as etcd's compaction does: a
    /// watch from any version before now gets 410 Gone.
    /// </summary>
    public void Compact()
    {
        lock (_lock)
        {
            _history.Clear();
            _compactedUpTo = ++_version;
        }
    }

    private static string Key(string resource, string ns, string name) => $"{resource}/{ns}/{name}";

    private static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m) return m;
        m = new JsonObject();
        obj["metadata"] = m;
        return m;
    }

    private static string? Str(JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private async Task<string> RecordAsync(HttpContext c)
    {
        using var reader = new StreamReader(c.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        Calls.Enqueue(new Call(c.Request.Method, c.Request.Path.Value ?? "", c.Request.QueryString.Value ?? "", c.Request.ContentType, body,
            c.Request.Headers.Authorization.ToString()));
        return body;
    }

    private async Task CollectionAsync(HttpContext c, string resource, string? ns)
    {
        var body = await RecordAsync(c);
        var verb = HttpMethods.IsGet(c.Request.Method) ? (c.Request.Query["watch"] == "true" ? "watch" : "list") : "create";
        if (await RefusedAsync(c, verb, resource, ns)) return;
        if (HttpMethods.IsGet(c.Request.Method))
        {
            if (c.Request.Query["watch"] == "true") await WatchAsync(c, resource, ns);
            else await ListAsync(c, resource, ns);
            return;
        }
        if (!HttpMethods.IsPost(c.Request.Method) || ns is null)
        {
            await Write(c, 405, Status(405, "MethodNotAllowed", $"the server does not allow {c.Request.Method} here"));
            return;
        }
        var obj = Parse(body);
        var name = Str(obj?["metadata"], "name") ?? "";
        if (obj is null) { await Write(c, 400, Status(400, "BadRequest", "the body is not a JSON object")); return; }
        if (Refused(name) is { } refusal) { await Write(c, 422, refusal); return; }
        lock (_lock)
        {
            if (_objects.ContainsKey(Key(resource, ns, name)))
            {
                _ = Write(c, 409, Status(409, "AlreadyExists", $"{Plural(resource)} \"{name}\" already exists"));
                return;
            }
            Stamp(obj, ns, generation: 1, created: true);
            if (!DryRun(c)) Commit(resource, "ADDED", obj);
        }
        await Write(c, 201, obj);
    }

    private async Task ListAsync(HttpContext c, string resource, string? ns)
    {
        var selector = c.Request.Query["labelSelector"].ToString();
        List<JsonObject> items;
        long version;
        lock (_lock)
        {
            items = [.. _objects.Where(p => p.Key.StartsWith(resource + "/" + (ns is null ? "" : ns + "/"), StringComparison.Ordinal))
                .Select(p => (JsonObject)p.Value.DeepClone()).Where(o => Matches(selector, o))
                .OrderBy(o => Str(o["metadata"], "namespace"), StringComparer.Ordinal).ThenBy(o => Str(o["metadata"], "name"), StringComparer.Ordinal)];
            version = _version;
        }
        if (OmitListItemKinds)
            foreach (var item in items) { item.Remove("apiVersion"); item.Remove("kind"); }
        await Write(c, 200, new JsonObject
        {
            ["apiVersion"] = resource[..resource.LastIndexOf('/')],
            ["kind"] = "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray([.. items]),
        });
    }

    private async Task WatchAsync(HttpContext c, string resource, string? ns)
    {
        var from = c.Request.Query["resourceVersion"].ToString();
        var bookmarks = c.Request.Query["allowWatchBookmarks"] == "true";
        c.Response.StatusCode = 200;
        c.Response.ContentType = "application/json";
        await c.Response.StartAsync();
        CancellationToken ended;
        lock (_lock) ended = _watches.Token;
        using var open = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, ended);
        open.CancelAfter(WatchDuration);
        var sent = 0;
        long cursor;
        List<JsonNode> initial = [];
        lock (_lock)
        {
            if (string.IsNullOrEmpty(from) || from == "0")
            {
                // No version: every object as ADDED, then live changes.
                cursor = _version;
                initial = [.. _objects.Where(p => p.Key.StartsWith(resource + "/" + (ns is null ? "" : ns + "/"), StringComparison.Ordinal))
                    .Select(p => (JsonNode)new JsonObject { ["type"] = "ADDED", ["object"] = p.Value.DeepClone() })];
            }
            else if (!long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) || cursor < _compactedUpTo)
            {
                initial = [new JsonObject { ["type"] = "ERROR", ["object"] = Status(410, "Expired", $"too old resource version: {from} ({_version})") }];
                cursor = -1;
            }
        }
        await WriteLinesAsync(c, initial);
        if (cursor < 0) return;
        sent += initial.Count;
        try
        {
            while (!open.IsCancellationRequested && (EndWatchAfterEvents is not { } limit || sent < limit))
            {
                List<Change> next;
                Task changed;
                lock (_lock)
                {
                    next = [.. _history.Where(h => h.Version > cursor && h.Resource == resource && (ns is null || h.Namespace == ns))];
                    changed = _changed.Task;
                    if (next.Count == 0) cursor = Math.Max(cursor, _version);
                }
                foreach (var change in next)
                {
                    await WriteLinesAsync(c, [new JsonObject { ["type"] = change.Type, ["object"] = change.Object.DeepClone() }]);
                    cursor = change.Version;
                    if (EndWatchAfterEvents is { } max && ++sent >= max) return;
                }
                if (next.Count > 0) continue;
                var wake = await Task.WhenAny(changed, Task.Delay(bookmarks ? BookmarkInterval : Timeout.InfiniteTimeSpan, open.Token));
                open.Token.ThrowIfCancellationRequested();
                if (wake != changed && bookmarks && !open.IsCancellationRequested)
                    await WriteLinesAsync(c, [new JsonObject
                    {
                        ["type"] = "BOOKMARK",
                        ["object"] = new JsonObject
                        {
                            ["apiVersion"] = resource[..resource.LastIndexOf('/')],
                            ["metadata"] = new JsonObject { ["resourceVersion"] = cursor.ToString(CultureInfo.InvariantCulture) },
                        },
                    }]);
            }
        }
        catch (OperationCanceledException)
        {
            // The watch's time is up, or the client left: the stream ends and the client resumes.
        }
    }

    private static async Task WriteLinesAsync(HttpContext c, IReadOnlyList<JsonNode> lines)
    {
        foreach (var line in lines) await c.Response.WriteAsync(line.ToJsonString() + "\n");
        await c.Response.Body.FlushAsync();
    }

    private async Task ObjectAsync(HttpContext c, string resource, string ns, string name, bool status)
    {
        var body = await RecordAsync(c);
        var verb = c.Request.Method switch { "GET" => "get", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => c.Request.Method.ToLowerInvariant() };
        if (await RefusedAsync(c, verb, resource, ns)) return;
        if (verb is "update" or "patch" && ConflictsAhead.TryGetValue(resource, out var ahead) && ahead > 0)
        {
            ConflictsAhead[resource] = ahead - 1;
            await Write(c, 409, Status(409, "Conflict",
                $"Operation cannot be fulfilled on {Plural(resource)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"));
            return;
        }
        var key = Key(resource, ns, name);
        JsonObject? current;
        lock (_lock) current = _objects.GetValueOrDefault(key)?.DeepClone() as JsonObject;
        if (current is null)
        {
            await Write(c, 404, Status(404, "NotFound", $"{Plural(resource)} \"{name}\" not found"));
            return;
        }
        switch (c.Request.Method)
        {
            case "GET":
                await Write(c, 200, current);
                return;
            case "DELETE" when !status:
                lock (_lock)
                {
                    _objects.Remove(key);
                    Metadata(current)["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
                    _history.Add(new Change(_version, resource, ns, "DELETED", (JsonObject)current.DeepClone()));
                    Signal();
                }
                // Core Services answer with the deleted object (the API server's ReturnDeletedObject), the rest with a Status.
                await Write(c, 200, resource == "v1/services" ? current : new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success" });
                return;
            case "PUT":
                {
                    var obj = Parse(body);
                    if (obj is null) { await Write(c, 400, Status(400, "BadRequest", "the body is not a JSON object")); return; }
                    if (Refused(name) is { } refusal) { await Write(c, 422, refusal); return; }
                    var version = Str(obj["metadata"], "resourceVersion");
                    if (string.IsNullOrEmpty(version))
                    {
                        await Write(c, 422, Status(422, "Invalid", $"{Plural(resource)} \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"));
                        return;
                    }
                    await CommitUpdateAsync(c, resource, ns, key, name, stored => Str(stored["metadata"], "resourceVersion") != version
                        ? (null, 409, null)
                        : (status ? WithStatusOf(stored, obj) : WithSpecOf(stored, obj), 200, null));
                    return;
                }
            case "PATCH":
                {
                    var type = c.Request.ContentType?.Split(';')[0].Trim();
                    Func<JsonObject, (JsonObject? Result, string? Error)> apply;
                    if (type == "application/merge-patch+json")
                    {
                        var patch = Parse(body);
                        if (patch is null) { await Write(c, 400, Status(400, "BadRequest", "a merge patch must be an object")); return; }
                        apply = stored => (Merge(stored.DeepClone(), patch) as JsonObject, null);
                    }
                    else if (type == "application/json-patch+json")
                    {
                        var operations = JsonNode.Parse(body);
                        apply = stored => JsonPatch(stored, operations);
                    }
                    else
                    {
                        await Write(c, 415, Status(415, "UnsupportedMediaType", $"the body of a PATCH must be a merge or JSON patch, not {type}"));
                        return;
                    }
                    // As the API server: the patch applies to the object stored when it commits, and a resourceVersion
                    // the patch sets is a precondition (so without one, two writers patching one object never conflict).
                    await CommitUpdateAsync(c, resource, ns, key, name, stored => apply(stored) switch
                    {
                        (_, { } error) => (null, 422, error),
                        (null, _) => (null, 422, "the patch must leave an object"),
                        ({ } patched, _) when Str(patched["metadata"], "resourceVersion") != Str(stored["metadata"], "resourceVersion") => (null, 409, null),
                        ({ } patched, _) => (status ? WithStatusOf(stored, patched) : WithSpecOf(stored, patched), 200, null),
                    });
                    return;
                }
            default:
                await Write(c, 405, Status(405, "MethodNotAllowed", $"the server does not allow {c.Request.Method} here"));
                return;
        }
    }

    // Builds the next object from the one stored, under the lock, so that the check and the write are one step:
    // 409 Conflict, 422 Invalid (with the reason) or 200 with the object to store.
    private async Task CommitUpdateAsync(HttpContext c, string resource, string ns, string key, string name,
        Func<JsonObject, (JsonObject? Next, int Code, string? Error)> build)
    {
        JsonObject answer;
        int code;
        lock (_lock)
        {
            var stored = _objects.GetValueOrDefault(key);
            var (next, outcome, error) = stored is null ? (null, 404, null) : build((JsonObject)stored.DeepClone());
            (code, answer) = outcome switch
            {
                404 => (404, Status(404, "NotFound", $"{Plural(resource)} \"{name}\" not found")),
                409 => (409, Status(409, "Conflict",
                    $"Operation cannot be fulfilled on {Plural(resource)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again")),
                422 => (422, Status(422, "Invalid", error ?? "the write must leave an object")),
                _ => (200, next!),
            };
            if (code == 200)
            {
                var generation = stored!["metadata"]?["generation"]?.GetValue<long>() ?? 1;
                var specChanged = !JsonNode.DeepEquals(stored["spec"], next!["spec"]);
                Stamp(next, ns, specChanged ? generation + 1 : generation, created: false);
                if (!DryRun(c)) Commit(resource, "MODIFIED", next);
            }
        }
        await Write(c, code, answer);
    }

    // The main resource keeps the stored status; the status subresource keeps everything but the status.
    private static JsonObject WithSpecOf(JsonObject current, JsonObject incoming)
    {
        var next = (JsonObject)incoming.DeepClone();
        next.Remove("status");
        if (current["status"] is { } s) next["status"] = s.DeepClone();
        foreach (var field in new[] { "uid", "creationTimestamp", "namespace", "name" })
            if (current["metadata"]?[field] is { } v) Metadata(next)[field] = v.DeepClone();
        return next;
    }

    private static JsonObject WithStatusOf(JsonObject current, JsonObject incoming)
    {
        var next = (JsonObject)current.DeepClone();
        next.Remove("status");
        if (incoming["status"] is { } s) next["status"] = s.DeepClone();
        return next;
    }

    private void Commit(string resource, string type, JsonObject obj) =>
        CommitAt(resource, Str(Metadata(obj), "namespace") ?? "default", type, obj);

    private void CommitAt(string resource, string ns, string type, JsonObject obj)
    {
        var metadata = Metadata(obj);
        _objects[Key(resource, ns, Str(metadata, "name") ?? "")] = obj;
        _history.Add(new Change(long.Parse(Str(metadata, "resourceVersion")!, CultureInfo.InvariantCulture), resource, ns, type, (JsonObject)obj.DeepClone()));
        Signal();
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private void Stamp(JsonObject obj, string ns, long generation, bool created)
    {
        var metadata = Metadata(obj);
        metadata["namespace"] = ns;
        metadata["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
        metadata["generation"] = generation;
        if (created)
        {
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
    }

    private static bool Matches(string selector, JsonObject obj)
    {
        if (string.IsNullOrWhiteSpace(selector)) return true;
        var labels = obj["metadata"]?["labels"] as JsonObject;
        foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var not = term.Split("!=", 2);
            var eq = term.Split('=', 2);
            if (not.Length == 2) { if (Str(labels, not[0]) == not[1]) return false; }
            else if (eq.Length == 2) { if (Str(labels, eq[0].TrimEnd('=')) != eq[1].TrimStart('=')) return false; }
            else if (labels?[term] is null) return false;
        }
        return true;
    }

    private JsonObject? Refused(string name) => Refuse.TryGetValue(name, out var why)
        ? new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["status"] = "Failure",
            ["reason"] = "Invalid",
            ["code"] = 422,
            ["message"] = $"admission webhook \"validation.webhook.serving.knative.dev\" denied the request: {why}",
            ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = why, ["field"] = "spec" }) },
        }
        : null;

    // Not installed (404, as for a kind without its CRD), then RBAC (403).
    private async Task<bool> RefusedAsync(HttpContext c, string verb, string resource, string? ns)
    {
        if (NotInstalled.ContainsKey(resource))
        {
            await Write(c, 404, Status(404, "NotFound", "the server could not find the requested resource"));
            return true;
        }
        if (!Forbid.ContainsKey((verb, resource))) return false;
        var parts = resource.Split('/');
        var group = parts.Length == 2 ? "" : parts[0];
        await Write(c, 403, Status(403, "Forbidden",
            $"{Plural(resource)} is forbidden: User \"system:serviceaccount:platform-system:serving-controller\" cannot {verb} resource \"{parts[^1]}\" in API group \"{group}\"" +
            (string.IsNullOrEmpty(ns) ? " at the cluster scope" : $" in the namespace \"{ns}\"")));
        return true;
    }

    private static bool DryRun(HttpContext c) => c.Request.Query["dryRun"] == "All";

    private static string Plural(string resource)
    {
        var parts = resource.Split('/');
        return parts.Length == 2 ? parts[1] : $"{parts[^1]}.{parts[0]}";
    }

    private static JsonObject? Parse(string body)
    {
        try { return JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { return null; }
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (k, v) in p)
        {
            if (v is null) result.Remove(k);
            else result[k] = Merge(result[k]?.DeepClone(), v);
        }
        return result;
    }

    // RFC 6902, the operations KubernetesResourceStore sends (add, replace, remove) on object paths.
    private static (JsonObject? Result, string? Error) JsonPatch(JsonObject current, JsonNode? operations)
    {
        if (operations is not JsonArray ops) return (null, "a JSON patch must be an array");
        var doc = (JsonObject)current.DeepClone();
        foreach (var op in ops.OfType<JsonObject>())
        {
            var path = Str(op, "path") ?? "";
            var parts = path.Trim('/').Split('/').Select(p => p.Replace("~1", "/").Replace("~0", "~")).ToArray();
            JsonObject parent = doc;
            foreach (var part in parts[..^1])
            {
                if (parent[part] is not JsonObject child) return (null, $"path {path} does not exist");
                parent = child;
            }
            switch (Str(op, "op"))
            {
                case "add" or "replace": parent[parts[^1]] = op["value"]?.DeepClone(); break;
                case "remove": parent.Remove(parts[^1]); break;
                default: return (null, $"unsupported op {Str(op, "op")}");
            }
        }
        return (doc, null);
    }

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    private static Task Write(HttpContext c, int code, JsonObject body)
    {
        c.Response.StatusCode = code;
        c.Response.ContentType = "application/json";
        return c.Response.WriteAsync(body.ToJsonString());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
