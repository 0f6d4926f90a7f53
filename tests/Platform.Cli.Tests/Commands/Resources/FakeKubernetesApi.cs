using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Cli.Client;

namespace Platform.Cli.Tests.Commands.Resources;

/// <summary>
/// Kestrel on a free loopback port answering like the Kubernetes API for the custom-object calls the CLI makes:
/// list (namespaced and cluster-wide), get, create and replace (with <c>dryRun=All</c>), merge patch, delete,
/// and a watch that streams the object's later changes. Objects named in <see cref="Refuse"/> get a 422 Status.
/// Every request is recorded.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public sealed record Call(string Method, string Path, string Query, string? Authorization);

    private readonly WebApplication _app;
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _version = 100;

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Names the fake refuses with 422 and a cause on <c>spec</c>, as an admission webhook would.</summary>
    public ConcurrentDictionary<string, string> Refuse { get; } = new();

    /// <summary>Watch events to stream after the current state (lines of <c>{"type":..,"object":..}</c>).</summary>
    public ConcurrentQueue<JsonObject> WatchScript { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app);
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}", (HttpContext c, string group, string version, string ns, string plural, string name) => fake.ObjectAsync(c, $"{group}/{version}/{plural}", ns, name));
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}", (HttpContext c, string group, string version, string ns, string plural) => fake.CollectionAsync(c, $"{group}/{version}/{plural}", ns));
        app.Map("/apis/{group}/{version}/{plural}", (HttpContext c, string group, string version, string plural) => fake.CollectionAsync(c, $"{group}/{version}/{plural}", null));
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

    public JsonObject? Stored(string resource, string ns, string name)
    {
        lock (_lock) return _objects.GetValueOrDefault(Key(resource, ns, name))?.DeepClone() as JsonObject;
    }

    private static string Key(string resource, string ns, string name) => $"{resource}/{ns}/{name}";

    private void Record(HttpContext c) => Calls.Enqueue(new Call(c.Request.Method, c.Request.Path, c.Request.QueryString.Value ?? "", c.Request.Headers.Authorization.ToString()));

    private async Task CollectionAsync(HttpContext c, string resource, string? ns)
    {
        Record(c);
        if (HttpMethods.IsGet(c.Request.Method))
        {
            if (c.Request.Query["watch"] == "true")
            {
                c.Response.ContentType = "application/json";
                while (WatchScript.TryDequeue(out var e))
                {
                    await c.Response.WriteAsync(e.ToJsonString() + "\n");
                    await c.Response.Body.FlushAsync();
                }
                return;
            }
            List<JsonObject> items;
            lock (_lock)
                items = [.. _objects.Where(p => p.Key.StartsWith(resource + "/" + (ns is null ? "" : ns + "/"), StringComparison.Ordinal)).Select(p => (JsonObject)p.Value.DeepClone())];
            await Write(c, 200, new JsonObject
            {
                ["apiVersion"] = resource[..resource.LastIndexOf('/')], ["kind"] = "List",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString() },
                ["items"] = new JsonArray([.. items]),
            });
            return;
        }
        if (!HttpMethods.IsPost(c.Request.Method) || ns is null) { await Write(c, 405, Status(405, "MethodNotAllowed", "not allowed")); return; }
        var obj = await Body(c);
        var name = obj.StringAt("metadata.name") ?? "";
        if (Refused(name) is { } refusal) { await Write(c, 422, refusal); return; }
        lock (_lock)
        {
            if (_objects.ContainsKey(Key(resource, ns, name)))
            {
                _ = Write(c, 409, Status(409, "AlreadyExists", $"\"{name}\" already exists"));
                return;
            }
            Stamp(obj, ns, generation: 1);
            if (!DryRun(c)) _objects[Key(resource, ns, name)] = obj;
        }
        await Write(c, 201, obj);
    }

    private async Task ObjectAsync(HttpContext c, string resource, string ns, string name)
    {
        Record(c);
        var key = Key(resource, ns, name);
        JsonObject? current;
        lock (_lock) current = _objects.GetValueOrDefault(key)?.DeepClone() as JsonObject;
        if (current is null) { await Write(c, 404, Status(404, "NotFound", $"{resource.Split('/')[^1]}.{resource.Split('/')[0]} \"{name}\" not found")); return; }
        switch (c.Request.Method)
        {
            case "GET":
                await Write(c, 200, current);
                return;
            case "DELETE":
                lock (_lock) _objects.Remove(key);
                await Write(c, 200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success" });
                return;
            case "PUT":
            {
                var obj = await Body(c);
                if (Refused(name) is { } refusal) { await Write(c, 422, refusal); return; }
                if (obj.StringAt("metadata.resourceVersion") != current.StringAt("metadata.resourceVersion"))
                {
                    await Write(c, 409, Status(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again"));
                    return;
                }
                lock (_lock)
                {
                    Stamp(obj, ns, (current.LongAt("metadata.generation") ?? 1) + 1);
                    if (!DryRun(c)) _objects[key] = obj;
                }
                await Write(c, 200, obj);
                return;
            }
            case "PATCH":
            {
                if (c.Request.ContentType != "application/merge-patch+json; charset=utf-8" && c.Request.ContentType != "application/merge-patch+json")
                {
                    await Write(c, 415, Status(415, "UnsupportedMediaType", $"unsupported patch type {c.Request.ContentType}"));
                    return;
                }
                var patched = (JsonObject)Merge(current, await Body(c))!;
                lock (_lock)
                {
                    Stamp(patched, ns, (current.LongAt("metadata.generation") ?? 1) + 1);
                    _objects[key] = patched;
                }
                await Write(c, 200, patched);
                return;
            }
            default:
                await Write(c, 405, Status(405, "MethodNotAllowed", "not allowed"));
                return;
        }
    }

    private JsonObject? Refused(string name) => Refuse.TryGetValue(name, out var why)
        ? new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = "Invalid", ["code"] = 422,
            ["message"] = $"admission webhook \"validation.webhook.serving.knative.dev\" denied the request: {why}",
            ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = why, ["field"] = "spec" }) },
        }
        : null;

    private static bool DryRun(HttpContext c) => c.Request.Query["dryRun"] == "All";

    private void Stamp(JsonObject obj, string ns, long generation)
    {
        var metadata = obj.Child("metadata");
        metadata["namespace"] = ns;
        metadata["resourceVersion"] = Interlocked.Increment(ref _version).ToString();
        metadata["generation"] = generation;
        metadata["creationTimestamp"] ??= DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
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

    private static async Task<JsonObject> Body(HttpContext c)
    {
        using var reader = new StreamReader(c.Request.Body, Encoding.UTF8);
        return JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject ?? new JsonObject();
    }

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = reason, ["message"] = message, ["code"] = code,
    };

    private static Task Write(HttpContext c, int code, JsonObject body)
    {
        c.Response.StatusCode = code;
        c.Response.ContentType = "application/json";
        return c.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
