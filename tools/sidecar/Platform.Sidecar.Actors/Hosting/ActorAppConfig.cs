using System.Text.Json;
using Platform.Sidecar.Actors.Scheduling;

namespace Platform.Sidecar.Actors.Hosting;

/// <summary>Reentrancy settings (<c>reentrancy</c> of <c>GET /dapr/config</c>).</summary>
/// <param name="Enabled">Calls carrying the lock holder's <c>Dapr-Reentrancy-Id</c> enter without waiting (default false).</param>
/// <param name="MaxStackDepth">Deepest nesting of reentrant calls (default 32).</param>
internal sealed record ActorReentrancy(bool Enabled, int MaxStackDepth)
{
    /// <summary>Reentrancy off, Dapr's default.</summary>
    public static readonly ActorReentrancy Disabled = new(false, 32);
}

/// <summary>Settings of one actor type: the app's defaults overridden by its <c>entitiesConfig</c> entry.</summary>
/// <param name="IdleTimeout"><c>actorIdleTimeout</c> (default 60m).</param>
/// <param name="Reentrancy"><c>reentrancy</c> (default off).</param>
internal sealed record ActorTypeSettings(TimeSpan IdleTimeout, ActorReentrancy Reentrancy);

/// <summary>What the app answers on <c>GET /dapr/config</c>: the actor types it hosts and how to run them.</summary>
/// <param name="Entities">Actor types the app hosts.</param>
/// <param name="Defaults">Settings for types without an <c>entitiesConfig</c> entry.</param>
/// <param name="ScanInterval"><c>actorScanInterval</c>: how often idle actors are looked for (default 30s).</param>
/// <param name="DrainOngoingCallTimeout"><c>drainOngoingCallTimeout</c> (default 60s).</param>
/// <param name="DrainRebalancedActors"><c>drainRebalancedActors</c> (default true).</param>
/// <param name="PerType">Settings from <c>entitiesConfig</c>, by type.</param>
internal sealed record ActorAppConfig(
    IReadOnlyList<string> Entities,
    ActorTypeSettings Defaults,
    TimeSpan ScanInterval,
    TimeSpan DrainOngoingCallTimeout,
    bool DrainRebalancedActors,
    IReadOnlyDictionary<string, ActorTypeSettings> PerType)
{
    /// <summary>Dapr's default idle timeout.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(60);

    /// <summary>Dapr's default scan interval.</summary>
    public static readonly TimeSpan DefaultScanInterval = TimeSpan.FromSeconds(30);

    /// <summary>An app that hosts no actors (it has no <c>/dapr/config</c>).</summary>
    public static readonly ActorAppConfig None = new([], new ActorTypeSettings(DefaultIdleTimeout, ActorReentrancy.Disabled),
        DefaultScanInterval, TimeSpan.FromSeconds(60), true, new Dictionary<string, ActorTypeSettings>());

    /// <summary>The settings of <paramref name="actorType"/>.</summary>
    public ActorTypeSettings For(string actorType) => PerType.TryGetValue(actorType, out var s) ? s : Defaults;

    /// <summary>True when the app hosts <paramref name="actorType"/>.</summary>
    public bool Hosts(string actorType) => Entities.Contains(actorType, StringComparer.Ordinal);

    /// <summary>Reads the app's answer; unknown or malformed optional fields fall back to Dapr's defaults.</summary>
    public static ActorAppConfig Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return None;
        var entities = Strings(root, "entities");
        var defaults = Settings(root, new ActorTypeSettings(DefaultIdleTimeout, ActorReentrancy.Disabled));
        var perType = new Dictionary<string, ActorTypeSettings>(StringComparer.Ordinal);
        if (root.TryGetProperty("entitiesConfig", out var configs) && configs.ValueKind == JsonValueKind.Array)
        {
            foreach (var config in configs.EnumerateArray())
            {
                var settings = Settings(config, defaults);
                foreach (var type in Strings(config, "entities")) perType[type] = settings;
            }
        }
        return new ActorAppConfig(
            entities,
            defaults,
            Duration(root, "actorScanInterval") ?? DefaultScanInterval,
            Duration(root, "drainOngoingCallTimeout") ?? TimeSpan.FromSeconds(60),
            !root.TryGetProperty("drainRebalancedActors", out var drain) || drain.ValueKind != JsonValueKind.False,
            perType);
    }

    private static ActorTypeSettings Settings(JsonElement element, ActorTypeSettings fallback)
    {
        var reentrancy = fallback.Reentrancy;
        if (element.TryGetProperty("reentrancy", out var r) && r.ValueKind == JsonValueKind.Object)
        {
            var enabled = r.TryGetProperty("enabled", out var e) && e.ValueKind == JsonValueKind.True;
            var depth = r.TryGetProperty("maxStackDepth", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var n) && n > 0
                ? n : ActorReentrancy.Disabled.MaxStackDepth;
            reentrancy = new ActorReentrancy(enabled, depth);
        }
        return new ActorTypeSettings(Duration(element, "actorIdleTimeout") ?? fallback.IdleTimeout, reentrancy);
    }

    private static TimeSpan? Duration(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && ActorDuration.TryParse(value.GetString(), out var d) && d > TimeSpan.Zero ? d : null;

    private static List<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)
                .Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList()
            : [];
}
