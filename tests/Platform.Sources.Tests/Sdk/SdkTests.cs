using CloudNative.CloudEvents;
using Platform.Sources.Sdk;
using Platform.Testing.Eventing;

namespace Platform.Sources.Tests.Sdk;

public class SourceEnvironmentTests
{
    // label, K_SINK, K_CE_OVERRIDES, K_SINK_TIMEOUT, want error (null: read)
    [Theory]
    [InlineData("sink only", "http://127.0.0.1:5300/default/default", null, null, null)]
    [InlineData("with overrides and timeout", "https://sink.example/x", "{\"extensions\":{\"team\":\"blue\"}}", "5", null)]
    [InlineData("empty overrides, as Knative writes none", "http://sink", "", null, null)]
    [InlineData("no sink", null, null, null, "K_SINK is not set: run this program as a ContainerSource, or bind it with a SinkBinding, or set it to an http(s) URL")]
    [InlineData("relative sink", "/default/default", null, null, "K_SINK \"/default/default\" is not an absolute http(s) URL")]
    [InlineData("ftp sink", "ftp://sink", null, null, "K_SINK \"ftp://sink\" is not an absolute http(s) URL")]
    [InlineData("overrides not JSON", "http://sink", "team=blue", null, "K_CE_OVERRIDES is not JSON")]
    [InlineData("override not a string", "http://sink", "{\"extensions\":{\"n\":1}}", null, "K_CE_OVERRIDES extensions.n must be a string")]
    [InlineData("override name not a CloudEvents name", "http://sink", "{\"extensions\":{\"Team\":\"x\"}}", null, "K_CE_OVERRIDES extension name \"Team\" must be lowercase letters and digits")]
    [InlineData("bad timeout", "http://sink", null, "soon", "K_SINK_TIMEOUT \"soon\" is not a positive number of seconds")]
    public void Reads_the_variables_or_names_the_bad_one(string label, string? sink, string? overrides, string? timeout, string? error)
    {
        var variables = new Dictionary<string, string?> { ["K_SINK"] = sink, ["K_CE_OVERRIDES"] = overrides, ["K_SINK_TIMEOUT"] = timeout };
        if (error is null)
        {
            var environment = SourceEnvironment.Read(n => variables.GetValueOrDefault(n));
            Assert.Equal(new Uri(sink!), environment.Sink);
            return;
        }
        var e = Assert.Throws<SourceConfigurationException>(() => SourceEnvironment.Read(n => variables.GetValueOrDefault(n)));
        Assert.True(e.Message.StartsWith(error, StringComparison.Ordinal), $"{label}: {e.Message}");
    }

    [Fact]
    public void Overrides_round_trip_through_the_variable_and_only_add_extensions()
    {
        var overrides = new CeOverrides(new Dictionary<string, string> { ["tier"] = "gold", ["team"] = "blue", ["type"] = "hijack" });
        Assert.Equal("{\"extensions\":{\"team\":\"blue\",\"tier\":\"gold\",\"type\":\"hijack\"}}", overrides.ToJson());
        Assert.True(CeOverrides.TryParse(overrides.ToJson(), out var back, out _));
        Assert.Equal(overrides.Extensions, back.Extensions);
        var e = back.ApplyTo(new CloudEvent { Id = "1", Type = "dev.example", Source = new Uri("urn:x") });
        Assert.Equal(("blue", "gold", "dev.example"), ((string?)e["team"], (string?)e["tier"], e.Type)); // core attributes are not overridden
        Assert.Equal("", CeOverrides.None.ToJson());
    }
}

public class RetryPolicyTests
{
    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    [InlineData(5, 800)]
    public void Backoff_doubles(int retry, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RetryPolicy.Default.DelayBefore(retry));

    [Fact]
    public void Backoff_saturates() => Assert.Equal(TimeSpan.MaxValue, (RetryPolicy.Default with { Backoff = TimeSpan.FromDays(10000) }).DelayBefore(40));

    [Theory]
    [InlineData(null, AttemptResult.Retry)]
    [InlineData(200, AttemptResult.Delivered)]
    [InlineData(202, AttemptResult.Delivered)]
    [InlineData(302, AttemptResult.Refused)]
    [InlineData(400, AttemptResult.Refused)]
    [InlineData(404, AttemptResult.Retry)]
    [InlineData(408, AttemptResult.Retry)]
    [InlineData(409, AttemptResult.Retry)]
    [InlineData(429, AttemptResult.Retry)]
    [InlineData(503, AttemptResult.Retry)]
    public void Statuses_are_classified_as_knative_does(int? status, AttemptResult want) => Assert.Equal(want, RetryPolicy.Classify(status));
}

public class CloudEventSenderTests
{
    private static CloudEvent Event() => new() { Id = "e1", Type = "dev.example", Source = new Uri("urn:test"), Data = "hi", DataContentType = "text/plain" };

    [Fact]
    public async Task Retries_a_failing_sink_until_it_takes_the_event()
    {
        await using var sink = await RecordingSink.StartAsync((_, call) => call < 3 ? 503 : 202);
        using var sender = new CloudEventSender(RetryPolicy.Default with { Backoff = TimeSpan.FromMilliseconds(1) });
        var result = await sender.SendAsync(sink.Url, Event());
        Assert.Equal((true, 3, 202), (result.Delivered, result.Attempts, result.Status));
        Assert.Equal("e1", Assert.Single(sink.Received).Event.Id);
    }

    [Fact]
    public async Task Stops_at_a_refusal_and_after_the_last_retry()
    {
        await using var refusing = await RecordingSink.StartAsync((_, _) => 400);
        using var sender = new CloudEventSender(new RetryPolicy(2, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5)));
        var refused = await sender.SendAsync(refusing.Url, Event());
        Assert.Equal((false, 1, 400), (refused.Delivered, refused.Attempts, refused.Status));
        Assert.Equal("400 BadRequest after 1 attempt", refused.Describe());

        await using var down = await RecordingSink.StartAsync((_, _) => 503);
        var exhausted = await sender.SendAsync(down.Url, Event());
        Assert.Equal((false, 3, 503), (exhausted.Delivered, exhausted.Attempts, exhausted.Status));
        Assert.Equal(3, down.Calls);
    }

    [Fact]
    public async Task A_closed_port_is_a_network_error_retried()
    {
        var port = Platform.Testing.FreePort.Next();
        using var sender = new CloudEventSender(new RetryPolicy(1, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5)));
        var result = await sender.SendAsync(new Uri($"http://127.0.0.1:{port}/"), Event());
        Assert.Equal((false, 2, null), (result.Delivered, result.Attempts, result.Status));
        Assert.NotNull(result.Error);
    }
}
