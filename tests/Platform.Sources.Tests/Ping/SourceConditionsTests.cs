using Platform.Resources.Meta;
using Platform.Sources.Status;

namespace Platform.Sources.Tests.Ping;

public class SourceConditionsTests
{
    // label, SinkProvided, Deployed (null: absent), want Ready, want reason
    [Theory]
    [InlineData("all true", "True", "True", "True", null)]
    [InlineData("first false wins", "False", "Unknown", "False", "R1")]
    [InlineData("a false after an unknown still makes it false", "Unknown", "False", "False", "R2")]
    [InlineData("unknown", "True", "Unknown", "Unknown", "R2")]
    [InlineData("missing is unknown", "True", null, "Unknown", "NotReconciled")]
    public void Ready_follows_its_dependents(string label, string sink, string? deployed, string ready, string? reason)
    {
        var status = new KnativeStatus();
        var now = DateTimeOffset.UnixEpoch;
        status.SetCondition("SinkProvided", sink, now, sink == "True" ? null : "R1", "m1");
        if (deployed is not null) status.SetCondition("Deployed", deployed, now, deployed == "True" ? null : "R2", "m2");
        SourceConditions.SetReady(status, now, "SinkProvided", "Deployed");
        Assert.True(ready == status.GetCondition("Ready")!.Status, label);
        Assert.Equal(reason, status.GetCondition("Ready")!.Reason);
    }
}
