using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Broker.Configuration;
using Platform.Broker.Ingress;
using Platform.Broker.Routing;
using Platform.Broker.Streams;

namespace Platform.Broker.Tests.Ingress;

/// <summary>
/// The ingress's refusals, in process: every row is answered before anything is published, so the sidecar connection
/// points nowhere (the accepted path is covered end to end).
/// </summary>
public sealed class IngressValidationTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private BrokerCounters _counters = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var routes = new Routes();
        var broker = new BrokerRoute("default", "default", "kn-broker-default-default", []);
        routes.Set(RoutingTable.Empty with
        {
            Brokers = new Dictionary<(string, string), BrokerRoute> { [("default", "default")] = broker },
            BrokersByTopic = new Dictionary<string, BrokerRoute> { [broker.Topic] = broker },
        });
        builder.Services.AddSingleton(routes);
        builder.Services.AddSingleton(new BrokerOptions { MaxEventBytes = 1024 });
        builder.Services.AddSingleton<BrokerCounters>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new SidecarConnection("http://127.0.0.1:1", null));
        builder.Services.AddSingleton<EventPublisher>();
        _app = builder.Build();
        _app.MapIngress();
        await _app.StartAsync();
        _client = _app.GetTestClient();
        _counters = _app.Services.GetRequiredService<BrokerCounters>();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    // label, method, path, headers "k=v;k=v", content type, body, expected status, fragment of the reason
    public static TheoryData<string, string, string, string, string?, string, int, string> Rows => new()
    {
        { "GET is not allowed", "GET", "/default/default", "", null, "", 405, "POST" },
        { "PUT is not allowed", "PUT", "/default/default", "", null, "", 405, "POST" },
        { "unknown broker", "POST", "/default/nope", Binary, "text/plain", "x", 404, "default/nope" },
        { "unknown namespace", "POST", "/other/default", Binary, "text/plain", "x", 404, "other/default" },
        { "unknown channel", "POST", "/channels/default/nope", Binary, "text/plain", "x", 404, "channel default/nope" },
        { "binary without specversion", "POST", "/default/default", "ce-id=1;ce-source=urn:x;ce-type=t", "text/plain", "x", 400, "specversion" },
        { "binary without id", "POST", "/default/default", "ce-specversion=1.0;ce-source=urn:x;ce-type=t", "text/plain", "x", 400, "'id'" },
        { "binary without source and type", "POST", "/default/default", "ce-specversion=1.0;ce-id=1", "text/plain", "x", 400, "'source', 'type'" },
        { "bad specversion", "POST", "/default/default", "ce-specversion=0.1;ce-id=1;ce-source=urn:x;ce-type=t", "text/plain", "x", 400, "specversion" },
        { "structured body that is not JSON", "POST", "/default/default", "", "application/cloudevents+json", "{not json", 400, "malformed" },
        { "structured without type", "POST", "/default/default", "", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"urn:x"}""", 400, "type" },
        { "batch mode", "POST", "/default/default", "", "application/cloudevents-batch+json", "[]", 415, "batch" },
        { "over the size limit", "POST", "/default/default", Binary, "text/plain", new string('x', 2000), 413, "limit" },
        { "TTL 0 is dropped", "POST", "/default/default", Binary + ";ce-knativebrokerttl=0", "text/plain", "x", 400, "expired" },
        { "TTL not a number", "POST", "/default/default", Binary + ";ce-knativebrokerttl=abc", "text/plain", "x", 400, "knativebrokerttl" },
    };

    private const string Binary = "ce-specversion=1.0;ce-id=1;ce-source=urn:x;ce-type=t";

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Ingress_refuses_with_a_reason(string label, string method, string path, string headers, string? contentType, string body, int status, string reason)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }
        foreach (var h in headers.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = h.Split('=', 2);
            request.Headers.TryAddWithoutValidation(kv[0], kv[1]);
        }
        var ttlDroppedBefore = _counters.TtlDropped;
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{label}: {(int)response.StatusCode} {text}");
        Assert.Contains(reason, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (status == 405) Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Equal(label.StartsWith("TTL 0") ? ttlDroppedBefore + 1 : ttlDroppedBefore, _counters.TtlDropped);
        Assert.NotEqual(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static readonly string Corpus = Path.Combine(Platform.Testing.Builds.Root, "tests", "corpus", "cloudevents");

    public static TheoryData<string> CorpusFiles => new(Directory.GetFiles(Corpus, "*.http").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    /// <summary>
    /// <c>tests/corpus/cloudevents/*.http</c>: header lines, a blank line, the body. Each is a malformed event (binary,
    /// structured or batch) and must be a 4xx problem with a reason, never accepted, never a 5xx.
    /// </summary>
    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task Every_malformed_event_of_the_corpus_is_a_4xx_problem_with_a_reason(string file)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Corpus, file));
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var (head, body) = split < 0 ? (text, "") : (text[..split], text[(split + 2)..]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/default/default") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        foreach (var line in head.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':');
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                request.Content.Headers.TryAddWithoutValidation(name, value);
            else
                request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _client.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{file}: {(int)response.StatusCode} {answer}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = System.Text.Json.JsonDocument.Parse(answer).RootElement.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail), $"{file}: no reason in {answer}");
    }

    [Fact]
    public async Task Before_the_first_routing_table_the_ingress_answers_503_with_retry_after()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new Routes()); // nothing loaded yet
        builder.Services.AddSingleton(new BrokerOptions());
        builder.Services.AddSingleton<BrokerCounters>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new SidecarConnection("http://127.0.0.1:1", null));
        builder.Services.AddSingleton<EventPublisher>();
        await using var app = builder.Build();
        app.MapIngress();
        await app.StartAsync();
        using var client = app.GetTestClient();

        foreach (var path in new[] { "/default/default", "/channels/default/orders" })
        {
            using var content = new StringContent("x", Encoding.UTF8, "text/plain");
            using var response = await client.PostAsync(path, content);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            Assert.Contains("starting", await response.Content.ReadAsStringAsync());
        }
    }
}

