using System.Globalization;
using Platform.Eventing.Addressing;
using Platform.Resources.Meta;
using Platform.Resources.Sources;
using Platform.Sources.Ping;

namespace Platform.Sources.Tests.Ping;

public class PingPlannerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture);

    private static PingSource Source(string? schedule)
    {
        var source = new PingSource();
        source.Metadata.Name = "beat";
        source.Metadata.Namespace = "default";
        source.Metadata.Generation = 3;
        source.Spec.Schedule = schedule;
        return source;
    }

    // label, schedule, sink uri (null: unresolved), want Ready, SinkProvided, Deployed, reason of Ready, scheduled
    [Theory]
    [InlineData("resolved and valid", "* * * * *", "http://sink/", "True", "True", "True", null, true)]
    [InlineData("sink missing", "* * * * *", null, "False", "False", "Unknown", "NotFound", false)]
    [InlineData("schedule admission would refuse", "every minute", "http://sink/", "False", "True", "False", "InvalidSchedule", false)]
    public void Status_and_job(string label, string schedule, string? sink, string ready, string sinkProvided, string deployed, string? reason, bool scheduled)
    {
        var resolution = sink is null ? Resolution.Fail("Broker default/x (eventing.knative.dev) not found") : Resolution.Ok(new Uri(sink));
        var (status, job) = PingPlanner.Plan(Source(schedule), "uid", Now, resolution, null, null, Now);
        Assert.True(ready == status.GetCondition("Ready")?.Status, label);
        Assert.Equal(sinkProvided, status.GetCondition("SinkProvided")?.Status);
        Assert.Equal(deployed, status.GetCondition("Deployed")?.Status);
        Assert.Equal(reason, status.GetCondition("Ready")?.Reason);
        Assert.Equal(scheduled, job is not null);
        Assert.Equal(3, status.ObservedGeneration);
        Assert.Equal(sink, status.SinkUri);
        Assert.Equal("/apis/v1/namespaces/default/pingsources/beat", Assert.Single(status.CeAttributes!).Source);
    }

    // label, this replica's last delivery (null, true, false), a stored condition status (null: none), want EventsDelivered status (null: absent)
    [Theory]
    [InlineData("nothing sent anywhere yet", null, null, null)]
    [InlineData("delivered here", true, null, "True")]
    [InlineData("failed here", false, "True", "False")]
    [InlineData("another replica fires it: the stored condition stays", null, "False", "False")]
    public void Delivery_condition(string label, bool? delivered, string? stored, string? want)
    {
        var last = delivered is { } d ? new DeliveryOutcome(d, d ? "" : "503 ServiceUnavailable after 6 attempts to http://sink/") : null;
        var storedCondition = stored is null ? null : new Condition { Type = "EventsDelivered", Status = stored, Reason = "DeliveryFailed" };
        var (status, _) = PingPlanner.Plan(Source("* * * * *"), "uid", Now, Resolution.Ok(new Uri("http://sink/")), last, storedCondition, Now);
        var condition = status.GetCondition("EventsDelivered");
        Assert.True(want == condition?.Status, label);
        if (delivered is false) Assert.Equal(("DeliveryFailed", "Warning"), (condition!.Reason, condition.Severity));
        Assert.Equal("True", status.GetCondition("Ready")!.Status); // delivery is not readiness
    }
}
