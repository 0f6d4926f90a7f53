using CsCheck;
using Microsoft.AspNetCore.Http;

namespace Platform.CloudEvents.Tests.Properties;

/// <summary>Reading a CloudEvent from any request: an event or a 4xx with a reason, never an exception.</summary>
public sealed class CloudEventReadProperties
{
    private static readonly Gen<string?> ContentTypes = Gen.OneOf<string?>(
        null, "application/json", "text/plain", "application/cloudevents+json", "application/cloudevents+json; charset=utf-8",
        "application/cloudevents-batch+json", "application/cloudevents+xml", "application/octet-stream", ";;;", "application/json; charset=nope");

    private static readonly Gen<(string, string)[]> CeHeaders = Gen.Select(
        Gen.OneOf("ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-dataschema", "ce-subject", "ce-x", "ce-", "ce-UPPER"),
        Gen.OneOf("1.0", "0.3", "", "urn:x", "not a uri", "2026-12-03T00:00:00Z", "yesterday", "%ZZ", "%41", "\u00e9"),
        (k, v) => (k, v)).Array[0, 8];

    private static readonly Gen<byte[]> Bodies = Gen.OneOf(
        Gen.Byte.Array[0, 300],
        Gen.String[Gen.Char["{}[]\":,0123456789abc_-\\ "], 0, 300].Select(System.Text.Encoding.UTF8.GetBytes),
        Gen.OneOf("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"", "{\"specversion\":\"1.0\",\"data_base64\":\"%%\"}")
            .Select(System.Text.Encoding.UTF8.GetBytes));

    [Fact]
    public void Any_request_reads_as_an_event_or_a_4xx_with_a_reason() =>
        Gen.Select(ContentTypes, CeHeaders, Bodies).Sample(t =>
        {
            var (contentType, headers, body) = t;
            var context = new DefaultHttpContext();
            context.Request.Method = "POST";
            context.Request.ContentType = contentType;
            foreach (var (k, v) in headers) context.Request.Headers[k] = v;
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            var result = CloudEventHttp.ReadAsync(context.Request, 1024).GetAwaiter().GetResult();
            return result.Error is null
                ? result.Event is not null
                : result.Error.StatusCode is >= 400 and < 500 && !string.IsNullOrWhiteSpace(result.Error.Reason);
        }, iter: 5000);
}
