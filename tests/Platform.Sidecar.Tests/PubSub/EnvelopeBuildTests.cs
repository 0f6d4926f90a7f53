using Platform.Sidecar.Core.PubSub;

namespace Platform.Sidecar.Tests.PubSub;

/// <summary>Envelopes built one after another on a thread share a writer: each must come out whole and on its own.</summary>
public sealed class EnvelopeBuildTests
{
    [Theory]
    [InlineData(new[] { 10, 2000, 5 })] // grows, then shrinks
    [InlineData(new[] { 100_000, 20 })] // a buffer too large to keep, then a small event
    [InlineData(new[] { 64, 64, 64 })]
    public void Envelopes_built_in_a_row_each_carry_their_own_data_unchanged(int[] sizes)
    {
        var built = new List<(string Data, byte[] Envelope)>();
        foreach (var size in sizes)
        {
            var data = $"{{\"pad\":\"{new string((char)('a' + built.Count), size)}\"}}";
            var input = new PublishInput(System.Text.Encoding.UTF8.GetBytes(data), "application/json", "app", "topic", "pubsub", null, null, null);
            Assert.Null(CloudEventEnvelope.TryBuild(input, DateTimeOffset.UnixEpoch, out var envelope));
            built.Add((data, envelope));
        }
        // Read only after all were built: an envelope that aliased the shared buffer would show a later event's data.
        foreach (var (data, envelope) in built)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(envelope);
            Assert.Equal(data, doc.RootElement.GetProperty("data").GetRawText());
            Assert.Equal("topic", doc.RootElement.GetProperty("topic").GetString());
            Assert.Equal("app", doc.RootElement.GetProperty("source").GetString());
        }
    }

    [Fact]
    public void A_structured_event_after_a_plain_one_keeps_its_own_attributes()
    {
        var plain = new PublishInput("""{"a":1}"""u8.ToArray(), "application/json", "app", "t1", "ps", null, null, null);
        var structured = new PublishInput("""{"id":"x","source":"s","type":"ty","data":{"b":2}}"""u8.ToArray(), "application/cloudevents+json", "app", "t2", "ps", null, null, null);
        Assert.Null(CloudEventEnvelope.TryBuild(plain, DateTimeOffset.UnixEpoch, out var first));
        Assert.Null(CloudEventEnvelope.TryBuild(structured, DateTimeOffset.UnixEpoch, out var second));
        using var a = System.Text.Json.JsonDocument.Parse(first);
        using var b = System.Text.Json.JsonDocument.Parse(second);
        Assert.Equal("t1", a.RootElement.GetProperty("topic").GetString());
        Assert.Equal("""{"a":1}""", a.RootElement.GetProperty("data").GetRawText());
        Assert.Equal("x", b.RootElement.GetProperty("id").GetString());
        Assert.Equal("t2", b.RootElement.GetProperty("topic").GetString());
        Assert.Equal("""{"b":2}""", b.RootElement.GetProperty("data").GetRawText());
    }
}
