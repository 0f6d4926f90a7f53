using System.Globalization;
using System.Text;
using Platform.Resources.Duck;
using Platform.Resources.Sources;
using Platform.Sources.Ping;

namespace Platform.Sources.Tests.Ping;

public class PingEventsTests
{
    private static readonly DateTimeOffset Tick = DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture);

    private static PingSource Source(Action<PingSourceSpec> spec)
    {
        var source = new PingSource();
        source.Metadata.Name = "beat";
        source.Metadata.Namespace = "team-a";
        spec(source.Spec);
        return source;
    }

    // label, data, dataBase64, contentType, want data text (null: no data), want content type
    [Theory]
    [InlineData("text data with its content type", "{\"a\":1}", null, "application/json", "{\"a\":1}", "application/json")]
    [InlineData("base64 data is decoded", null, "aGVsbG8=", "text/plain", "hello", "text/plain")]
    [InlineData("data without content type", "hi", null, null, "hi", null)]
    [InlineData("no data: no content type either", null, null, "application/json", null, null)]
    public void Event_attributes_and_data_are_knatives(string label, string? data, string? dataBase64, string? contentType, string? wantData, string? wantContentType)
    {
        var e = PingEvents.Build(Source(s => { s.Data = data; s.DataBase64 = dataBase64; s.ContentType = contentType; }), "uid-1", Tick, Tick.AddMilliseconds(12));
        Assert.Equal("dev.knative.sources.ping", e.Type);
        Assert.Equal("/apis/v1/namespaces/team-a/pingsources/beat", e.Source!.ToString());
        Assert.Equal(Tick.AddMilliseconds(12), e.Time);
        Assert.Equal(wantContentType, e.DataContentType);
        Assert.True(wantData == (e.Data is byte[] b ? Encoding.UTF8.GetString(b) : null), label);
    }

    [Fact]
    public void Overrides_become_extensions()
    {
        var e = PingEvents.Build(Source(s => s.CeOverrides = new CloudEventOverrides { Extensions = new() { ["team"] = "blue", ["tier"] = "gold" } }), "uid-1", Tick, Tick);
        Assert.Equal(("blue", "gold"), ((string?)e["team"], (string?)e["tier"]));
    }

    [Fact]
    public void The_id_is_a_version_5_uuid_of_the_source_and_tick()
    {
        var id = PingEvents.EventId("uid-1", Tick);
        Assert.Equal(id, PingEvents.EventId("uid-1", Tick)); // the same tick sent again has the same id
        Assert.NotEqual(id, PingEvents.EventId("uid-1", Tick.AddMinutes(1)));
        Assert.NotEqual(id, PingEvents.EventId("uid-2", Tick));
        var guid = Guid.Parse(id);
        Assert.Equal('5', guid.ToString()[14]);
        Assert.Contains(guid.ToString()[19], "89ab");
    }
}
