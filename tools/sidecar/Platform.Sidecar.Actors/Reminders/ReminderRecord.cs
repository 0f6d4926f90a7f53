using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Sidecar.Actors.Scheduling;

namespace Platform.Sidecar.Actors.Reminders;

/// <summary>
/// A reminder as persisted in the actor state store: the strings the app registered (sent back verbatim on each
/// firing, as daprd does) and the absolute schedule computed at registration, plus progress for bounded reminders.
/// </summary>
internal sealed record ReminderRecord
{
    public required string ActorId { get; init; }
    public required string Name { get; init; }
    public string? DueTime { get; init; }
    public string? Period { get; init; }
    public string? Ttl { get; init; }
    public JsonElement? Data { get; init; }
    public required DateTimeOffset FirstDue { get; init; }
    public TimeSpan? Every { get; init; }
    public int? Repetitions { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public int Fired { get; init; }
    public DateTimeOffset? LastFired { get; init; }

    /// <summary>Tells a re-registration (same name, new schedule) apart from the reminder it replaces.</summary>
    public required string RegistrationId { get; init; }

    [JsonIgnore]
    public ActorSchedule Schedule => new(FirstDue, Every, Repetitions, ExpiresAt);

    /// <summary>The body of <c>PUT /actors/{type}/{id}/method/remind/{name}</c>: <c>{data, dueTime, period}</c>.</summary>
    public byte[] CallbackBody()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("data");
            if (Data is { } data) data.WriteTo(writer);
            else writer.WriteNullValue();
            writer.WriteString("dueTime", DueTime ?? "");
            writer.WriteString("period", Period ?? "");
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The answer of <c>GET …/reminders/{name}</c>: <c>{dueTime, period, data, ttl}</c>.</summary>
    public byte[] ApiBody()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("dueTime", DueTime ?? "");
            writer.WriteString("period", Period ?? "");
            writer.WritePropertyName("data");
            if (Data is { } data) data.WriteTo(writer);
            else writer.WriteNullValue();
            if (Ttl is not null) writer.WriteString("ttl", Ttl);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

/// <summary>All reminders of one actor type, the value stored under <c>actors||{type}</c>.</summary>
internal sealed record ReminderSet(List<ReminderRecord> Reminders)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
