using System.Net;
using System.Text;
using Platform.Broker.Resources;
using Platform.Broker.Tests.Infrastructure;

namespace Platform.Broker.Tests.EndToEnd;

/// <summary>Channels, Subscriptions, Sequence and Parallel over the real sidecar and Redis.</summary>
[Collection(EventingCollection.Name)]
public sealed class FlowTests(EventingTopology topology)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(25);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static string Text(CloudNative.CloudEvents.CloudEvent e) => e.Data as string ?? Encoding.UTF8.GetString((byte[])e.Data!);

    /// <summary>A step that appends <paramref name="suffix"/> to the data and replies.</summary>
    private static Task<EventSink> AppenderAsync(string suffix) => EventSink.StartAsync((e, _, context) =>
        EventSink.ReplyAsync(context, EventingTopology.Event(e.Type!, Text(e) + suffix, e.Id)));

    [SkippableFact]
    public async Task Sequence_of_three_steps_chains_replies_to_the_final_reply()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-seq";
        await using var step1 = await AppenderAsync("-1");
        await using var step2 = await AppenderAsync("-2");
        await using var step3 = await AppenderAsync("-3");
        await using var sink = await EventSink.StartAsync();
        await topology.CreateAsync($"""
            apiVersion: flows.knative.dev/v1
            kind: Sequence
            metadata: {"{"}name: pipeline, namespace: {ns}{"}"}
            spec:
              steps:
                - uri: {step1.Url}
                - uri: {step2.Url}
                - uri: {step3.Url}
              reply: {"{"}uri: '{sink.Url}'{"}"}
            """);
        var seq = await topology.WaitReadyAsync(EventingKinds.Sequence, ns, "pipeline");
        var address = new Uri(seq["status"]!["address"]!["url"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, address, EventingTopology.Event("doc", "x")));
        var got = (await sink.WaitForAsync(1, Wait)).Single().Event;
        Assert.Equal("x-1-2-3", Text(got));
        Assert.Equal(1, step1.Calls);
        Assert.Equal(1, step2.Calls);
        Assert.Equal(1, step3.Calls);
    }

    [SkippableFact]
    public async Task Parallel_with_two_filtered_branches_routes_each_event_to_its_branch()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-par";
        // A filter passes an event by replying with it, and holds it back with 202 and no event.
        Task<EventSink> FilterAsync(string type) => EventSink.StartAsync((e, _, context) =>
        {
            if (e.Type == type) return EventSink.ReplyAsync(context, e);
            context.Response.StatusCode = 202;
            return Task.CompletedTask;
        });
        await using var filterA = await FilterAsync("a");
        await using var filterB = await FilterAsync("b");
        await using var branchA = await AppenderAsync("+A");
        await using var branchB = await AppenderAsync("+B");
        await using var sink = await EventSink.StartAsync();
        await topology.CreateAsync($"""
            apiVersion: flows.knative.dev/v1
            kind: Parallel
            metadata: {"{"}name: split, namespace: {ns}{"}"}
            spec:
              branches:
                - filter: {"{"}uri: '{filterA.Url}'{"}"}
                  subscriber: {"{"}uri: '{branchA.Url}'{"}"}
                - filter: {"{"}uri: '{filterB.Url}'{"}"}
                  subscriber: {"{"}uri: '{branchB.Url}'{"}"}
              reply: {"{"}uri: '{sink.Url}'{"}"}
            """);
        var par = await topology.WaitReadyAsync(EventingKinds.Parallel, ns, "split");
        var address = new Uri(par["status"]!["address"]!["url"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, address, EventingTopology.Event("a", "first")));
        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, address, EventingTopology.Event("b", "second")));
        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, address, EventingTopology.Event("c", "third")));
        var got = await sink.WaitForAsync(2, Wait);
        await Task.Delay(800);
        Assert.Equal(["first+A", "second+B"], sink.Received.Select(r => Text(r.Event)).Order());
        Assert.Equal(3, filterA.Calls);
        Assert.Equal(3, filterB.Calls);
        Assert.Equal(1, branchA.Calls);
        Assert.Equal(1, branchB.Calls);
    }

    [SkippableFact]
    public async Task Channel_delivers_to_every_subscription_with_its_own_reply()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-channel";
        await using var plain = await EventSink.StartAsync();
        await using var replier = await AppenderAsync("!");
        await using var replies = await EventSink.StartAsync();
        await topology.CreateAsync($"apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\nmetadata: {{name: news, namespace: {ns}}}\n");
        await topology.CreateAsync($"apiVersion: messaging.knative.dev/v1\nkind: Subscription\nmetadata: {{name: s1, namespace: {ns}}}\nspec:\n  channel: {{apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel, name: news}}\n  subscriber: {{uri: '{plain.Url}'}}\n");
        await topology.CreateAsync($"apiVersion: messaging.knative.dev/v1\nkind: Subscription\nmetadata: {{name: s2, namespace: {ns}}}\nspec:\n  channel: {{apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel, name: news}}\n  subscriber: {{uri: '{replier.Url}'}}\n  reply: {{uri: '{replies.Url}'}}\n");
        await topology.WaitReadyAsync(EventingKinds.Subscription, ns, "s1");
        var s2 = await topology.WaitReadyAsync(EventingKinds.Subscription, ns, "s2");
        Assert.Equal(replies.Url.ToString(), s2["status"]!["physicalSubscription"]!["replyUri"]!.GetValue<string>());
        var channel = await topology.WaitReadyAsync(EventingKinds.InMemoryChannel, ns, "news");
        var address = new Uri(channel["status"]!["address"]!["url"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Accepted, await EventingTopology.PostAsync(_http, address, EventingTopology.Event("n", "hi")));
        Assert.Equal("hi", Text((await plain.WaitForAsync(1, Wait)).Single().Event));
        Assert.Equal("hi!", Text((await replies.WaitForAsync(1, Wait)).Single().Event));
    }
}
