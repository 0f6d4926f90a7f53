using System.Globalization;
using System.Net;
using System.Text;
using GitHubSource.Webhooks;
using Platform.Testing;
using Platform.Testing.Eventing;
using Platform.Testing.Processes;

namespace Platform.Sources.Tests.GitHub;

/// <summary>
/// The GitHub source as a real process on loopback (samples/github-source, built), with a <see cref="RecordingSink"/>
/// as its <c>K_SINK</c>: webhooks signed as GitHub signs them, and what reaches the sink on the wire.
/// </summary>
public sealed class GitHubSourceTests : IAsyncLifetime
{
    private const string Secret = "s3cr3t-for-tests";
    private const string Delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    private const string Push = """{"ref":"refs/heads/main","compare":"https://github.com/Codertocat/Hello-World/compare/a10867b14bb7...000000000000","created":false,"deleted":false,"forced":false,"pusher":{"name":"Codertocat"},"repository":{"id":1296269,"name":"Hello-World","html_url":"https://github.com/Codertocat/Hello-World","owner":{"login":"Codertocat"}},"sender":{"login":"octocat"}}""";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<TestProcess> _processes = [];
    private readonly List<RecordingSink> _sinks = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var p in _processes) await p.DisposeAsync();
        foreach (var s in _sinks) await s.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_signed_push_reaches_the_sink_as_knatives_github_cloudevent_in_binary_mode()
    {
        var sink = await SinkAsync();
        var source = await StartAsync(sink.Url, new() { ["K_CE_OVERRIDES"] = """{"extensions":{"team":"blue"}}""" });

        using var response = await PostAsync(source, "push", Push, WebhookSignature.Sign(Encoding.UTF8.GetBytes(Push), Secret));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivery = Assert.Single(await sink.WaitForAsync(1, TimeSpan.FromSeconds(20)));
        var headers = delivery.Headers;
        Assert.Equal("1.0", headers["ce-specversion"]);
        Assert.Equal(Delivery, headers["ce-id"]);
        Assert.Equal("dev.knative.source.github.push", headers["ce-type"]);
        Assert.Equal("https://github.com/Codertocat/Hello-World", headers["ce-source"]);
        Assert.Equal("a10867b14bb7...000000000000", headers["ce-subject"]);
        Assert.True(DateTimeOffset.TryParse(headers["ce-time"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _), headers["ce-time"]);
        Assert.Equal("application/json", headers["content-type"]);
        var extensions = headers.Where(h => h.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase) && h.Key is not ("ce-specversion" or "ce-id" or "ce-type" or "ce-source" or "ce-subject" or "ce-time"))
            .Select(h => $"{h.Key}={h.Value}").Order(StringComparer.Ordinal);
        Assert.Equal("ce-created=false;ce-deleted=false;ce-forced=false;ce-owner=Codertocat;ce-pusher=Codertocat;ce-ref=refs/heads/main;ce-repository=Hello-World;ce-sender=octocat;ce-team=blue",
            string.Join(";", extensions));
        Assert.Equal(Push, ((System.Text.Json.JsonElement)delivery.Event.Data!).GetRawText()); // the payload as GitHub sent it
    }

    [Fact]
    public async Task A_bad_or_missing_signature_is_401_with_the_reason_and_nothing_is_sent()
    {
        var sink = await SinkAsync();
        var source = await StartAsync(sink.Url);

        using var wrong = await PostAsync(source, "push", Push, WebhookSignature.Sign(Encoding.UTF8.GetBytes(Push), "another secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("X-Hub-Signature-256 does not match the body", await wrong.Content.ReadAsStringAsync());

        using var missing = await PostAsync(source, "push", Push, signature: null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("X-Hub-Signature-256 is missing", await missing.Content.ReadAsStringAsync());

        // A signed request after them is forwarded: had the refused ones been sent, the sink would have them first.
        using var good = await PostAsync(source, "ping", """{"hook_id":30}""", WebhookSignature.Sign(Encoding.UTF8.GetBytes("""{"hook_id":30}"""), Secret));
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
        var only = Assert.Single(await sink.WaitForAsync(1, TimeSpan.FromSeconds(20)));
        Assert.Equal("dev.knative.source.github.ping", only.Event.Type);
        Assert.Equal(1, sink.Calls);
    }

    [Fact]
    public async Task Missing_github_headers_or_payload_are_400()
    {
        var sink = await SinkAsync();
        var source = await StartAsync(sink.Url);
        var signature = WebhookSignature.Sign(Encoding.UTF8.GetBytes(Push), Secret);

        using var noEvent = await PostAsync(source, gitHubEvent: null, Push, signature);
        Assert.Equal(HttpStatusCode.BadRequest, noEvent.StatusCode);
        Assert.Contains("X-GitHub-Event is missing", await noEvent.Content.ReadAsStringAsync());

        using var noDelivery = await PostAsync(source, "push", Push, signature, delivery: null);
        Assert.Equal(HttpStatusCode.BadRequest, noDelivery.StatusCode);
        Assert.Contains("X-GitHub-Delivery is missing", await noDelivery.Content.ReadAsStringAsync());

        using var notJson = await PostAsync(source, "push", "oops", WebhookSignature.Sign(Encoding.UTF8.GetBytes("oops"), Secret));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Contains("the payload is not JSON", await notJson.Content.ReadAsStringAsync());
        Assert.Equal(0, sink.Calls);
    }

    [Fact]
    public async Task A_form_encoded_delivery_is_verified_on_the_form_body_and_sends_its_payload()
    {
        var sink = await SinkAsync();
        var source = await StartAsync(sink.Url);
        var form = "payload=" + Uri.EscapeDataString(Push);
        using var request = Request(source, "push", WebhookSignature.Sign(Encoding.UTF8.GetBytes(form), Secret), Delivery);
        request.Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivery = Assert.Single(await sink.WaitForAsync(1, TimeSpan.FromSeconds(20)));
        Assert.Equal(Push, ((System.Text.Json.JsonElement)delivery.Event.Data!).GetRawText());
    }

    [Fact]
    public async Task A_sink_that_stays_down_is_502_after_the_sdks_retries()
    {
        var sink = await SinkAsync((_, _) => 503);
        var source = await StartAsync(sink.Url);

        using var response = await PostAsync(source, "push", Push, WebhookSignature.Sign(Encoding.UTF8.GetBytes(Push), Secret));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("503 ServiceUnavailable after 6 attempts", await response.Content.ReadAsStringAsync());
        Assert.Equal(6, sink.Calls); // the first attempt and the SDK's 5 retries
        var health = await _http.GetStringAsync($"{source}/healthz");
        Assert.Contains("\"failed\":1", health);
    }

    [Fact]
    public async Task Without_a_secret_the_source_does_not_start()
    {
        var sink = await SinkAsync();
        var port = FreePort.Next();
        var process = TestProcess.Start(Builds.Output("samples/github-source", "github-source.dll"), [],
            new Dictionary<string, string> { ["K_SINK"] = sink.Url.ToString(), ["PORT"] = port.ToString(CultureInfo.InvariantCulture) });
        _processes.Add(process);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("GITHUB_WEBHOOK_SECRET is not set", process.Output);
    }

    private async Task<RecordingSink> SinkAsync(Func<CloudNative.CloudEvents.CloudEvent, int, int>? respond = null)
    {
        var sink = await RecordingSink.StartAsync(respond);
        _sinks.Add(sink);
        return sink;
    }

    private async Task<string> StartAsync(Uri sink, Dictionary<string, string>? more = null)
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["K_SINK"] = sink.ToString(),
            ["GITHUB_WEBHOOK_SECRET"] = Secret,
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in more ?? []) environment[k] = v;
        var process = TestProcess.Start(Builds.Output("samples/github-source", "github-source.dll"), [], environment);
        _processes.Add(process);
        var url = $"http://127.0.0.1:{port}";
        await process.WaitUntilAsync($"{url}/healthz", TimeSpan.FromSeconds(60));
        return url;
    }

    private Task<HttpResponseMessage> PostAsync(string source, string? gitHubEvent, string body, string? signature, string? delivery = Delivery)
    {
        var request = Request(source, gitHubEvent, signature, delivery);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return _http.SendAsync(request);
    }

    private static HttpRequestMessage Request(string source, string? gitHubEvent, string? signature, string? delivery)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, source + "/");
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/044aadd");
        if (gitHubEvent is not null) request.Headers.Add("X-GitHub-Event", gitHubEvent);
        if (delivery is not null) request.Headers.Add("X-GitHub-Delivery", delivery);
        if (signature is not null) request.Headers.Add("X-Hub-Signature-256", signature);
        return request;
    }
}
