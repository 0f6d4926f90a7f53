using System.Text.Json.Nodes;
using Platform.Resources.Meta;

namespace Platform.Resources.Tests.Meta;

public class StatusComparisonTests
{
    private static JsonNode Status(string ready, string time, string reason = "") => JsonNode.Parse(
        $$"""{"observedGeneration":1,"conditions":[{"type":"Ready","status":"{{ready}}","reason":"{{reason}}","lastTransitionTime":"{{time}}"}]}""")!;

    [Theory]
    [InlineData("True", "", "True", "", true)]    // only the time differs
    [InlineData("True", "", "False", "", false)]  // the status flipped
    [InlineData("True", "", "True", "Other", false)] // the reason changed
    public void Statuses_are_compared_without_transition_times(string storedReady, string storedReason, string freshReady, string freshReason, bool same) =>
        Assert.Equal(same, StatusComparison.SameApartFromTimes(
            Status(storedReady, "2026-01-01T00:00:00Z", storedReason), Status(freshReady, "2026-12-07T00:00:00Z", freshReason)));

    [Fact]
    public void Nothing_stored_is_never_the_same() =>
        Assert.False(StatusComparison.SameApartFromTimes(null, Status("True", "2026-12-07T00:00:00Z")));

    [Theory]
    [InlineData("True", "2026-01-01T00:00:00Z")]  // not flipped: keeps the stored time
    [InlineData("False", "2026-12-07T00:00:00Z")] // flipped: keeps its own time
    public void A_condition_keeps_its_stored_transition_time_unless_it_flipped(string freshReady, string expected)
    {
        var fresh = Status(freshReady, "2026-12-07T00:00:00Z");

        StatusComparison.KeepTransitionTimes(Status("True", "2026-01-01T00:00:00Z"), fresh);

        Assert.Equal(expected, (string?)fresh["conditions"]![0]!["lastTransitionTime"]);
    }
}
