using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Catalog;
using Platform.ControlPlane.Server.Hosting;
using Platform.ControlPlane.Server.Watch;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Server.Http;

/// <summary>
/// The Kubernetes-shaped HTTP surface under <c>/apis</c>: one handler that parses the path itself, so that every
/// unknown path, kind or method answers with a Kubernetes <c>Status</c> rather than an empty 404/405.
/// </summary>
internal static class ResourceApi
{
    /// <summary>Handles any request under <c>/apis</c>.</summary>
    public static async Task HandleAsync(HttpContext context, string? rest)
    {
        var catalog = context.RequestServices.GetRequiredService<ResourceCatalog>();
        var options = context.RequestServices.GetRequiredService<IOptions<ControlPlaneOptions>>().Value;
        var path = ApiPath.Parse(rest);
        var method = context.Request.Method;

        switch (path.Shape)
        {
            case RouteShape.Groups when HttpMethods.IsGet(method):
                await Responses.WriteNodeAsync(context, Discovery.Groups(catalog.Kinds), 200);
                return;
            case RouteShape.GroupVersion when HttpMethods.IsGet(method):
                if (path.Group == ApiPath.PlatformGroup && path.Version == "v1")
                {
                    await Responses.WriteNodeAsync(context, new JsonObject
                    {
                        ["kind"] = "APIResourceList",
                        ["apiVersion"] = "v1",
                        ["groupVersion"] = $"{ApiPath.PlatformGroup}/v1",
                        ["resources"] = new JsonArray(new JsonObject { ["name"] = "apply", ["namespaced"] = false, ["kind"] = "ApplyResult", ["verbs"] = new JsonArray("create") }),
                    }, 200);
                    return;
                }
                if (Discovery.Resources(catalog.Kinds, path.Group, path.Version) is { } list)
                {
                    await Responses.WriteNodeAsync(context, list, 200);
                    return;
                }
                break;
            case RouteShape.Apply:
                if (!HttpMethods.IsPost(method)) { await MethodNotAllowed(context, "POST"); return; }
                await ApplyAsync(context, catalog, options);
                return;
            case RouteShape.Groups or RouteShape.GroupVersion:
                await MethodNotAllowed(context, "GET");
                return;
        }

        var kind = path.Shape is RouteShape.Unknown ? null : catalog.Kinds.FindByPath(path.Group, path.Version, path.Plural);
        if (kind is null)
        {
            await Responses.WriteErrorAsync(context, new ResourceError(StatusReason.NotFound, "the server could not find the requested resource"));
            return;
        }

        var ns = path.Namespace ?? "";
        if (path.Namespace is not null && Admission.NameRules.Dns1123Label(path.Namespace) is { } why)
        {
            // Refused for every verb: a list or a get in a namespace no object can have would only ever be empty.
            await Responses.WriteErrorAsync(context, new ResourceError(StatusReason.BadRequest, $"namespace \"{path.Namespace}\" in the path: {why}",
                Causes: [new StatusCause(Platform.Resources.Validation.FieldError.Invalid, why, "metadata.namespace")]));
            return;
        }
        switch (path.Shape, method.ToUpperInvariant())
        {
            case (RouteShape.AllNamespaces, "GET"):
                await ListOrWatchAsync(context, catalog, kind, null);
                break;
            case (RouteShape.Collection, "GET"):
                await ListOrWatchAsync(context, catalog, kind, ns);
                break;
            case (RouteShape.Collection, "POST"):
                await WithObjectBodyAsync(context, options, async body =>
                    await Answer(context, await catalog.CreateAsync(kind, ns, body, context.RequestAborted), 201));
                break;
            case (RouteShape.Object or RouteShape.Status, "GET"):
                if (catalog.Get(kind, ns, path.Name!) is { } found) await Responses.WriteObjectAsync(context, found, 200);
                else await Responses.WriteErrorAsync(context, ResourceError.NotFound(kind, path.Name!));
                break;
            case (RouteShape.Object or RouteShape.Status, "PUT"):
                await WithObjectBodyAsync(context, options, async body =>
                    await Answer(context, await catalog.ReplaceAsync(kind, ns, path.Name!, body, path.Shape == RouteShape.Status, context.RequestAborted), 200));
                break;
            case (RouteShape.Object or RouteShape.Status, "PATCH"):
                await PatchAsync(context, catalog, options, kind, ns, path.Name!, path.Shape == RouteShape.Status);
                break;
            case (RouteShape.Object, "DELETE"):
                var orphan = string.Equals(context.Request.Query["propagationPolicy"], "Orphan", StringComparison.OrdinalIgnoreCase);
                await Answer(context, await catalog.DeleteAsync(kind, ns, path.Name!, orphan, context.RequestAborted), 200);
                break;
            default:
                await MethodNotAllowed(context, path.Shape switch
                {
                    RouteShape.AllNamespaces => "GET",
                    RouteShape.Collection => "GET, POST",
                    RouteShape.Object => "GET, PUT, PATCH, DELETE",
                    _ => "GET, PUT, PATCH",
                });
                break;
        }
    }

    private static async Task ListOrWatchAsync(HttpContext context, ResourceCatalog catalog, ResourceKind kind, string? ns)
    {
        var query = context.Request.Query;
        if (!LabelSelector.TryParse(query["labelSelector"], out var selector, out var selectorError))
        {
            await Responses.WriteErrorAsync(context, ResourceError.BadRequest(selectorError!));
            return;
        }
        var watch = query["watch"].ToString() is "true" or "1" or "True";
        if (!watch)
        {
            var (items, version) = catalog.List(kind, ns, selector);
            await Responses.WriteListAsync(context, kind, items, version);
            return;
        }
        TimeSpan? timeout = null;
        if (query["timeoutSeconds"].ToString() is { Length: > 0 } ts)
        {
            if (!int.TryParse(ts, out var seconds) || seconds < 0)
            {
                await Responses.WriteErrorAsync(context, ResourceError.BadRequest($"invalid timeoutSeconds \"{ts}\": must be a non-negative integer"));
                return;
            }
            if (seconds > 0) timeout = TimeSpan.FromSeconds(seconds);
        }
        var (watcher, error) = catalog.Watch(new WatchFilter(kind, ns, selector.IsEmpty ? null : selector), query["resourceVersion"]);
        if (error is not null)
        {
            await Responses.WriteErrorAsync(context, error);
            return;
        }
        using (watcher) await WatchStream.WriteAsync(context, watcher!, timeout);
    }

    private static async Task PatchAsync(HttpContext context, ResourceCatalog catalog, ControlPlaneOptions options, ResourceKind kind, string ns, string name, bool status)
    {
        var (format, formatError) = RequestBodies.FormatOf(context.Request.ContentType, patch: true);
        if (formatError is not null) { await Responses.WriteErrorAsync(context, formatError); return; }
        var (text, readError) = await RequestBodies.ReadTextAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
        if (readError is not null) { await Responses.WriteErrorAsync(context, readError); return; }
        var (docs, parseError) = RequestBodies.Parse(text!, BodyFormat.Json);
        if (parseError is not null) { await Responses.WriteErrorAsync(context, parseError); return; }
        var patch = docs[0];
        if (format == BodyFormat.MergePatch && patch is not JsonObject)
        {
            await Responses.WriteErrorAsync(context, ResourceError.BadRequest($"a merge patch must be an object, not {RequestBodies.Describe(patch)}"));
            return;
        }
        var result = await catalog.PatchAsync(kind, ns, name, current =>
        {
            if (format == BodyFormat.MergePatch) return ((JsonObject)MergePatch.Apply(current, patch)!, null);
            var (patched, error) = JsonPatch.Apply(current, patch);
            if (error is not null) return (null, ResourceError.BadRequest($"the JSON patch cannot be applied: {error}"));
            return patched is JsonObject obj ? (obj, null) : (null, ResourceError.BadRequest("the JSON patch must leave an object"));
        }, status, context.RequestAborted);
        await Answer(context, result, 200);
    }

    private static async Task ApplyAsync(HttpContext context, ResourceCatalog catalog, ControlPlaneOptions options)
    {
        var (format, formatError) = RequestBodies.FormatOf(context.Request.ContentType, patch: false);
        if (formatError is not null) { await Responses.WriteErrorAsync(context, formatError); return; }
        var (text, readError) = await RequestBodies.ReadTextAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
        if (readError is not null) { await Responses.WriteErrorAsync(context, readError); return; }
        var (docs, parseError) = RequestBodies.Parse(text!, format);
        if (parseError is not null) { await Responses.WriteErrorAsync(context, parseError); return; }

        // A JSON array or a Kubernetes List stands for its items.
        var objects = new List<JsonObject>();
        foreach (var doc in docs)
        {
            var items = doc is JsonArray arr ? arr.ToList()
                : doc is JsonObject { } o && o.Str("kind") == "List" && o["items"] is JsonArray listItems ? listItems.ToList()
                : [doc];
            foreach (var item in items)
            {
                if (item is not JsonObject obj)
                {
                    await Responses.WriteErrorAsync(context, ResourceError.BadRequest($"document {objects.Count} must be an object, not {RequestBodies.Describe(item)}"));
                    return;
                }
                objects.Add(obj);
            }
        }
        if (objects.Count == 0) { await Responses.WriteErrorAsync(context, ResourceError.BadRequest("the request body holds no document")); return; }
        var ns = context.Request.Query["namespace"].ToString() is { Length: > 0 } q ? q : options.DefaultNamespace;
        var (applied, error) = await catalog.ApplyAsync(objects, ns, context.RequestAborted);
        if (error is not null) { await Responses.WriteErrorAsync(context, error); return; }
        var result = new JsonObject
        {
            ["apiVersion"] = $"{ApiPath.PlatformGroup}/v1",
            ["kind"] = "ApplyResult",
            ["items"] = new JsonArray(applied!.Select(a => (JsonNode)new JsonObject { ["action"] = a.Action, ["object"] = a.Object.Clone() }).ToArray()),
        };
        await Responses.WriteNodeAsync(context, result, 200);
    }

    private static async Task WithObjectBodyAsync(HttpContext context, ControlPlaneOptions options, Func<JsonObject, Task> next)
    {
        var (format, formatError) = RequestBodies.FormatOf(context.Request.ContentType, patch: false);
        if (formatError is not null) { await Responses.WriteErrorAsync(context, formatError); return; }
        var (text, readError) = await RequestBodies.ReadTextAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
        if (readError is not null) { await Responses.WriteErrorAsync(context, readError); return; }
        var (docs, parseError) = RequestBodies.Parse(text!, format);
        if (parseError is not null) { await Responses.WriteErrorAsync(context, parseError); return; }
        var (obj, shapeError) = RequestBodies.SingleObject(docs);
        if (shapeError is not null) { await Responses.WriteErrorAsync(context, shapeError); return; }
        await next(obj!);
    }

    private static Task Answer(HttpContext context, WriteResult result, int successCode) =>
        result.Error is { } error
            ? Responses.WriteErrorAsync(context, error)
            : Responses.WriteObjectAsync(context, result.Object!, result.Action == WriteAction.Created ? 201 : successCode == 201 ? 201 : 200);

    private static Task MethodNotAllowed(HttpContext context, string allow)
    {
        context.Response.Headers.Allow = allow;
        return Responses.WriteErrorAsync(context, new ResourceError(StatusReason.MethodNotAllowed,
            $"the server does not allow the method {context.Request.Method} on this resource (allowed: {allow})"));
    }
}
