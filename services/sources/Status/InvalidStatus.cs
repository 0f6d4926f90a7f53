using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Resources.Caching;
using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;

namespace Platform.Sources.Status;

/// <summary>Statuses of objects that do not fit the model, and reading stored conditions back. Pure.</summary>
internal static class InvalidStatus
{
    /// <summary>Ready=False <c>InvalidSpec</c> with why the object could not be read.</summary>
    public static SourceStatus For(CachedObject o, DateTimeOffset now)
    {
        var status = new SourceStatus();
        status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, "InvalidSpec", o.ReadError ?? "the object does not fit the model");
        return status;
    }

    /// <summary>A stored condition as the typed model, or null.</summary>
    public static Condition? Condition(JsonObject? stored) =>
        stored is null ? null : stored.Deserialize<Condition>(ResourceSerializer.Default.JsonOptions);
}
