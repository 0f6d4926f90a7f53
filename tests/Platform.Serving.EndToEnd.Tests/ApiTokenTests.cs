using System.Net;
using Platform.Testing.Serving;

namespace Platform.Serving.EndToEnd.Tests;

/// <summary>The Serving stack with <c>DAPR_API_TOKEN</c>/<c>APP_API_TOKEN</c> set for every app and sidecar.</summary>
public sealed class TokenServingStack : ServingStack
{
    /// <summary>The token every process gets.</summary>
    public const string Token = "e2e-dapr-api-token";

    /// <summary>Sets the token before the stack starts.</summary>
    public TokenServingStack() => Options = new ServingStackOptions { ApiToken = Token };
}

/// <summary>
/// Setting <c>DAPR_API_TOKEN</c> must not break Serving: every call a service makes to its sidecar (the controller's
/// route pushes to the activator, the activator's pokes and stats) carries the token, and the sidecars enforce it.
/// </summary>
public sealed class ApiTokenTests(TokenServingStack stack) : IClassFixture<TokenServingStack>
{
    private static readonly TimeSpan Cli = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task With_DAPR_API_TOKEN_set_a_service_is_routed_and_answers_and_the_sidecars_refuse_calls_without_it()
    {
        stack.SkipIfUnavailable();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // The token is in force: the controller's sidecar refuses a call without it and accepts one with it.
        var metadata = $"http://127.0.0.1:{stack.ControllerDaprHttpPort}/v1.0/metadata";
        using (var refused = await http.GetAsync(metadata)) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var request = new HttpRequestMessage(HttpMethod.Get, metadata))
        {
            request.Headers.Add("dapr-api-token", TokenServingStack.Token);
            using var accepted = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        // Ready means the route table reached the activator (controller → its sidecar → the activator's, with the token).
        var create = await stack.CliAsync(Cli, "service", "create", "secured", "--cmd", "dotnet", "--arg", stack.HelloWorld,
            "--env", "TARGET=Token", "--wait-timeout", "60");
        Assert.True(create.ExitCode == 0, create.Output + "\n" + stack.AppLog("serving-controller"));
        using var get = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{stack.ActivatorPort}/");
        get.Headers.Host = "secured.default.localhost";
        using var response = await http.SendAsync(get);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync() + "\n" + stack.AppLog("activator"));
        Assert.Equal("Hello Token!\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, (await stack.CliAsync(Cli, "service", "delete", "secured")).ExitCode);
    }
}
