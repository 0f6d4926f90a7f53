using System.Globalization;
using Platform.Sources.Ping;

namespace Platform.Sources.Tests.Ping;

public class TickClaimsTests
{
    private static readonly DateTimeOffset Tick = DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture);

    // label, stored tick offset in seconds from Tick (null: no record), may take Tick
    [Theory]
    [InlineData("no record", null, true)]
    [InlineData("the previous tick was fired", -60, true)]
    [InlineData("this tick was fired", 0, false)]
    [InlineData("a later tick was fired", 60, false)]
    public void A_tick_is_taken_only_after_the_last_fired(string label, int? stored, bool want)
    {
        var record = stored is { } s ? new TickRecord(Tick.AddSeconds(s), "r1") : null;
        Assert.True(want == TickClaim.MayTake(record, Tick), label);
    }

    [Fact]
    public async Task In_process_claims_give_each_tick_to_one_caller()
    {
        var claims = new InProcessTickClaims();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => claims.ClaimAsync("uid", Tick, CancellationToken.None))));
        Assert.Equal(1, results.Count(r => r));
        Assert.True(await claims.ClaimAsync("uid", Tick.AddMinutes(1), CancellationToken.None));
        Assert.False(await claims.ClaimAsync("uid", Tick, CancellationToken.None));
    }
}
