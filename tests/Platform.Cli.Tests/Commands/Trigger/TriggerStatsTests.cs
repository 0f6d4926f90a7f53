using System.Text.Json.Nodes;
using Platform.Cli.Commands.Trigger;

namespace Platform.Cli.Tests.Commands.Trigger;

public class TriggerStatsTests
{
    [Theory]
    [InlineData("""{"since":"2026-01-01T00:00:00Z","stats":{"accepted":10,"delivered":7,"retried":3,"deadLettered":1,"dropped":0,"inFlight":2,"redelivered":0,"outstanding":2}}""", null,
        "Delivery (since the broker started at 2026-01-01T00:00:00Z):|  Accepted:      10|  Delivered:     7|  Retried:       3|  Dead-lettered: 1|  Dropped:       0|  In flight:     2|  Redelivered:   0|  Outstanding:   2")]
    [InlineData(null, "Connection refused (127.0.0.1:5300)", "Delivery:  not available (Connection refused (127.0.0.1:5300))")]
    [InlineData("""{"detail":"x"}""", null, "Delivery:  not available (no stats in the broker's answer)")]
    public void Render_shows_the_counters_or_why_there_are_none(string? answer, string? unavailable, string want)
    {
        var text = TriggerStats.Render(answer is null ? null : JsonNode.Parse(answer) as JsonObject, unavailable);
        Assert.Equal(want.Split('|'), text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
