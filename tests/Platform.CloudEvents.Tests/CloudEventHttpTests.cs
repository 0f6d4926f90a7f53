using System.Text;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;

namespace Platform.CloudEvents.Tests;

public class CloudEventHttpTests
{
    private static HttpRequest Request(string? contentType, string body, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = contentType;
        foreach (var (name, value) in headers) context.Request.Headers[name] = value;
        return context.Request;
    }

    private static readonly (string, string)[] Complete =
        [("ce-specversion", "1.0"), ("ce-id", "42"), ("ce-source", "/src"), ("ce-type", "dev.example")];

    [Fact]
    public async Task Binary_mode_event_is_read_with_extensions_and_data()
    {
        var request = Request("application/json", "{\"a\":1}", [.. Complete, ("ce-myext", "v%20x")]);
        var result = await CloudEventHttp.ReadAsync(request, 1024);
        Assert.Null(result.Error);
        Assert.Equal("42", result.Event!.Id);
        Assert.Equal("dev.example", result.Event.Type);
        Assert.Equal("v x", result.Event["myext"]);
        Assert.Equal("{\"a\":1}", CloudEventHttp.DataAsText(result.Event));
    }

    [Fact]
    public async Task Structured_mode_event_is_read()
    {
        var request = Request("application/cloudevents+json; charset=utf-8",
            "{\"specversion\":\"1.0\",\"id\":\"7\",\"source\":\"/s\",\"type\":\"t\",\"datacontenttype\":\"text/plain\",\"data\":\"hi\"}");
        var result = await CloudEventHttp.ReadAsync(request, 1024);
        Assert.Null(result.Error);
        Assert.Equal("7", result.Event!.Id);
        Assert.Equal("hi", result.Event.Data);
    }

    [Theory]
    [InlineData("ce-id", "missing required attribute 'id'")]
    [InlineData("ce-source", "missing required attribute 'source'")]
    [InlineData("ce-type", "missing required attribute 'type'")]
    [InlineData("ce-specversion", "missing required attribute 'specversion'")]
    public async Task Binary_mode_missing_attribute_is_400_naming_it(string omitted, string reasonStart)
    {
        var request = Request("text/plain", "x", Complete.Where(h => h.Item1 != omitted).ToArray());
        var result = await CloudEventHttp.ReadAsync(request, 1024);
        Assert.Equal(400, result.Error!.StatusCode);
        Assert.StartsWith(reasonStart, result.Error.Reason);
    }

    [Theory]
    [InlineData("application/cloudevents+json", "{\"specversion\":\"1.0\",", 400, "malformed structured CloudEvent")]
    [InlineData("application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\"}", 400, "malformed structured CloudEvent")]
    [InlineData("application/cloudevents+xml", "<e/>", 415, "structured mode format")]
    [InlineData("application/cloudevents-batch+json", "[]", 415, "batched CloudEvents")]
    public async Task Bad_structured_input_is_refused(string contentType, string body, int status, string reasonStart)
    {
        var result = await CloudEventHttp.ReadAsync(Request(contentType, body), 1024);
        Assert.Equal(status, result.Error!.StatusCode);
        Assert.StartsWith(reasonStart, result.Error.Reason);
    }

    private const string Head = "\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"";

    [Theory]
    [InlineData("{" + Head + ",\"data_base64\":\"not base64!\"}", "malformed structured CloudEvent: data_base64: must be a base64 string (RFC 4648")]
    [InlineData("{" + Head + ",\"data_base64\":42}", "malformed structured CloudEvent: data_base64: must be a base64 string")]
    [InlineData("{" + Head + ",\"data\":\"x\",\"data_base64\":\"eA==\"}", "malformed structured CloudEvent: data_base64: an event carries data or data_base64, not both")]
    [InlineData("[{" + Head + "}]", "malformed structured CloudEvent: the body is a JSON array, not an object")]
    [InlineData("{" + Head + ",\"subject\":{\"a\":1}}", "malformed structured CloudEvent: attribute 'subject': must be a string, number or boolean, not a JSON object")]
    public async Task A_structured_event_that_the_sdk_refuses_is_explained_by_field(string body, string reasonStart)
    {
        var result = await CloudEventHttp.ReadAsync(Request("application/cloudevents+json", body), 1024);
        Assert.Equal(400, result.Error!.StatusCode);
        Assert.StartsWith(reasonStart, result.Error.Reason);
    }

    [Fact]
    public async Task Binary_mode_bad_json_data_is_400()
    {
        var result = await CloudEventHttp.ReadAsync(Request("application/json", "{nope", Complete), 1024);
        Assert.Equal(400, result.Error!.StatusCode);
        Assert.StartsWith("data:", result.Error.Reason);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_even_without_content_length()
    {
        var request = Request("text/plain", new string('x', 2000), Complete);
        request.ContentLength = null;
        var result = await CloudEventHttp.ReadAsync(request, 1000);
        Assert.Equal(413, result.Error!.StatusCode);
    }

    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task Written_event_reads_back_the_same(ContentMode mode)
    {
        var original = new CloudEvent
        {
            Id = "r1",
            Source = new Uri("/reply", UriKind.Relative),
            Type = "dev.reply",
            DataContentType = "application/json",
            Data = System.Text.Json.JsonDocument.Parse("{\"ok\":true}").RootElement,
        };
        original["knativebrokerttl"] = "254";
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await CloudEventHttp.WriteAsync(context.Response, original, mode);

        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        context.Response.Body.Position = 0;
        response.Content = new StreamContent(context.Response.Body);
        foreach (var h in context.Response.Headers)
            if (!response.Headers.TryAddWithoutValidation(h.Key, h.Value.ToArray()))
                response.Content.Headers.TryAddWithoutValidation(h.Key, h.Value.ToArray());
        var read = await CloudEventHttp.ReadReplyAsync(response, 4096);
        Assert.NotNull(read);
        Assert.Null(read!.Error);
        Assert.Equal("r1", read.Event!.Id);
        Assert.Equal("254", read.Event["knativebrokerttl"]);
        Assert.Contains("\"ok\"", CloudEventHttp.DataAsText(read.Event));
    }

    [Fact]
    public async Task Plain_response_is_not_a_reply()
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("hello") };
        Assert.Null(await CloudEventHttp.ReadReplyAsync(response, 4096));
    }
}
