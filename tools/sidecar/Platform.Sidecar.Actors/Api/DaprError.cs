using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Platform.Sidecar.Actors.Api;

/// <summary>Dapr's error body, <c>{"errorCode": "...", "message": "..."}</c>, with the codes the actor API uses.</summary>
internal static class DaprError
{
    public const string InstanceMissing = "ERR_ACTOR_INSTANCE_MISSING";
    public const string InvokeMethod = "ERR_ACTOR_INVOKE_METHOD";
    public const string StateGet = "ERR_ACTOR_STATE_GET";
    public const string StateTransaction = "ERR_ACTOR_STATE_TRANSACTION_SAVE";
    public const string TimerCreate = "ERR_ACTOR_TIMER_CREATE";
    public const string ReminderCreate = "ERR_ACTOR_REMINDER_CREATE";
    public const string ReminderGet = "ERR_ACTOR_REMINDER_GET";
    public const string ReminderDelete = "ERR_ACTOR_REMINDER_DELETE";
    public const string RuntimeNotFound = "ERR_ACTOR_RUNTIME_NOT_FOUND";
    public const string Malformed = "ERR_MALFORMED_REQUEST";

    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("errorCode", code);
        writer.WriteString("message", message);
        writer.WriteEndObject();
    }
}
