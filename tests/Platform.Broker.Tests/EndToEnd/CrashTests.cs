using System.Collections.Concurrent;
using System.Net;
using Platform.Broker.Resources;
using Platform.Broker.Tests.Infrastructure;

namespace Platform.Broker.Tests.EndToEnd;

/// <summary>At-least-once across a crash: the broker process is killed mid-stream and started again.</summary>
[Collection(EventingCollection.Name)]
public sealed class CrashTests(EventingTopology topology)
{
    [SkippableFact]
    public async Task Killing_the_broker_mid_stream_loses_no_accepted_event()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-crash";
        // A slowish subscriber keeps events in flight when the kill comes.
        await using var sink = await EventSink.StartAsync(async (_, _, context) =>
        {
            await Task.Delay(5);
            context.Response.StatusCode = 200;
        });
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {{name: default, namespace: {ns}}}\n");
        var broker = new Uri(topology.Ingress, $"{ns}/default");
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: all, namespace: {ns}}}\nspec:\n  broker: default\n  subscriber: {{uri: '{sink.Url}'}}\n  delivery: {{retry: 20, backoffPolicy: linear, backoffDelay: PT0.1S}}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "all");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var accepted = new ConcurrentBag<string>();
        var refused = 0;
        const int total = 600;
        var killed = false;
        for (var i = 0; i < total; i++)
        {
            if (i == total / 3 && !killed)
            {
                await topology.KillBrokerAsync();
                killed = true;
                _ = Task.Run(topology.StartBrokerAsync);
            }
            var e = EventingTopology.Event("tick", i.ToString());
            try
            {
                if (await EventingTopology.PostAsync(http, broker, e) == HttpStatusCode.Accepted) accepted.Add(e.Id!);
                else refused++;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                refused++; // the broker is down: not accepted, the producer would retry
                await Task.Delay(20);
            }
        }
        // Wait for everything accepted to arrive (redelivery after processingTimeout 3s + redeliverInterval 1s).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        HashSet<string> delivered;
        do
        {
            await Task.Delay(250);
            delivered = sink.Received.Select(r => r.Event.Id!).ToHashSet();
        }
        while (!accepted.All(delivered.Contains) && DateTime.UtcNow < deadline);

        var received = sink.Received.Select(r => r.Event.Id!).ToList();
        var duplicated = received.Count - received.Distinct().Count();
        var lost = accepted.Count(id => !delivered.Contains(id));
        var report = $"sent {total}, accepted {accepted.Count}, refused while down {refused}, delivered {delivered.Count}, duplicated {duplicated}, lost {lost}";
        Console.WriteLine("crash test: " + report);
        Assert.True(accepted.Count >= total / 2, report);
        Assert.True(lost == 0, report + "\n" + topology.Logs);
    }
}
