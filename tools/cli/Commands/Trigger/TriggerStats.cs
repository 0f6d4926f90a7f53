using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Cli.Commands.Trigger;

/// <summary>
/// The loss accounting shown by <c>trigger describe</c>: the broker serving the trigger answers
/// <c>GET /stats/triggers/{ns}/{name}</c> on its ingress host (the broker's <c>status.address.url</c>) with the
/// trigger's accepted, delivered, retried, dead-lettered, dropped and in-flight counts since that broker process
/// started. When the broker cannot be reached the section says why; describe itself still succeeds.
/// </summary>
internal static class TriggerStats
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>The "Delivery" section for <paramref name="trigger"/>.</summary>
    public static async Task<string> DescribeAsync(IResourceStore client, JsonObject trigger, CancellationToken cancel)
    {
        var ns = trigger.StringAt("metadata.namespace") ?? "default";
        var name = trigger.StringAt("metadata.name") ?? "";
        var brokerName = trigger.StringAt("spec.broker") is { Length: > 0 } b ? b : "default";
        try
        {
            var broker = await client.GetAsync(ResourceKinds.Knative.FindByKind("eventing.knative.dev/v1", "Broker")!, ns, brokerName, cancel).ConfigureAwait(false);
            if (broker?.StringAt("status.address.url") is not { } address || !Uri.TryCreate(address, UriKind.Absolute, out var url))
                return Render(null, $"broker {ns}/{brokerName} has no address yet");
            var stats = new Uri(url, $"/stats/triggers/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}");
            using var response = await Http.GetAsync(stats, cancel).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return Render(null, $"{stats} answered {(int)response.StatusCode}: {(JsonNode.Parse(body) as JsonObject)?["detail"] ?? body}");
            return Render(JsonNode.Parse(body) as JsonObject, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or ResourceException)
        {
            return Render(null, e.Message);
        }
    }

    /// <summary>Pure: the section from the broker's answer (<c>{since, stats}</c>), or why there is none.</summary>
    public static string Render(JsonObject? answer, string? unavailable)
    {
        var text = new StringBuilder().AppendLine();
        if (answer?["stats"] is not JsonObject stats)
        {
            text.AppendLine($"Delivery:  not available ({unavailable ?? "no stats in the broker's answer"})");
            return text.ToString();
        }
        var since = answer["since"]?.ToString();
        text.AppendLine($"Delivery (since the broker started{(since is null ? "" : " at " + since)}):");
        foreach (var (label, field) in new[]
                 {
                     ("Accepted", "accepted"), ("Delivered", "delivered"), ("Retried", "retried"), ("Dead-lettered", "deadLettered"),
                     ("Dropped", "dropped"), ("In flight", "inFlight"), ("Redelivered", "redelivered"), ("Outstanding", "outstanding"),
                 })
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {label + ":",-15}{stats[field]?.ToString() ?? "?"}"));
        return text.ToString();
    }
}
