using CloudNative.CloudEvents;
using Platform.Broker.Ingress;

namespace Platform.Broker.Tests.Ingress;

public class BrokerTtlTests
{
    // label, ttl attribute (null = none), expected ttl, expired, error
    public static TheoryData<string, object?, int, bool, bool> Rows => new()
    {
        { "missing TTL is defaulted", null, 255, false, false },
        { "string TTL is read", "7", 7, false, false },
        { "integer TTL is read", 3, 3, false, false },
        { "TTL 1 still passes", "1", 1, false, false },
        { "TTL 0 is expired", "0", 0, true, false },
        { "negative TTL is expired", "-4", -4, true, false },
        { "non-integer TTL is a bad request", "abc", 0, false, true },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Ingress_decides_on_the_ttl(string label, object? ttl, int expectedTtl, bool expired, bool error)
    {
        var e = new CloudEvent { Id = "1", Source = new Uri("urn:x"), Type = "t" };
        if (ttl is int i) e[CloudEventAttribute.CreateExtension(BrokerTtl.Extension, CloudEventAttributeType.Integer)] = i;
        else if (ttl is string s) e.SetAttributeFromString(BrokerTtl.Extension, s);
        var decision = BrokerTtl.OnIngress(e, 255);
        Assert.True(error == (decision.Error is not null), label);
        if (error) { Assert.Contains("knativebrokerttl", decision.Error); return; }
        Assert.Equal(expectedTtl, decision.Ttl);
        Assert.Equal(expired, decision.Expired);
    }

    [Theory]
    [InlineData(null, 254)]
    [InlineData(10, 9)]
    [InlineData(1, 0)]
    public void Replies_carry_one_less(int? delivered, int expected) => Assert.Equal(expected, BrokerTtl.ForReply(delivered, 255));

    [Fact]
    public void Stamp_sets_ttl_and_arrival_time_and_strip_removes_the_ttl()
    {
        var e = new CloudEvent { Id = "1", Source = new Uri("urn:x"), Type = "t" };
        BrokerTtl.Stamp(e, 12, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal((12, (string?)null), BrokerTtl.Read(e));
        Assert.StartsWith("2026-11-25T10:00:00", (string)e[BrokerTtl.ArrivalTime]!);
        BrokerTtl.Stamp(e, 11, DateTimeOffset.UnixEpoch);
        Assert.Equal(11, BrokerTtl.Read(e).Ttl);
        BrokerTtl.Strip(e);
        Assert.Null(BrokerTtl.Read(e).Ttl);
    }
}
