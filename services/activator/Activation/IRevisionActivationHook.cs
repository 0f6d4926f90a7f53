using Platform.ServiceDefaults;
using Platform.Serving.Contracts.Stats;

namespace Platform.Activator.Activation;

/// <summary>
/// Told when the first request is held for a revision with no ready replica, so that the autoscaler decides at
/// once instead of at its next tick (Knative's "poke"). Called at most once per stretch at zero.
/// </summary>
internal interface IRevisionActivationHook
{
    /// <summary>Asks for the revision to be scaled up from zero.</summary>
    Task PokeAsync(string @namespace, string revision, CancellationToken cancellationToken);
}

/// <summary>
/// Pokes the autoscaler through Dapr service invocation:
/// <c>POST /v1.0/invoke/{autoscalerAppId}/method/poke/{namespace}/{revision}</c> with no body, through
/// <see cref="DaprInvocation.CreateHttpClient"/> (<c>DAPR_HTTP_ENDPOINT</c>/<c>DAPR_HTTP_PORT</c>, and <c>DAPR_API_TOKEN</c> when set).
/// </summary>
internal sealed class DaprActivationHook(ActivatorOptions options) : IRevisionActivationHook, IDisposable
{
    private readonly HttpClient _client = DaprInvocation.CreateHttpClient(options.AutoscalerAppId);

    /// <inheritdoc />
    public async Task PokeAsync(string @namespace, string revision, CancellationToken cancellationToken)
    {
        using var response = await _client.PostAsync(
            AutoscalerApi.Poke(@namespace, revision), content: null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

/// <summary>Does nothing; for tests and for running the activator without an autoscaler.</summary>
internal sealed class NoActivationHook : IRevisionActivationHook
{
    /// <inheritdoc />
    public Task PokeAsync(string @namespace, string revision, CancellationToken cancellationToken) => Task.CompletedTask;
}
