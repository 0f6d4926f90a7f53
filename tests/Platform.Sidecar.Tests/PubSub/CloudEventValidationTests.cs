using Platform.Sidecar.Core.PubSub;

namespace Platform.Sidecar.Tests.PubSub;

/// <summary>What the sidecar accepts as a structured CloudEvent (<c>application/cloudevents+json</c>) to publish.</summary>
public sealed class CloudEventValidationTests
{
    [Theory]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","data":{"a":1}}""")]
    [InlineData("""{"id":"1","source":"s","type":"t"}""")] // specversion filled in
    [InlineData("""{"data":"text"}""")] // id, source, type filled in, as daprd does
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"aGk="}""")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"x","time":"2026-12-03T10:00:00Z","myext":5}""")]
    public void Sound_events_pass(string body) =>
        Assert.Null(CloudEventEnvelope.Validate(System.Text.Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("""{"id":"1",""", "body: not valid JSON")]
    [InlineData("", "body: not valid JSON")]
    [InlineData("[1,2]", "body: a structured CloudEvent is a JSON object, got array")]
    [InlineData("\"text\"", "body: a structured CloudEvent is a JSON object, got string")]
    [InlineData("""{"id":"1"} {"id":"2"}""", "body: not valid JSON")]
    [InlineData("""{"id":5,"source":"s","type":"t"}""", "id: must be a string, got number")]
    [InlineData("""{"id":"1","source":{},"type":"t"}""", "source: must be a string, got object")]
    [InlineData("""{"id":"1","source":"s","type":null}""", "type: must be a string, got null")]
    [InlineData("""{"specversion":"0.3","id":"1","source":"s","type":"t"}""", "specversion: \"0.3\" is not supported")]
    [InlineData("""{"specversion":"1.0","id":"","source":"s","type":"t"}""", "id: must not be empty")]
    [InlineData("""{"id":"1","source":"s","type":"t","time":1}""", "time: must be a string")]
    [InlineData("""{"id":"1","source":"s","type":"t","data":1,"data_base64":"aGk="}""", "data_base64: an event carries data or data_base64, not both")]
    [InlineData("""{"id":"1","source":"s","type":"t","data_base64":"not base64!"}""", "data_base64: must be a base64 string")]
    public void Unsound_events_are_refused_naming_the_attribute(string body, string error) =>
        Assert.StartsWith(error, CloudEventEnvelope.Validate(System.Text.Encoding.UTF8.GetBytes(body)));
}
