using System.Text;
using System.Text.Json;
using Platform.Sidecar.Actors.State;
using Platform.Sidecar.Core.State;

namespace Platform.Sidecar.Actors.Tests.State;

public sealed class ActorStateRequestTests
{
    private static (IReadOnlyList<StateOperation>? Ops, string? Error) Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ActorStateRequest.Parse(doc.RootElement, k => "app||T||1||" + k);
    }

    [Fact]
    public void ReadsTheSdkBody()
    {
        var (ops, error) = Parse("""
            [{"operation":"upsert","request":{"key":"count","value":{"n":5}}},
             {"operation":"delete","request":{"key":"old"}},
             {"operation":"upsert","request":{"key":"s","value":"text","metadata":{"ttlInSeconds":"60"}}}]
            """);
        Assert.Null(error);
        Assert.Collection(ops!,
            op => { Assert.Equal(StateOperationKind.Upsert, op.Kind); Assert.Equal("app||T||1||count", op.Key); Assert.Equal("{\"n\":5}", Encoding.UTF8.GetString(op.Value!)); },
            op => { Assert.Equal(StateOperationKind.Delete, op.Kind); Assert.Equal("app||T||1||old", op.Key); },
            op => Assert.Equal("\"text\"", Encoding.UTF8.GetString(op.Value!)));
    }

    [Theory]
    [InlineData("{}", "the body must be a JSON array")]
    [InlineData("[1]", "[0]: must be an object")]
    [InlineData("""[{"operation":"upsert"}]""", "[0].request: required object")]
    [InlineData("""[{"operation":"upsert","request":{"value":1}}]""", "[0].request.key: required")]
    [InlineData("""[{"operation":"upsert","request":{"key":"a"}},{"operation":"merge","request":{"key":"b"}}]""", "[1].operation: must be \"upsert\" or \"delete\"")]
    public void RefusesNamingTheField(string json, string expected)
    {
        var (ops, error) = Parse(json);
        Assert.Null(ops);
        Assert.StartsWith(expected, error);
    }
}
