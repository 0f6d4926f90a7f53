using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Server.Security;
using Platform.ControlPlane.Store;

namespace Platform.ServingController.Tests.Security;

public class ApiAuthenticationTests
{
    private const string Token = "rw-0123456789abcdef";
    private const string ReadToken = "ro-0123456789abcdef";
    private static readonly ApiAuthOptions Options = new() { Token = Token, ReadToken = ReadToken, TokenLocation = "/run/app/.platform/api-token" };

    // label, method, Authorization header, expected reason (null: allowed), fragment of the message
    public static TheoryData<string, string, string?, StatusReason?, string> Rows => new()
    {
        { "no header", "GET", null, StatusReason.Unauthorized, "/run/app/.platform/api-token" },
        { "not a bearer", "GET", "Basic dXNlcjpwYXNz", StatusReason.Unauthorized, "Authorization: Bearer" },
        { "empty bearer", "GET", "Bearer ", StatusReason.Unauthorized, "needs a bearer token" },
        { "wrong token", "GET", "Bearer nope-0123456789abcdef", StatusReason.Unauthorized, "not valid" },
        { "a prefix of the token", "GET", "Bearer rw-0123", StatusReason.Unauthorized, "not valid" },
        { "read-write reads", "GET", $"Bearer {Token}", null, "" },
        { "read-write writes", "POST", $"Bearer {Token}", null, "" },
        { "read-write deletes", "DELETE", $"Bearer {Token}", null, "" },
        { "scheme is case-insensitive", "PATCH", $"bearer {Token}", null, "" },
        { "read-only reads", "GET", $"Bearer {ReadToken}", null, "" },
        { "read-only HEAD", "HEAD", $"Bearer {ReadToken}", null, "" },
        { "read-only may not create", "POST", $"Bearer {ReadToken}", StatusReason.Forbidden, "read-only" },
        { "read-only may not patch", "PATCH", $"Bearer {ReadToken}", StatusReason.Forbidden, "PATCH needs the read-write token" },
        { "read-only may not delete", "DELETE", $"Bearer {ReadToken}", StatusReason.Forbidden, "/run/app/.platform/api-token" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_request_passes_or_gets_401_or_403_with_where_the_token_lives(string label, string method, string? authorization, StatusReason? reason, string message)
    {
        var error = ApiAccess.Check(Options, method, authorization);
        Assert.True(reason == error?.Reason, $"{label}: want {reason?.ToString() ?? "allowed"}, got {error?.Reason.ToString() ?? "allowed"} ({error?.Message})");
        if (error is not null) Assert.Contains(message, error.Message);
    }

    [Fact]
    public void No_token_configured_checks_nothing() =>
        Assert.Null(ApiAccess.Check(new ApiAuthOptions(), "DELETE", null));

    // label, token, read token, fragment of the error (null: valid)
    public static TheoryData<string, string?, string?, string?> Settings => new()
    {
        { "none", null, null, null },
        { "both", Token, ReadToken, null },
        { "placeholder left by dapr run", "{{platform:api-token}}", null, "placeholder" },
        { "too short", "short", null, "at least 16" },
        { "read token alone", null, ReadToken, "only together" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Settings_are_validated(string label, string? token, string? readToken, string? error)
    {
        var errors = new ApiAuthOptions { Token = token, ReadToken = readToken }.Validate();
        if (error is null) Assert.True(errors.Count == 0, label + ": " + string.Join("; ", errors));
        else Assert.Contains(errors, e => e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_API_answers_401_without_the_token_403_for_the_read_only_one_on_a_write_and_health_stays_open()
    {
        await using var host = new ApiHost(settings: new Dictionary<string, string?>
        {
            ["ControlPlane:Auth:Token"] = Token,
            ["ControlPlane:Auth:ReadToken"] = ReadToken,
            ["PLATFORM_DIR"] = "/srv/app/.platform",
        });
        using (var health = await host.Client.GetAsync("/healthz")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using (var anonymous = await host.Client.GetAsync(ApiHost.Services_))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer realm=\"platform\"", anonymous.Headers.WwwAuthenticate.ToString());
            var status = JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!;
            Assert.Equal("Status", (string?)status["kind"]);
            Assert.Equal("Unauthorized", (string?)status["reason"]);
            Assert.Contains("/srv/app/.platform/api-token", (string?)status["message"]);
        }
        using (var workloads = await host.Client.GetAsync("/workloads/v1/revisions/default/x")) Assert.Equal(HttpStatusCode.Unauthorized, workloads.StatusCode);

        // Read-only: lists, but a create is 403 and changes nothing.
        using (var list = Send(host, HttpMethod.Get, ApiHost.Services_, ReadToken)) Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(list)).StatusCode);
        using (var create = Send(host, HttpMethod.Post, ApiHost.Services_, ReadToken, ApiHost.ServiceObject("hello").ToJsonString()))
        using (var refused = await host.Client.SendAsync(create))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("read-only", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, host.Persistence.Count);

        // Read-write: the store client with the token creates.
        using (var create = Send(host, HttpMethod.Post, ApiHost.Services_, Token, ApiHost.ServiceObject("hello").ToJsonString()))
        using (var created = await host.Client.SendAsync(create))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private static HttpRequestMessage Send(ApiHost host, HttpMethod method, string path, string token, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return request;
    }
}
