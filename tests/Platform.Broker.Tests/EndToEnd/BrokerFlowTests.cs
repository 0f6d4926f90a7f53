using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.Broker.Resources;
using Platform.Broker.Tests.Infrastructure;

namespace Platform.Broker.Tests.EndToEnd;

/// <summary>Broker → trigger → subscriber over the real sidecar (streaming subscriptions) and Redis.</summary>
[Collection(EventingCollection.Name)]
public sealed class BrokerFlowTests(EventingTopology topology)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private async Task<Uri> BrokerAsync(string ns)
    {
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {{name: default, namespace: {ns}}}\n");
        var broker = await topology.WaitReadyAsync(EventingKinds.Broker, ns, "default");
        return new Uri(broker["status"]!["address"]!["url"]!.GetValue<string>());
    }

    private Task TriggerAsync(string ns, string name, string spec) =>
        topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  broker: default\n{spec}");

    [SkippableFact]
    public async Task Event_reaches_a_matching_trigger_in_binary_mode_with_knative_headers_and_not_the_others()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-basic";
        await using var matching = await EventSink.StartAsync();
        await using var other = await EventSink.StartAsync();
        var broker = await BrokerAsync(ns);
        await TriggerAsync(ns, "orders", $"  filter: {{attributes: {{type: order.created}}}}\n  subscriber: {{uri: '{matching.Url}'}}\n");
        await TriggerAsync(ns, "payments", $"  filters: [{{cesql: \"type LIKE 'payment.%'\"}}]\n  subscriber: {{uri: '{other.Url}'}}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "orders");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "payments");

        var sent = EventingTopology.Event("order.created", "{\"n\":1}");
        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, sent));
        var got = (await matching.WaitForAsync(1, Wait)).Single();
        Assert.Equal(sent.Id, got.Event.Id);
        Assert.Equal("{\"n\":1}", got.Event.Data as string ?? Encoding.UTF8.GetString((byte[])got.Event.Data!));
        Assert.Equal("reply", got.Headers["Prefer"]);
        Assert.Equal(ns, got.Headers["Kn-Namespace"]);
        // Trace flags: sampled, and (W3C Level 2, .NET's own spans) the random-trace-id bit.
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$", got.Headers["traceparent"]);
        Assert.True(got.Headers.ContainsKey("ce-id"), "binary mode");
        // The CloudEvents HTTP binding percent-encodes only space, '"', '%' and non-printable ASCII: ':' stays as it is.
        Assert.Equal("urn:platform:tests", got.Headers["ce-source"]);
        Assert.NotNull(got.Event["knativearrivaltime"]);
        Assert.Null(got.Event["knativebrokerttl"]);
        // A later event the payments trigger does match: once it has arrived, the order event (posted first, and
        // fanned out by the same broker) has had its chance to arrive too, without waiting on a clock.
        var later = EventingTopology.Event("payment.settled", "{\"n\":2}");
        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, later));
        Assert.Equal(later.Id, (await other.WaitForAsync(1, Wait)).Single().Event.Id);
        Assert.Equal([later.Id], other.Received.Select(r => r.Event.Id));

        // Unknown broker through the real process: 404.
        Assert.Equal(HttpStatusCode.NotFound, await EventingTopology.PostAsync(_http, new Uri(topology.Ingress, $"{ns}/nope"), EventingTopology.Event("x")));
    }

    [SkippableFact]
    public async Task A_trigger_whose_subscriber_is_the_control_plane_api_is_not_ready_and_an_event_creates_nothing()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-deputy";
        await using var witness = await EventSink.StartAsync();
        var broker = await BrokerAsync(ns);
        await TriggerAsync(ns, "witness", $"  subscriber: {{uri: '{witness.Url}'}}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "witness");
        var api = $"http://localhost:{topology.ControlPlane.Port}/apis/serving.knative.dev/v1/namespaces/{ns}/services";
        await TriggerAsync(ns, "deputy", $"  subscriber: {{uri: '{api}'}}\n");
        var trigger = await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "deputy", status: "False");
        var resolved = trigger["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "SubscriberResolved")!;
        Assert.Equal("False", resolved["status"]!.GetValue<string>());
        Assert.Contains("the control-plane API", resolved["message"]!.GetValue<string>());

        // An event that is a Service manifest, posted to the broker: accepted, delivered to the witness trigger beside
        // the refused one (so routing is done), and nothing created.
        var service = $"{{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Service\",\"metadata\":{{\"name\":\"planted\",\"namespace\":\"{ns}\"}},\"spec\":{{\"template\":{{\"spec\":{{\"containers\":[{{\"image\":\"x\"}}]}}}}}}}}";
        var sent = EventingTopology.Event("order.created", service);
        sent.DataContentType = "application/json";
        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, sent));
        Assert.Equal(sent.Id, (await witness.WaitForAsync(1, Wait)).Single().Event.Id);
        var services = await topology.Store.ListAsync(Platform.ControlPlane.Kinds.ResourceKinds.Service, ns);
        Assert.Empty(services.Items);
    }

    [SkippableFact]
    public async Task Flaky_subscriber_gets_retries_at_the_backoff_times()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-flaky";
        // Each event fails three times (503, 500, 429) then is taken: two events, each retried on the same schedule.
        var calls = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await using var flaky = await EventSink.StartAsync((e, _, context) =>
        {
            var call = calls.AddOrUpdate(e.Id!, 1, (_, n) => n + 1);
            context.Response.StatusCode = call switch { 1 => 503, 2 => 500, 3 => 429, _ => 200 };
            return Task.CompletedTask;
        });
        var broker = await BrokerAsync(ns);
        await TriggerAsync(ns, "flaky", $"  subscriber: {{uri: '{flaky.Url}'}}\n  delivery: {{retry: 5, backoffPolicy: exponential, backoffDelay: PT0.2S}}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "flaky");

        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, EventingTopology.Event("flaky", id: "first")));
        await flaky.WaitForAsync(4, Wait);
        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, EventingTopology.Event("flaky", id: "second")));
        await flaky.WaitForAsync(8, Wait);
        double[] Gaps(string id)
        {
            var attempts = flaky.Received.Where(r => r.Event.Id == id).ToList();
            Assert.Equal(4, attempts.Count);
            return attempts.Zip(attempts.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds).ToArray();
        }
        var first = Gaps("first");
        var second = Gaps("second");
        // Exponential PT0.2S: 200, 400, 800 ms. No retry may come early (10 ms for clock granularity), in either event.
        // Late is bounded per gap by the better of the two events (at most 400 ms late): a loaded 2-core machine can
        // stall one process for half a second (thread-pool starvation is answered every 500 ms), and a stall hitting
        // the same retry of both events is unlikely, whereas a wrong schedule (linear, constant, none) is wrong in both.
        double[] expected = [200, 400, 800];
        var detail = $"first: {string.Join(", ", first.Select(g => g.ToString("0")))}; second: {string.Join(", ", second.Select(g => g.ToString("0")))}";
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(first[i] >= expected[i] - 10 && second[i] >= expected[i] - 10, $"retry {i + 1} came early: expected {expected[i]} ms; {detail}");
            var best = Math.Min(first[i], second[i]);
            Assert.True(best <= expected[i] + 400, $"retry {i + 1} came late in both events: expected {expected[i]} ms; {detail}\n{topology.Logs}");
        }
        await Task.Delay(600);
        Assert.Equal(8, flaky.Calls); // taken once it succeeded: no more attempts
    }

    [SkippableFact]
    public async Task Exhausted_event_goes_to_the_dead_letter_sink_with_the_error_extensions()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-dls";
        await using var failing = await EventSink.StartAsync(async (_, _, context) =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("boom: database down");
        });
        await using var deadLetters = await EventSink.StartAsync();
        var broker = await BrokerAsync(ns);
        await TriggerAsync(ns, "doomed", $"  subscriber: {{uri: '{failing.Url}'}}\n  delivery: {{retry: 2, backoffPolicy: linear, backoffDelay: PT0.05S, deadLetterSink: {{uri: '{deadLetters.Url}'}}}}\n");
        var trigger = await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "doomed");
        Assert.Equal(deadLetters.Url.ToString(), trigger["status"]!["deadLetterSinkUri"]!.GetValue<string>());

        var sent = EventingTopology.Event("doomed", "payload");
        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, sent));
        var dead = (await deadLetters.WaitForAsync(1, Wait)).Single().Event;
        Assert.Equal(3, failing.Calls);
        Assert.Equal(sent.Id, dead.Id);
        Assert.Equal("doomed", dead.Type);
        Assert.Equal("payload", dead.Data as string ?? Encoding.UTF8.GetString((byte[])dead.Data!));
        Assert.Equal(failing.Url.ToString(), dead["knativeerrordest"]);
        Assert.Equal("500", dead["knativeerrorcode"]);
        Assert.Equal("boom: database down", Encoding.UTF8.GetString(Convert.FromBase64String((string)dead["knativeerrordata"]!)));
    }

    [SkippableFact]
    public async Task Replies_go_back_into_the_broker_with_the_ttl_decremented()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-reply";
        await using var transformer = await EventSink.StartAsync((e, _, context) =>
        {
            var reply = EventingTopology.Event("order.enriched", "enriched:" + (e.Data as string ?? Encoding.UTF8.GetString((byte[])e.Data!)));
            return EventSink.ReplyAsync(context, reply);
        });
        await using var sink = await EventSink.StartAsync();
        // An echo trigger replies with the same type: the TTL must stop the loop.
        await using var echo = await EventSink.StartAsync((e, _, context) => EventSink.ReplyAsync(context, EventingTopology.Event("loop", "again")));
        var broker = await BrokerAsync(ns);
        await TriggerAsync(ns, "enrich", $"  filter: {{attributes: {{type: order.created}}}}\n  subscriber: {{uri: '{transformer.Url}'}}\n");
        await TriggerAsync(ns, "store", $"  filter: {{attributes: {{type: order.enriched}}}}\n  subscriber: {{uri: '{sink.Url}'}}\n");
        await TriggerAsync(ns, "echo", $"  filter: {{attributes: {{type: loop}}}}\n  subscriber: {{uri: '{echo.Url}'}}\n");
        foreach (var t in new[] { "enrich", "store", "echo" }) await topology.WaitReadyAsync(EventingKinds.Trigger, ns, t);

        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, EventingTopology.Event("order.created", "o-1")));
        var got = (await sink.WaitForAsync(1, Wait)).Single().Event;
        Assert.Equal("order.enriched", got.Type);
        Assert.Equal("enriched:o-1", got.Data as string ?? Encoding.UTF8.GetString((byte[])got.Data!));

        // TTL 5 at ingress: delivered with 5, replies carry 4, 3, 2, 1; the reply that would carry 0 is dropped.
        var looping = EventingTopology.Event("loop");
        looping.SetAttributeFromString("knativebrokerttl", "5");
        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, looping));
        await echo.WaitForAsync(5, Wait);
        await Task.Delay(1000);
        Assert.Equal(5, echo.Calls);
    }

    [SkippableFact]
    public async Task A_stuck_subscriber_does_not_delay_another_trigger()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-isolation";
        using var release = new CancellationTokenSource();
        await using var stuck = await EventSink.StartAsync(async (_, _, context) =>
        {
            try { await Task.Delay(TimeSpan.FromSeconds(30), release.Token); } catch (OperationCanceledException) { }
            context.Response.StatusCode = 200;
        });
        await using var fast = await EventSink.StartAsync();
        var broker = await BrokerAsync(ns);
        await TriggerAsync(ns, "stuck", $"  subscriber: {{uri: '{stuck.Url}'}}\n  delivery: {{timeout: PT60S}}\n");
        await TriggerAsync(ns, "fast", $"  subscriber: {{uri: '{fast.Url}'}}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "stuck");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "fast");

        const int count = 40; // more than the stuck trigger's in-flight bound (10)
        for (var i = 0; i < count; i++)
            Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, broker, EventingTopology.Event("work", i.ToString())));
        var started = DateTime.UtcNow;
        await fast.WaitForAsync(count, TimeSpan.FromSeconds(15));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
        Assert.InRange(stuck.Calls, 1, 10); // bounded in flight, none finished
        await release.CancelAsync();
    }

    [SkippableFact]
    public async Task Unresolvable_subscriber_and_bad_cesql_make_the_trigger_not_ready()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-notready";
        await BrokerAsync(ns);
        await TriggerAsync(ns, "ghost", "  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: ghost}}\n");
        await TriggerAsync(ns, "badsql", "  filters: [{cesql: \"type = 'a' AND\"}]\n  subscriber: {uri: 'http://127.0.0.1:9/'}\n");
        var ghost = await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "ghost", "False");
        var ready = ((System.Text.Json.Nodes.JsonArray)ghost["status"]!["conditions"]!).First(c => c!["type"]!.GetValue<string>() == "Ready")!;
        Assert.Equal("SubscriberResolveFailed", ready["reason"]!.GetValue<string>());
        Assert.Contains("Service e2e-notready/ghost", ready["message"]!.GetValue<string>());
        var bad = await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "badsql", "False");
        var badReady = ((System.Text.Json.Nodes.JsonArray)bad["status"]!["conditions"]!).First(c => c!["type"]!.GetValue<string>() == "Ready")!;
        Assert.Equal("FilterInvalid", badReady["reason"]!.GetValue<string>());
        Assert.Contains("position", badReady["message"]!.GetValue<string>());
    }
}
