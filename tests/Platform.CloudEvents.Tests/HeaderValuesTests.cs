namespace Platform.CloudEvents.Tests;

/// <summary>The binding's header-value rules, as table rows (CloudEvents HTTP protocol binding, "HTTP Header Values").</summary>
public class HeaderValuesTests
{
    [Theory]
    [InlineData("simple", "simple")]
    [InlineData("/my/source", "/my/source")] // '/' is printable ASCII: sent as it is
    [InlineData("2018-04-05T03:56:24Z", "2018-04-05T03:56:24Z")] // ':' too
    [InlineData("urn:a+b=c&d?e#f", "urn:a+b=c&d?e#f")]
    [InlineData("https://example.com/a?b=c", "https://example.com/a?b=c")]
    [InlineData("space here", "space%20here")]
    [InlineData("quote\"d", "quote%22d")]
    [InlineData("100%", "100%25")]
    [InlineData("caf\u00e9", "caf%C3%A9")]
    [InlineData("Euro \u20AC \U0001F600", "Euro%20%E2%82%AC%20%F0%9F%98%80")] // the binding's own example
    [InlineData("tab\there", "tab%09here")]
    [InlineData("del\u007f", "del%7F")]
    [InlineData("~!'()*", "~!'()*")]
    public void Encode_percent_encodes_only_what_the_binding_lists(string value, string header) =>
        Assert.Equal(header, HeaderValues.Encode(value));

    [Theory]
    [InlineData("/my/source", "/my/source")]
    [InlineData("space%20here", "space here")]
    [InlineData("%2Fmy%2Fsource", "/my/source")] // needlessly encoded: accepted
    [InlineData("caf%c3%a9", "caf\u00e9")] // lower-case hex: accepted
    [InlineData("Euro%20%E2%82%AC%20%F0%9F%98%80", "Euro \u20AC \U0001F600")]
    [InlineData("\"quoted value\"", "quoted value")] // RFC 7230 quoted-string from older senders
    [InlineData("\"with \\\"escaped\\\" quote\"", "with \"escaped\" quote")]
    [InlineData("\"a%20b\"", "a b")] // unquoted first, then one round of percent-decoding
    [InlineData("%2541", "%41")] // exactly one round
    [InlineData("  padded  ", "padded")] // optional whitespace around a header value
    public void Decode_reads_what_the_binding_allows(string header, string value)
    {
        Assert.True(HeaderValues.TryDecode(header, out var decoded, out var error), error);
        Assert.Equal(value, decoded);
    }

    [Theory]
    [InlineData("%C0%A0", "not valid UTF-8")] // overlong encoding of U+0020: the binding says MUST be rejected
    [InlineData("%FF", "not valid UTF-8")]
    [InlineData("%E2%82", "not valid UTF-8")] // truncated sequence
    [InlineData("100%", "is not a percent-encoded byte")]
    [InlineData("%G1", "is not a percent-encoded byte")]
    [InlineData("\"unterminated", "closing quote")]
    public void Decode_refuses_bad_encodings_with_the_reason(string header, string reason)
    {
        Assert.False(HeaderValues.TryDecode(header, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("/my/source")]
    [InlineData("Euro \u20AC \U0001F600 \"100%\"")]
    [InlineData("line\r\nbreak")]
    public void Encode_then_decode_gives_the_value_back(string value)
    {
        Assert.True(HeaderValues.TryDecode(HeaderValues.Encode(value), out var decoded, out _));
        Assert.Equal(value, decoded);
    }
}
