using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ControlPlane.Store;
using Platform.ControlPlane.Server.Catalog;

namespace Platform.ServingController.Tests.Store.Kubernetes;

/// <summary>
/// A Kestrel server on a free loopback port answering like the Kubernetes API for exactly the custom-object calls
/// KubernetesResourceStore makes: list (namespaced and cluster), get, create, replace, JSON-patch of status,
/// delete and a scripted watch stream. Records every request.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public sealed record Call(string Method, string Path, string Query, string? ContentType, string Body);

    private readonly WebApplication _app;
    private readonly Dictionary<string, JsonObject> _objects = new();
    private readonly Lock _lock = new();
    private long _version = 100;

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Watch answers, one per watch request in order: lines to send, then the stream ends.</summary>
    public ConcurrentQueue<string[]> WatchScripts { get; } = new();

    public string Url { get; private set; } = "";

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app);
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}/status", fake.StatusAsync);
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}", fake.ObjectAsync);
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}", fake.CollectionAsync);
        app.Map("/apis/{group}/{version}/{plural}", fake.CollectionAsync);
        await app.StartAsync();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public void Seed(JsonObject obj)
    {
        lock (_lock)
        {
            obj.EnsureMetadata()["resourceVersion"] = (++_version).ToString();
            _objects[Key(obj.Namespace()!, obj.Name()!)] = obj;
        }
    }

    private static string Key(string ns, string name) => ns + "/" + name;

    private async Task<string> RecordAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        Calls.Enqueue(new Call(ctx.Request.Method, ctx.Request.Path.Value!, ctx.Request.QueryString.Value ?? "", ctx.Request.ContentType, body));
        return body;
    }

    private static Task Json(HttpContext ctx, int code, JsonNode node)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(node.ToJsonString());
    }

    private static Task Status(HttpContext ctx, int code, string reason, string message) => Json(ctx, code, StatusNode(code, reason, message));

    private static JsonObject StatusNode(int code, string reason, string message) => new()
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
        ["message"] = message, ["reason"] = reason, ["code"] = code,
    };

    private async Task CollectionAsync(HttpContext ctx)
    {
        var body = await RecordAsync(ctx);
        var ns = ctx.GetRouteValue("ns") as string;
        if (HttpMethods.IsGet(ctx.Request.Method) && ctx.Request.Query["watch"] == "true")
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.StartAsync();
            if (WatchScripts.TryDequeue(out var lines))
                foreach (var line in lines)
                {
                    await ctx.Response.WriteAsync(line + "\n");
                    await ctx.Response.Body.FlushAsync();
                }
            return;
        }
        if (HttpMethods.IsGet(ctx.Request.Method))
        {
            var selector = ctx.Request.Query["labelSelector"].ToString();
            LabelSelector.TryParse(selector, out var sel, out _);
            JsonArray items;
            string version;
            lock (_lock)
            {
                // Like the real API server, list items of custom objects carry apiVersion and kind; this fake leaves
                // them out to check that the store fills them in.
                items = new JsonArray(_objects.Values.Where(o => (ns is null || o.Namespace() == ns) && sel.Matches(o.Labels()))
                    .Select(o => { var c = (JsonObject)o.DeepClone(); c.Remove("apiVersion"); c.Remove("kind"); return (JsonNode)c; }).ToArray());
                version = _version.ToString();
            }
            await Json(ctx, 200, new JsonObject
            {
                ["apiVersion"] = "serving.knative.dev/v1", ["kind"] = "ServiceList",
                ["metadata"] = new JsonObject { ["resourceVersion"] = version }, ["items"] = items,
            });
            return;
        }
        if (HttpMethods.IsPost(ctx.Request.Method))
        {
            var obj = JsonNode.Parse(body)!.AsObject();
            (int, JsonObject)? answer = null;
            lock (_lock)
            {
                if (_objects.ContainsKey(Key(ns!, obj.Name()!)))
                {
                    answer = (409, StatusNode(409, "AlreadyExists", $"services.serving.knative.dev \"{obj.Name()}\" already exists"));
                    goto done;
                }
                obj.EnsureMetadata()["uid"] = Guid.NewGuid().ToString();
                obj.EnsureMetadata()["generation"] = 1;
                obj.EnsureMetadata()["resourceVersion"] = (++_version).ToString();
                _objects[Key(ns!, obj.Name()!)] = obj;
            }
            done:
            await Json(ctx, answer?.Item1 ?? 201, answer?.Item2 ?? obj);
            return;
        }
        await Status(ctx, 405, "MethodNotAllowed", "no");
    }

    private async Task ObjectAsync(HttpContext ctx)
    {
        var body = await RecordAsync(ctx);
        var key = Key((string)ctx.GetRouteValue("ns")!, (string)ctx.GetRouteValue("name")!);
        JsonObject? current;
        lock (_lock) current = _objects.GetValueOrDefault(key);
        if (current is null)
        {
            await Status(ctx, 404, "NotFound", $"services.serving.knative.dev \"{ctx.GetRouteValue("name")}\" not found");
            return;
        }
        switch (ctx.Request.Method)
        {
            case "GET":
                await Json(ctx, 200, current);
                return;
            case "PUT":
                var obj = JsonNode.Parse(body)!.AsObject();
                (int, JsonObject)? answer = null;
                lock (_lock)
                {
                    if (obj.ResourceVersion() != current.ResourceVersion())
                    {
                        answer = (409, StatusNode(409, "Conflict", "Operation cannot be fulfilled on services.serving.knative.dev: the object has been modified"));
                        goto done;
                    }
                    obj.EnsureMetadata()["resourceVersion"] = (++_version).ToString();
                    _objects[key] = obj;
                }
                done:
                await Json(ctx, answer?.Item1 ?? 200, answer?.Item2 ?? obj);
                return;
            case "DELETE":
                lock (_lock) _objects.Remove(key);
                await Json(ctx, 200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success" });
                return;
        }
    }

    private async Task StatusAsync(HttpContext ctx)
    {
        var body = await RecordAsync(ctx);
        var key = Key((string)ctx.GetRouteValue("ns")!, (string)ctx.GetRouteValue("name")!);
        if (!HttpMethods.IsPatch(ctx.Request.Method) || ctx.Request.ContentType?.Split(';')[0].Trim() != "application/json-patch+json")
        {
            await Status(ctx, 415, "UnsupportedMediaType", "expected a JSON patch");
            return;
        }
        JsonObject? result = null;
        (int, JsonObject)? answer = null;
        lock (_lock)
        {
            if (!_objects.TryGetValue(key, out var current))
            {
                answer = (404, StatusNode(404, "NotFound", "not found"));
                goto done;
            }
            var (patched, error) = Platform.ControlPlane.Server.Http.JsonPatch.Apply(current, JsonNode.Parse(body));
            if (error is not null)
            {
                answer = (422, StatusNode(422, "Invalid", error));
                goto done;
            }
            result = patched!.AsObject();
            if (result.ResourceVersion() != current.ResourceVersion())
            {
                answer = (409, StatusNode(409, "Conflict", "Operation cannot be fulfilled: the object has been modified"));
                goto done;
            }
            result["spec"] = current["spec"]?.DeepClone();
            result.EnsureMetadata()["resourceVersion"] = (++_version).ToString();
            _objects[key] = result;
        }
        done:
        await Json(ctx, answer?.Item1 ?? 200, answer?.Item2 ?? result!);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
