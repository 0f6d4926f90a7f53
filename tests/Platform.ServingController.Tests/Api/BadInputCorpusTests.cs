using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;

namespace Platform.ServingController.Tests.Api;

/// <summary>
/// The malformed manifests of <c>tests/corpus/api</c> (YAML syntax errors, alias bombs, deep nesting, wrong types,
/// invalid names, annotations, traffic, CESQL, durations, binary garbage) through the real apply endpoint: each a 4xx
/// with a Kubernetes Status naming the reason, never a 5xx, and nothing stored. With the admission users get (knative).
/// </summary>
public sealed class BadInputCorpusTests : IAsyncLifetime
{
    private const string Apply = "/apis/platform.dev/v1/apply";
    private static readonly string Corpus = Path.Combine(Platform.Testing.Builds.Root, "tests", "corpus", "api");
    private readonly ApiHost _host = new(settings: new Dictionary<string, string?> { ["ControlPlane:Admission"] = "knative" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string> Files => new(Directory.GetFiles(Corpus).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await _host.Client.PostAsync(Apply, content);
    }

    private async Task AssertNothingStoredAsync()
    {
        foreach (var kind in ResourceKinds.Knative.All)
            Assert.True((await _host.Store.ListAsync(kind, null)).Items.Count == 0, $"a {kind.Kind} was stored");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Every_malformed_manifest_is_a_4xx_with_a_reason_and_nothing_is_applied(string file)
    {
        var contentType = file.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/yaml";
        using var response = await PostAsync(await File.ReadAllBytesAsync(Path.Combine(Corpus, file)), contentType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{file}: {(int)response.StatusCode} {text}");
        var status = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)status["message"]), $"{file}: no message in {text}");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_oversized_manifest_is_413_and_nothing_is_applied()
    {
        var huge = $"{{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Service\",\"metadata\":{{\"name\":\"a\",\"annotations\":{{\"x\":\"{new string('y', 8 * 1024 * 1024)}\"}}}}}}";
        using var response = await PostAsync(System.Text.Encoding.UTF8.GetBytes(huge), "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNothingStoredAsync();
    }
}
