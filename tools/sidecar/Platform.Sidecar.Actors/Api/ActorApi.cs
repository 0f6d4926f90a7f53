using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Sidecar.Actors.Activation;
using Platform.Sidecar.Actors.Hosting;
using Platform.Sidecar.Actors.Invocation;
using Platform.Sidecar.Actors.Placement;
using Platform.Sidecar.Actors.Reminders;
using Platform.Sidecar.Actors.Scheduling;
using Platform.Sidecar.Actors.State;
using Platform.Sidecar.Actors.Timers;
using Platform.Sidecar.Core.State;

namespace Platform.Sidecar.Actors.Api;

/// <summary>
/// Dapr's HTTP actor API (<c>/v1.0/actors/{type}/{id}/...</c>): method calls, state, timers and reminders. Calls for
/// an actor another sidecar hosts are forwarded there; state is served from the shared actor state store.
/// </summary>
internal sealed class ActorApi(
    ActorRuntimeOptions options,
    ActorConfigSource config,
    ActorDirectory directory,
    ActorInvoker invoker,
    ActorForwarder forwarder,
    ActorStateStore stateStore,
    ActorTimers timers,
    ActorReminders reminders,
    TimeProvider time,
    ILogger<ActorApi> logger)
{
    private const string ErrorResponseHeader = "X-DaprErrorResponseHeader";

    public async Task InvokeMethodAsync(HttpContext context)
    {
        var key = Key(context);
        if (!await IsLocalOrForwardedAsync(context, key).ConfigureAwait(false)) return;
        var request = context.Request;
        var headers = new List<KeyValuePair<string, string[]>>(request.Headers.Count);
        foreach (var (name, values) in request.Headers)
            if (!ActorInvoker.HopByHop.Contains(name)) headers.Add(new(name, values.ToArray()!));
        var method = (string)context.Request.RouteValues["method"]!;
        var reply = await invoker.InvokeAsync(key, "method/" + Uri.EscapeDataString(method), () =>
        {
            var content = new StreamContent(request.Body);
            content.Headers.ContentLength = request.ContentLength;
            return content;
        }, headers, ReentrancyId(context), context.RequestAborted).ConfigureAwait(false);

        switch (reply.Outcome)
        {
            case AppCallOutcome.Unreachable:
            case AppCallOutcome.StackTooDeep:
                await DaprError.WriteAsync(context, 500, DaprError.InvokeMethod, reply.Error!).ConfigureAwait(false);
                return;
        }
        // The SDKs signal actor exceptions with X-DaprErrorResponseHeader: pass those through untouched, like daprd.
        if (!reply.IsSuccess && !reply.Headers.Any(h => h.Key.Equals(ErrorResponseHeader, StringComparison.OrdinalIgnoreCase)))
        {
            await DaprError.WriteAsync(context, 500, DaprError.InvokeMethod,
                $"error from actor service: ({reply.StatusCode}) {Encoding.UTF8.GetString(reply.Body)}").ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = reply.StatusCode;
        foreach (var (name, values) in reply.Headers) context.Response.Headers[name] = values;
        context.Response.ContentLength = reply.Body.Length;
        await context.Response.Body.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
    }

    public async Task GetStateAsync(HttpContext context)
    {
        var key = Key(context);
        if (stateStore.Store is not { } store)
        {
            await NoStateStoreAsync(context, DaprError.StateGet).ConfigureAwait(false);
            return;
        }
        var name = (string)context.Request.RouteValues["key"]!;
        StateItem? item;
        try
        {
            item = await store.GetAsync(ActorStateStore.Key(options.AppId, key.Type, key.Id, name), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DaprError.WriteAsync(context, 500, DaprError.StateGet, $"error getting actor state {key}/{name}: {e.Message}").ConfigureAwait(false);
            return;
        }
        if (item is null || item.Value.Length == 0)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers.ETag = item.ETag;
        context.Response.ContentLength = item.Value.Length;
        await context.Response.Body.WriteAsync(item.Value, context.RequestAborted).ConfigureAwait(false);
    }

    public async Task SaveStateAsync(HttpContext context)
    {
        var key = Key(context);
        if (stateStore.Store is not { } store)
        {
            await NoStateStoreAsync(context, DaprError.StateTransaction).ConfigureAwait(false);
            return;
        }
        using var json = await ReadJsonAsync(context).ConfigureAwait(false);
        if (json is null) return;
        var (operations, error) = ActorStateRequest.Parse(json.RootElement, k => ActorStateStore.Key(options.AppId, key.Type, key.Id, k));
        if (error is not null)
        {
            await DaprError.WriteAsync(context, 400, DaprError.Malformed, error).ConfigureAwait(false);
            return;
        }
        try
        {
            await store.TransactAsync(operations!, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DaprError.WriteAsync(context, 500, DaprError.StateTransaction, $"error saving the state of actor {key}: {e.Message}").ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task CreateTimerAsync(HttpContext context)
    {
        var key = Key(context);
        if (!await IsLocalOrForwardedAsync(context, key).ConfigureAwait(false)) return;
        var name = (string)context.Request.RouteValues["name"]!;
        using var json = await ReadJsonAsync(context).ConfigureAwait(false);
        if (json is null) return;
        var body = json.RootElement;
        var (dueTime, period, ttl) = (Text(body, "dueTime"), Text(body, "period"), Text(body, "ttl"));
        var parsed = ActorSchedule.Parse(dueTime, period, ttl, time.GetUtcNow());
        if (parsed.Schedule is null)
        {
            await DaprError.WriteAsync(context, 400, DaprError.Malformed, $"timer {key}/{name}: {parsed.Error}").ConfigureAwait(false);
            return;
        }
        timers.Start(key, name, parsed.Schedule, TimerCallbackBody(body, dueTime, period));
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task DeleteTimerAsync(HttpContext context)
    {
        var key = Key(context);
        if (!await IsLocalOrForwardedAsync(context, key).ConfigureAwait(false)) return;
        timers.Stop(key, (string)context.Request.RouteValues["name"]!);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task CreateReminderAsync(HttpContext context)
    {
        var key = Key(context);
        if (!await IsLocalOrForwardedAsync(context, key).ConfigureAwait(false)) return;
        if (!reminders.IsAvailable)
        {
            await NoStateStoreAsync(context, DaprError.ReminderCreate).ConfigureAwait(false);
            return;
        }
        var name = (string)context.Request.RouteValues["name"]!;
        using var json = await ReadJsonAsync(context).ConfigureAwait(false);
        if (json is null) return;
        var body = json.RootElement;
        var (dueTime, period, ttl) = (Text(body, "dueTime"), Text(body, "period"), Text(body, "ttl"));
        var parsed = ActorSchedule.Parse(dueTime, period, ttl, time.GetUtcNow());
        if (parsed.Schedule is null)
        {
            await DaprError.WriteAsync(context, 400, DaprError.Malformed, $"reminder {key}/{name}: {parsed.Error}").ConfigureAwait(false);
            return;
        }
        JsonElement? data = body.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
        try
        {
            await reminders.RegisterAsync(key, name, parsed.Schedule, dueTime, period, ttl, data, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DaprError.WriteAsync(context, 500, DaprError.ReminderCreate, $"error creating reminder {key}/{name}: {e.Message}").ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task GetReminderAsync(HttpContext context)
    {
        var key = Key(context);
        if (!reminders.IsAvailable)
        {
            await NoStateStoreAsync(context, DaprError.ReminderGet).ConfigureAwait(false);
            return;
        }
        ReminderRecord? record;
        try
        {
            record = await reminders.GetAsync(key, (string)context.Request.RouteValues["name"]!, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DaprError.WriteAsync(context, 500, DaprError.ReminderGet, $"error getting a reminder of {key}: {e.Message}").ConfigureAwait(false);
            return;
        }
        // A missing reminder is 200 with "null", which is what the SDKs read as "no reminder".
        var body = record?.ApiBody() ?? "null"u8.ToArray();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    public async Task DeleteReminderAsync(HttpContext context)
    {
        var key = Key(context);
        if (!await IsLocalOrForwardedAsync(context, key).ConfigureAwait(false)) return;
        if (!reminders.IsAvailable)
        {
            await NoStateStoreAsync(context, DaprError.ReminderDelete).ConfigureAwait(false);
            return;
        }
        try
        {
            await reminders.DeleteAsync(key, (string)context.Request.RouteValues["name"]!, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DaprError.WriteAsync(context, 500, DaprError.ReminderDelete, $"error deleting a reminder of {key}: {e.Message}").ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// True when this sidecar serves the actor; otherwise the request has been answered (forwarded to the hosting
    /// sidecar, or an error when no sidecar hosts the type).
    /// </summary>
    private async ValueTask<bool> IsLocalOrForwardedAsync(HttpContext context, ActorKey key)
    {
        var loaded = await config.GetAsync(options.ConfigPatience, context.RequestAborted).ConfigureAwait(false);
        if (context.Request.Headers.ContainsKey(ActorForwarder.ForwardedHeader))
        {
            // Forwarded by a sidecar whose registry snapshot says we host it: serve it if our app has the type at all.
            if (loaded.Hosts(key.Type)) return true;
            await MissingAsync(context, key).ConfigureAwait(false);
            return false;
        }
        var route = await directory.RouteAsync(key.Type, key.Id, context.RequestAborted).ConfigureAwait(false);
        if (route.IsLocal) return true;
        if (route.Host is not { } host)
        {
            await MissingAsync(context, key).ConfigureAwait(false);
            return false;
        }
        if (!await forwarder.ForwardAsync(context, host, context.RequestAborted).ConfigureAwait(false))
        {
            ActorLog.ForwardFailed(logger, key.Type, key.Id, host.SidecarHttpEndpoint, new HttpRequestException("unreachable"));
            await DaprError.WriteAsync(context, 500, DaprError.InvokeMethod,
                $"the sidecar hosting actor {key} ({host.AppId} at {host.SidecarHttpEndpoint}) could not be reached").ConfigureAwait(false);
        }
        return false;
    }

    private static Task MissingAsync(HttpContext context, ActorKey key) =>
        DaprError.WriteAsync(context, 500, DaprError.InstanceMissing, $"did not find address for actor {key}: no running app hosts actor type '{key.Type}'");

    private static Task NoStateStoreAsync(HttpContext context, string code) =>
        DaprError.WriteAsync(context, 500, code,
            "actor state store not configured: set metadata actorStateStore: \"true\" on one state store component");

    private static ActorKey Key(HttpContext context) =>
        new((string)context.Request.RouteValues["actorType"]!, (string)context.Request.RouteValues["actorId"]!);

    private static string? ReentrancyId(HttpContext context) =>
        context.Request.Headers.TryGetValue(ActorInvoker.ReentrancyHeader, out var v) && !string.IsNullOrEmpty(v) ? v.ToString() : null;

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Reads a JSON body (empty counts as <c>{}</c>); answers 400 and returns null when it is not JSON.</summary>
    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0) return JsonDocument.Parse("{}");
        try
        {
            return JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException e)
        {
            await DaprError.WriteAsync(context, 400, DaprError.Malformed, $"the request body is not valid JSON: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>The body of a timer's callback: <c>{callback?, data, dueTime, period}</c>.</summary>
    private static byte[] TimerCallbackBody(JsonElement request, string? dueTime, string? period)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (Text(request, "callback") is { } callback) writer.WriteString("callback", callback);
            writer.WritePropertyName("data");
            if (request.TryGetProperty("data", out var data)) data.WriteTo(writer);
            else writer.WriteNullValue();
            writer.WriteString("dueTime", dueTime ?? "");
            writer.WriteString("period", period ?? "");
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
