using System.Net;
using Platform.Broker.Resources;
using Platform.Broker.Tests.Infrastructure;

namespace Platform.Broker.Tests.EndToEnd;

/// <summary>The per-trigger limits (annotations) enforced over the real sidecar and Redis.</summary>
[Collection(EventingCollection.Name)]
public sealed class BackpressureTests(EventingTopology topology)
{
    private async Task<Uri> TriggerAsync(string ns, string annotations, Uri subscriber)
    {
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {{name: default, namespace: {ns}}}\n");
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: limited, namespace: {ns}, annotations: {annotations}}}\nspec:\n  broker: default\n  subscriber: {{uri: '{subscriber}'}}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "limited");
        return new Uri(topology.Ingress, $"{ns}/default");
    }

    [SkippableFact]
    public async Task A_trigger_never_has_more_deliveries_in_flight_than_its_max_in_flight_annotation()
    {
        topology.SkipIfUnavailable();
        var now = 0;
        var peak = 0;
        await using var sink = await EventSink.StartAsync(async (_, _, context) =>
        {
            var current = Interlocked.Increment(ref now);
            int seen;
            while ((seen = Volatile.Read(ref peak)) < current && Interlocked.CompareExchange(ref peak, current, seen) != seen) { }
            await Task.Delay(100);
            Interlocked.Decrement(ref now);
            context.Response.StatusCode = 200;
        });
        var broker = await TriggerAsync("e2e-max-in-flight", "{eventing.platform.dev/max-in-flight: '2'}", sink.Url);
        using var http = new HttpClient();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
            Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(http, broker, EventingTopology.Event("limited", i.ToString())))));
        await sink.WaitForAsync(12, TimeSpan.FromSeconds(30));
        Assert.InRange(peak, 1, 2);
    }

    [SkippableFact]
    public async Task A_trigger_with_events_per_second_starts_deliveries_no_faster()
    {
        topology.SkipIfUnavailable();
        await using var sink = await EventSink.StartAsync();
        var broker = await TriggerAsync("e2e-rate", "{eventing.platform.dev/events-per-second: '10'}", sink.Url);
        using var http = new HttpClient();
        // The limit spaces the starts of deliveries. The first can start no earlier than its POST; the 11th starts at
        // least 1 s after the first, and arrives after it starts. The first's arrival is no bound: its own send (a
        // new connection to the sink) can take longer than the later ones', which shortened the span to 921 ms once.
        var firstPosted = DateTimeOffset.UtcNow;
        for (var i = 0; i < 11; i++)
            Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(http, broker, EventingTopology.Event("paced", i.ToString())));
        var got = await sink.WaitForAsync(11, TimeSpan.FromSeconds(30));
        var span = got[^1].At - firstPosted;
        var arrivals = string.Join(", ", got.Select(g => (g.At - firstPosted).TotalMilliseconds.ToString("0")));
        Assert.True(span >= TimeSpan.FromMilliseconds(990), $"the 11th delivery came {span.TotalMilliseconds:0} ms after the first POST (want ≥ 1000); arrivals: {arrivals}");
        // And the limit is not a stop: a slower machine spreads them more, but not by seconds.
        Assert.True(span < TimeSpan.FromSeconds(10), $"11 deliveries at 10 per second took {span.TotalMilliseconds:0} ms; arrivals: {arrivals}");
    }
}
