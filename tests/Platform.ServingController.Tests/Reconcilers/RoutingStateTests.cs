using Platform.ServingController.Reconcilers.Revision.Builders;

namespace Platform.ServingController.Tests.Reconcilers;

public class RoutingStateTests
{
    [Theory]
    [InlineData("routed", true, false, null, "active")]
    [InlineData("routed newest", true, true, "pending", "active")]
    [InlineData("newest, never routed", false, true, null, "pending")]
    [InlineData("newest, still pending", false, true, "pending", "pending")]
    [InlineData("newest, was routed", false, true, "active", "reserve")]
    [InlineData("older, unrouted", false, false, "active", "reserve")]
    [InlineData("older, never labelled", false, false, null, "reserve")]
    public void Of(string label, bool routed, bool newest, string? current, string want) =>
        Assert.True(want == RoutingState.Of(routed, newest, current), label);

    [Fact]
    public void Change_writes_the_label_and_its_time_only_when_the_state_changes()
    {
        var now = new DateTimeOffset(2026, 12, 6, 20, 1, 2, TimeSpan.FromHours(1));
        Assert.Equal(("reserve", "2026-12-06T19:01:02Z"), RoutingState.Change("active", "2026-12-01T00:00:00Z", "reserve", now));
        Assert.Null(RoutingState.Change("reserve", "2026-12-01T00:00:00Z", "reserve", now));
        // A label without its time (written by someone else) gets one.
        Assert.Equal(("active", "2026-12-06T19:01:02Z"), RoutingState.Change("active", null, "active", now));
    }
}
