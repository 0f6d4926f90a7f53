using CloudNative.CloudEvents;
using Platform.Broker.Delivery;
using Platform.Resources.Duck;

namespace Platform.Broker.Tests.Delivery;

public class DeliveryPolicyTests
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    // label, policy, delay (ms), retry number, expected wait (ms)
    public static TheoryData<string, string?, int, int, int> Backoffs => new()
    {
        { "exponential first retry waits d", "exponential", 200, 1, 200 },
        { "exponential second retry waits 2d", "exponential", 200, 2, 400 },
        { "exponential third retry waits 4d", "exponential", 200, 3, 800 },
        { "linear first retry waits 0 (as Knative codes it)", "linear", 200, 1, 0 },
        { "linear second retry waits d", "linear", 200, 2, 200 },
        { "linear fourth retry waits 3d", "linear", 200, 4, 600 },
        { "no policy never waits", null, 200, 3, 0 },
        { "policy names are case-insensitive", "Exponential", 100, 2, 200 },
    };

    [Theory]
    [MemberData(nameof(Backoffs))]
    public void Backoff_follows_the_policy(string label, string? policy, int delayMs, int retry, int expectedMs)
    {
        var spec = new DeliverySpec { BackoffPolicy = policy, BackoffDelay = $"PT{delayMs / 1000.0:0.###}S" };
        var p = DeliveryPolicy.From(spec, null, null, DefaultTimeout);
        Assert.True(TimeSpan.FromMilliseconds(expectedMs) == p.BackoffBefore(retry), $"{label}: got {p.BackoffBefore(retry)}");
    }

    // label, status, retry-after (s), retryAfterMax (s, 0 = unset), expected wait (ms) for retry 1 with exponential PT0.2S
    public static TheoryData<string, int?, int?, int, int> RetryAfters => new()
    {
        { "429 with Retry-After honoured up to the cap", 429, 1, 5, 1000 },
        { "503 with Retry-After above the cap is capped", 503, 10, 2, 2000 },
        { "Retry-After is ignored without retryAfterMax", 429, 1, 0, 200 },
        { "Retry-After shorter than the backoff keeps the backoff", 429, 0, 5, 200 },
        { "500 ignores Retry-After", 500, 1, 5, 200 },
        { "a network error uses the backoff", null, null, 5, 200 },
    };

    [Theory]
    [MemberData(nameof(RetryAfters))]
    public void Retry_after_is_honoured_on_429_and_503_when_capped(string label, int? status, int? retryAfterSeconds, int maxSeconds, int expectedMs)
    {
        var spec = new DeliverySpec { BackoffPolicy = "exponential", BackoffDelay = "PT0.2S", RetryAfterMax = maxSeconds == 0 ? null : $"PT{maxSeconds}S" };
        var p = DeliveryPolicy.From(spec, null, null, DefaultTimeout);
        var wait = p.DelayBefore(1, status, retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
        Assert.True(TimeSpan.FromMilliseconds(expectedMs) == wait, $"{label}: got {wait}");
    }

    [Theory]
    [InlineData(null, nameof(AttemptOutcome.Retryable))]
    [InlineData(200, nameof(AttemptOutcome.Success))]
    [InlineData(202, nameof(AttemptOutcome.Success))]
    [InlineData(204, nameof(AttemptOutcome.Success))]
    [InlineData(301, nameof(AttemptOutcome.Final))]
    [InlineData(400, nameof(AttemptOutcome.Final))]
    [InlineData(401, nameof(AttemptOutcome.Final))]
    [InlineData(404, nameof(AttemptOutcome.Retryable))]
    [InlineData(408, nameof(AttemptOutcome.Retryable))]
    [InlineData(409, nameof(AttemptOutcome.Retryable))]
    [InlineData(410, nameof(AttemptOutcome.Final))]
    [InlineData(429, nameof(AttemptOutcome.Retryable))]
    [InlineData(500, nameof(AttemptOutcome.Retryable))]
    [InlineData(503, nameof(AttemptOutcome.Retryable))]
    public void Status_codes_are_classified_as_Knative_does(int? status, string expected) =>
        Assert.Equal(expected, DeliveryPolicy.Classify(status).ToString());

    [Fact]
    public void Trigger_delivery_overrides_the_broker_field_by_field()
    {
        var broker = new DeliverySpec { Retry = 10, BackoffPolicy = "exponential", BackoffDelay = "PT0.2S", Timeout = "PT5S" };
        var trigger = new DeliverySpec { Retry = 2, Format = "json" };
        var p = DeliveryPolicy.From(trigger, broker, null, DefaultTimeout);
        Assert.Equal(2, p.Retry);
        Assert.Equal(BackoffKind.Exponential, p.Backoff);
        Assert.Equal(TimeSpan.FromMilliseconds(200), p.BackoffDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), p.Timeout);
        Assert.Equal(ContentMode.Structured, p.Mode);
    }

    [Fact]
    public void Without_delivery_there_is_one_attempt_in_binary_mode_with_the_default_timeout()
    {
        var p = DeliveryPolicy.From(null, null, null, DefaultTimeout);
        Assert.Equal(0, p.Retry);
        Assert.Equal(ContentMode.Binary, p.Mode);
        Assert.Equal(DefaultTimeout, p.Timeout);
    }

    [Theory]
    [InlineData("3", 3000)]
    [InlineData(" 0 ", 0)]
    [InlineData("Wed, 25 Nov 2026 12:00:10 GMT", 10000)]
    [InlineData("Wed, 25 Nov 2026 11:59:00 GMT", 0)]
    public void Retry_after_values_parse(string value, int expectedMs)
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), DeliveryPolicy.ParseRetryAfter(value, now));
    }

    [Fact]
    public void Dead_letter_event_carries_the_error_extensions()
    {
        var original = new CloudEvent { Id = "e1", Source = new Uri("urn:test"), Type = "t", Data = "hello", DataContentType = "text/plain" };
        var body = new byte[2000];
        Array.Fill(body, (byte)'x');
        var dead = DeadLetterEvent.Build(original, new Uri("http://sub.example/"), 503, body);
        Assert.Equal("e1", dead.Id);
        Assert.Equal("hello", dead.Data);
        Assert.Equal("http://sub.example/", dead["knativeerrordest"]);
        Assert.Equal("503", dead["knativeerrorcode"]);
        Assert.Equal(DeadLetterEvent.MaxErrorData, Convert.FromBase64String((string)dead["knativeerrordata"]!).Length);
        Assert.Null(original["knativeerrordest"]);
        Assert.Equal("500", DeadLetterEvent.Build(original, new Uri("http://sub.example/"), null, [])["knativeerrorcode"]);
    }
}
