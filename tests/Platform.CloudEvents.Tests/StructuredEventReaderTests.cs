using System.Text;
using CloudNative.CloudEvents;
using CsCheck;

namespace Platform.CloudEvents.Tests;

/// <summary>
/// The one-pass reader against the SDK's decoder, which it must match: the same attributes, the same data on the
/// wire in both modes, and the SDK's own error for what it refuses.
/// </summary>
public class StructuredEventReaderTests
{
    private const string Head = "\"specversion\":\"1.0\",\"id\":\"42\",\"source\":\"/my/source\",\"type\":\"dev.example\"";

    public static TheoryData<string, string> CommonShapes => new()
    {
        { "json object data", "{" + Head + ",\"datacontenttype\":\"application/json\",\"data\":{\"a\":[1,2.5,\"x\\u00e9\"],\"b\":null}}" },
        { "json data, no content type", "{" + Head + ",\"data\":{\"a\":1}}" },
        { "json string data", "{" + Head + ",\"datacontenttype\":\"application/json\",\"data\":\"a \\\"quoted\\\" string\"}" },
        { "json number data", "{" + Head + ",\"data\":12.5e3}" },
        { "+json content type", "{" + Head + ",\"datacontenttype\":\"application/vnd.x+json; charset=utf-8\",\"data\":[true,false]}" },
        { "text data", "{" + Head + ",\"datacontenttype\":\"text/plain\",\"data\":\"h\\u00e9llo\\nworld\"}" },
        { "base64 data", "{" + Head + ",\"datacontenttype\":\"application/octet-stream\",\"data_base64\":\"AAECAwQ=\"}" },
        { "no data", "{" + Head + "}" },
        { "null data", "{" + Head + ",\"data\":null}" },
        { "data before attributes", "{\"specversion\":\"1.0\",\"data\":{\"x\":1},\"id\":\"1\",\"source\":\"s\",\"type\":\"t\",\"datacontenttype\":\"application/json\"}" },
        { "every core attribute", "{" + Head + ",\"subject\":\"sub\",\"time\":\"2026-12-08T01:02:03.456789Z\",\"dataschema\":\"https://example.com/s.json\",\"datacontenttype\":\"application/json\",\"data\":{}}" },
        { "extensions of each JSON type", "{" + Head + ",\"knativebrokerttl\":\"255\",\"count\":7,\"flag\":true,\"off\":false,\"gone\":null,\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}" },
        { "escaped property names", "{\"specversion\":\"1.0\",\"\\u0069d\":\"1\",\"source\":\"s\",\"type\":\"t\",\"d\\u0061ta\":{\"k\":\"v\"}}" },
        { "whitespace everywhere", " {\n  \"specversion\" : \"1.0\" ,\n  \"id\":\"1\",\"source\":\"s\",\"type\":\"t\",\n  \"data\" : { \"k\" : [ 1 , 2 ] }\n}\n " },
    };

    [Theory]
    [MemberData(nameof(CommonShapes))]
    public void Common_shapes_are_read_in_one_pass_exactly_as_the_SDK_reads_them(string shape, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var fast = StructuredEventReader.TryDecode(bytes);
        Assert.True(fast is not null, $"{shape}: fell back to the SDK");
        AssertSameEvent(StructuredEventReader.DecodeWithSdk(bytes), fast);
    }

    public static TheoryData<string, string> OtherShapes => new()
    {
        { "specversion not first", "{\"id\":\"1\",\"specversion\":\"1.0\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"k\":1}}" },
        { "core attribute as a number", "{\"specversion\":\"1.0\",\"id\":1,\"source\":\"s\",\"type\":\"t\"}" },
        { "extension as a decimal", "{" + Head + ",\"ratio\":0.5}" },
        { "extension as an object", "{" + Head + ",\"nested\":{\"a\":1}}" },
        { "data and data_base64", "{" + Head + ",\"data\":{},\"data_base64\":\"AA==\"}" },
        { "data twice", "{" + Head + ",\"data\":1,\"data\":2}" },
        { "bad base64", "{" + Head + ",\"data_base64\":\"not base64!\"}" },
        { "object data with a text content type", "{" + Head + ",\"datacontenttype\":\"text/plain\",\"data\":{\"a\":1}}" },
        { "missing id", "{\"specversion\":\"1.0\",\"source\":\"s\",\"type\":\"t\"}" },
        { "unknown specversion", "{\"specversion\":\"0.1\",\"id\":\"1\",\"source\":\"s\",\"type\":\"t\"}" },
        { "bad time", "{" + Head + ",\"time\":\"yesterday\"}" },
        { "bad extension name", "{" + Head + ",\"Not-Valid\":\"x\"}" },
        { "trailing content", "{" + Head + "} {}" },
        { "not an object", "[1,2]" },
        { "truncated", "{" + Head + ",\"data\":{\"a\":" },
    };

    [Theory]
    [MemberData(nameof(OtherShapes))]
    public void Other_shapes_go_to_the_SDK_which_decodes_them_or_throws_its_own_error(string shape, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(StructuredEventReader.TryDecode(bytes) is null, $"{shape}: read in one pass");
        CloudEvent? sdk = null;
        Exception? sdkError = null;
        try { sdk = StructuredEventReader.DecodeWithSdk(bytes); } catch (Exception e) { sdkError = e; }
        if (sdkError is not null)
        {
            var ours = Assert.ThrowsAny<Exception>(() => StructuredEventReader.Decode(bytes));
            Assert.Equal(sdkError.GetType(), ours.GetType());
            Assert.Equal(sdkError.Message, ours.Message);
        }
        else AssertSameEvent(sdk!, StructuredEventReader.Decode(bytes));
    }

    [Fact]
    public void Json_data_goes_out_as_the_bytes_it_came_in_without_a_copy()
    {
        var json = "{" + Head + ",\"data\":{ \"spaced\" : [1, 2] }}";
        var bytes = Encoding.UTF8.GetBytes(json);
        var cloudEvent = StructuredEventReader.Decode(bytes);
        var raw = Assert.IsType<RawJsonData>(cloudEvent.Data);
        Assert.Equal("{ \"spaced\" : [1, 2] }", raw.ToString());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(raw.Utf8, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal("{ \"spaced\" : [1, 2] }", Encoding.UTF8.GetString(CloudEventHttp.BinaryModeData(cloudEvent).Span));
        Assert.Equal("{ \"spaced\" : [1, 2] }", CloudEventHttp.DataAsText(cloudEvent));
        // Structured mode writes it under "data", never as data_base64.
        var structured = Encoding.UTF8.GetString(CloudEventHttp.Formatter.EncodeStructuredModeMessage(cloudEvent, out _).Span);
        Assert.Contains("\"data\":{ \"spaced\" : [1, 2] }", structured);
        Assert.DoesNotContain("data_base64", structured);
    }

    [Fact]
    public void Any_event_the_SDK_encodes_is_read_back_as_the_SDK_reads_it()
    {
        var text = Gen.String[Gen.Char.AlphaNumeric, 1, 12];
        var events = Gen.Select(text, text, text, Gen.Int[0, 3], Gen.Int, Gen.String[Gen.Char[' ', '\u00ff'], 0, 40], Gen.Bool)
            .Select(t =>
            {
                var (id, source, type, dataKind, number, payload, flag) = t;
                var cloudEvent = new CloudEvent { Id = id, Source = new Uri("/" + source, UriKind.Relative), Type = type, Time = DateTimeOffset.UnixEpoch.AddSeconds(number & 0x3FFFFFFF) };
                cloudEvent.SetAttributeFromString("ext", payload.Length > 0 ? "v" + number : "w");
                cloudEvent.SetAttributeFromString("flag", flag ? "true" : "false");
                switch (dataKind)
                {
                    case 0: cloudEvent.DataContentType = "application/json"; cloudEvent.Data = new { text = payload, number, flag }; break;
                    case 1: cloudEvent.DataContentType = "text/plain"; cloudEvent.Data = payload; break;
                    case 2: cloudEvent.DataContentType = "application/octet-stream"; cloudEvent.Data = Encoding.UTF8.GetBytes(payload); break;
                }
                return CloudEventHttp.Formatter.EncodeStructuredModeMessage(cloudEvent, out _).ToArray();
            });
        events.Sample(bytes =>
        {
            var fast = StructuredEventReader.TryDecode(bytes);
            Assert.NotNull(fast);
            AssertSameEvent(StructuredEventReader.DecodeWithSdk(bytes), fast);
        }, iter: 500);
    }

    private static void AssertSameEvent(CloudEvent expected, CloudEvent actual)
    {
        Assert.Equal(expected.SpecVersion, actual.SpecVersion);
        Assert.Equal(
            expected.GetPopulatedAttributes().Select(a => $"{a.Key.Name}={a.Key.Format(a.Value)} ({a.Key.Type})").Order(),
            actual.GetPopulatedAttributes().Select(a => $"{a.Key.Name}={a.Key.Format(a.Value)} ({a.Key.Type})").Order());
        // The same data on the wire, in both modes: binary bodies equal as JSON (or bytes), structured equal as JSON.
        var expectedBody = CloudEventHttp.BinaryModeData(expected).ToArray();
        var actualBody = CloudEventHttp.BinaryModeData(actual).ToArray();
        if (expected.Data is System.Text.Json.JsonElement) Assert.True(JsonEqual(expectedBody, actualBody), $"{Encoding.UTF8.GetString(expectedBody)} vs {Encoding.UTF8.GetString(actualBody)}");
        else Assert.Equal(expectedBody, actualBody);
        Assert.True(JsonEqual(
            CloudEventHttp.Formatter.EncodeStructuredModeMessage(expected, out _).ToArray(),
            CloudEventHttp.Formatter.EncodeStructuredModeMessage(actual, out _).ToArray()));
    }

    private static bool JsonEqual(byte[] a, byte[] b)
    {
        using var x = System.Text.Json.JsonDocument.Parse(a);
        using var y = System.Text.Json.JsonDocument.Parse(b);
        return System.Text.Json.JsonElement.DeepEquals(x.RootElement, y.RootElement);
    }
}
