using System.Text;
using System.Text.Json;
using Platform.Sidecar.Components;
using Platform.Sidecar.Core.State;
using Platform.Sidecar.Hosting;
using Platform.Sidecar.PubSub;

namespace Platform.Sidecar.State;

/// <summary>
/// Dapr's HTTP state API: <c>GET/DELETE /v1.0/state/{store}/{key}</c>, <c>POST /v1.0/state/{store}</c>,
/// <c>POST /v1.0/state/{store}/bulk</c> and <c>POST /v1.0/state/{store}/transaction</c>. Values are stored as the
/// JSON given (as daprd does), so HTTP and gRPC clients read each other's state.
/// </summary>
internal static class StateEndpoints
{
    /// <summary>Maps the state API.</summary>
    public static IEndpointRouteBuilder MapStateApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1.0/state/{store}/{**key}", GetAsync);
        endpoints.MapDelete("/v1.0/state/{store}/{**key}", DeleteAsync);
        endpoints.MapPost("/v1.0/state/{store}", SaveAsync);
        endpoints.MapPost("/v1.0/state/{store}/bulk", BulkGetAsync);
        endpoints.MapPost("/v1.0/state/{store}/transaction", TransactAsync);
        return endpoints;
    }

    /// <summary>The store named <paramref name="name"/> with the app's key prefix, or the Dapr error to answer.</summary>
    public static (PrefixedStore? Store, DaprError? Error) Resolve(LoadedComponents components, SidecarOptions options, string name)
    {
        if (components.StateStores.Count == 0) return (null, DaprError.StoresNotConfigured());
        var store = components.StateStore(name);
        if (store is null) return (null, DaprError.StoreNotFound(name));
        var prefix = components.Resources.Components.FirstOrDefault(c => c.Name == name)?.Get("keyPrefix");
        return (new PrefixedStore(store, options.AppId, prefix), null);
    }

    private static async Task<IResult> GetAsync(string store, string key, LoadedComponents components, SidecarOptions options, HttpResponse response, CancellationToken cancellationToken)
    {
        var (s, error) = Resolve(components, options, store);
        if (s is null) return error!.ToResult();
        try
        {
            var item = await s.Store.GetAsync(s.Key(key), cancellationToken).ConfigureAwait(false);
            if (item is null) return Results.NoContent();
            response.Headers.ETag = item.ETag;
            return Results.Bytes(item.Value, "application/json");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new DaprError(500, "ERR_STATE_GET", $"fail to get {key} from state store {store}: {e.Message}").ToResult();
        }
    }

    private static async Task<IResult> DeleteAsync(string store, string key, HttpRequest request, LoadedComponents components, SidecarOptions options, CancellationToken cancellationToken)
    {
        var (s, error) = Resolve(components, options, store);
        if (s is null) return error!.ToResult();
        var lastWrite = request.Query["concurrency"] == "last-write";
        try
        {
            await s.Store.DeleteAsync(s.Key(key), StateKeys.ETag(request.Headers.IfMatch.FirstOrDefault(), lastWrite), cancellationToken).ConfigureAwait(false);
            return Results.NoContent();
        }
        catch (ETagMismatchException e)
        {
            return new DaprError(409, "ERR_STATE_DELETE", $"failed deleting state with key {key}: {e.Message}").ToResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new DaprError(500, "ERR_STATE_DELETE", $"failed deleting state with key {key}: {e.Message}").ToResult();
        }
    }

    private static async Task<IResult> SaveAsync(string store, HttpRequest request, LoadedComponents components, SidecarOptions options, CancellationToken cancellationToken)
    {
        var (s, error) = Resolve(components, options, store);
        if (s is null) return error!.ToResult();
        var body = await PublishEndpoints.ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        List<(string Key, byte[] Value, string? ETag)> items = [];
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return DaprError.Malformed("body: expected a JSON array of {key, value}").ToResult();
            var i = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var at = $"[{i++}]";
                if (!TryKey(e, out var key)) return DaprError.Malformed($"{at}.key: is required").ToResult();
                items.Add((key, Value(e), StateKeys.ETag(Str(e, "etag"), IsLastWrite(e))));
            }
        }
        catch (JsonException e)
        {
            return DaprError.Malformed("body: " + e.Message).ToResult();
        }
        foreach (var (key, value, etag) in items)
        {
            try
            {
                await s.Store.SetAsync(s.Key(key), value, etag, cancellationToken).ConfigureAwait(false);
            }
            catch (ETagMismatchException e)
            {
                return new DaprError(409, "ERR_STATE_SAVE", $"failed saving state in state store {store}: {e.Message}").ToResult();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new DaprError(500, "ERR_STATE_SAVE", $"failed saving state in state store {store}: {e.Message}").ToResult();
            }
        }
        return Results.NoContent();
    }

    private static async Task<IResult> BulkGetAsync(string store, HttpRequest request, LoadedComponents components, SidecarOptions options, CancellationToken cancellationToken)
    {
        var (s, error) = Resolve(components, options, store);
        if (s is null) return error!.ToResult();
        var body = await PublishEndpoints.ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        List<string> keys = [];
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("keys", out var k) || k.ValueKind != JsonValueKind.Array) return DaprError.Malformed("keys: expected an array of keys").ToResult();
            keys.AddRange(k.EnumerateArray().Select(x => x.GetString() ?? ""));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return DaprError.Malformed("body: " + e.Message).ToResult();
        }
        var items = await Task.WhenAll(keys.Select(async key =>
        {
            try
            {
                var item = await s.Store.GetAsync(s.Key(key), cancellationToken).ConfigureAwait(false);
                return new BulkItem(key, item is null ? null : JsonData(item.Value), item?.ETag, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new BulkItem(key, null, null, e.Message);
            }
        })).ConfigureAwait(false);
        return Results.Json(items, BulkJson);
    }

    private static async Task<IResult> TransactAsync(string store, HttpRequest request, LoadedComponents components, SidecarOptions options, CancellationToken cancellationToken)
    {
        var (s, error) = Resolve(components, options, store);
        if (s is null) return error!.ToResult();
        var body = await PublishEndpoints.ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        var operations = new List<StateOperation>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("operations", out var ops) || ops.ValueKind != JsonValueKind.Array)
                return DaprError.Malformed("operations: expected an array").ToResult();
            var i = 0;
            foreach (var op in ops.EnumerateArray())
            {
                var at = $"operations[{i++}]";
                var kind = Str(op, "operation") switch
                {
                    "upsert" => StateOperationKind.Upsert,
                    "delete" => StateOperationKind.Delete,
                    null => throw new BadRequest($"{at}.operation: is required (upsert or delete)"),
                    var other => throw new BadRequest($"{at}.operation: '{other}' is not upsert or delete"),
                };
                if (!op.TryGetProperty("request", out var r) || r.ValueKind != JsonValueKind.Object) throw new BadRequest($"{at}.request: is required");
                if (!TryKey(r, out var key)) throw new BadRequest($"{at}.request.key: is required");
                operations.Add(new StateOperation(kind, s.Key(key), kind == StateOperationKind.Upsert ? Value(r) : null, StateKeys.ETag(Str(r, "etag"), IsLastWrite(r))));
            }
        }
        catch (JsonException e)
        {
            return DaprError.Malformed("body: " + e.Message).ToResult();
        }
        catch (BadRequest e)
        {
            return DaprError.Malformed(e.Message).ToResult();
        }
        try
        {
            await s.Store.TransactAsync(operations, cancellationToken).ConfigureAwait(false);
            return Results.NoContent();
        }
        catch (ETagMismatchException e)
        {
            return new DaprError(409, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {e.Message}").ToResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new DaprError(500, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {e.Message}").ToResult();
        }
    }

    private static bool TryKey(JsonElement e, out string key)
    {
        key = Str(e, "key") ?? "";
        return key.Length > 0;
    }

    private static byte[] Value(JsonElement e) =>
        e.TryGetProperty("value", out var v) ? Encoding.UTF8.GetBytes(v.GetRawText()) : [];

    private static bool IsLastWrite(JsonElement e) =>
        e.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Object && Str(o, "concurrency") == "last-write";

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind == JsonValueKind.Null ? null : v.GetRawText() : null;

    private static JsonElement? JsonData(byte[] value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            using var doc = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(Encoding.UTF8.GetString(value)));
            return doc.RootElement.Clone();
        }
    }

    private sealed record BulkItem(string Key, JsonElement? Data, string? Etag, string? Error);

    private static readonly JsonSerializerOptions BulkJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private sealed class BadRequest(string message) : Exception(message);
}
