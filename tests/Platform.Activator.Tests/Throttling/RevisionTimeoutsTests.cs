using Platform.Activator.Throttling;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Tests.Throttling;

public class RevisionTimeoutsTests
{
    // label, timeoutSeconds, responseStartTimeoutSeconds, idleTimeoutSeconds, want total, want response start, want idle (seconds; 0 = none)
    public static TheoryData<string, int?, int?, int?, int, int, int> Cases => new()
    {
        { "Knative defaults", 300, 300, null, 300, 0, 0 },
        { "no timeout: the activator's default", null, null, null, 120, 0, 0 },
        { "response start shorter", 300, 10, null, 300, 10, 0 },
        { "response start longer than the timeout cannot fire", 30, 300, null, 30, 0, 0 },
        { "idle shorter", 300, null, 5, 300, 0, 5 },
        { "idle equal to the timeout cannot fire first", 60, null, 60, 60, 0, 0 },
        { "all three", 600, 20, 5, 600, 20, 5 },
        { "zero idle is none (Knative's 0)", 300, null, 0, 300, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Of(string label, int? timeout, int? responseStart, int? idle, int wantTotal, int wantResponseStart, int wantIdle)
    {
        var got = RevisionTimeouts.Of(new RevisionRoute { TimeoutSeconds = timeout, ResponseStartTimeoutSeconds = responseStart, IdleTimeoutSeconds = idle }, defaultSeconds: 120);

        Assert.True(
            (TimeSpan.FromSeconds(wantTotal), Seconds(wantResponseStart), Seconds(wantIdle)) == (got.Total, got.ResponseStart, got.Idle),
            $"{label}: got {got}");
    }

    private static TimeSpan? Seconds(int s) => s == 0 ? null : TimeSpan.FromSeconds(s);
}
