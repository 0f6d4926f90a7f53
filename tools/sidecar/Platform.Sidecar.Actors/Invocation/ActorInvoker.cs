using System.Text;
using Platform.Sidecar.Actors.Activation;
using Platform.Sidecar.Actors.Hosting;

namespace Platform.Sidecar.Actors.Invocation;

/// <summary>How a call to the app ended.</summary>
internal enum AppCallOutcome
{
    /// <summary>The app answered; <see cref="AppReply.StatusCode"/> is its status.</summary>
    Answered,
    /// <summary>The app could not be reached.</summary>
    Unreachable,
    /// <summary>A reentrant call chain nested deeper than <c>maxStackDepth</c>.</summary>
    StackTooDeep,
}

/// <summary>The app's answer to an actor callback, buffered so that the turn is released before the caller reads it.</summary>
internal sealed record AppReply(AppCallOutcome Outcome, int StatusCode, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body, string? Error = null)
{
    public bool IsSuccess => Outcome == AppCallOutcome.Answered && StatusCode is >= 200 and < 300;

    public static AppReply Failed(AppCallOutcome outcome, string error) => new(outcome, 0, [], [], error);
}

/// <summary>
/// Calls an actor hosted by this sidecar's app: activates it, takes its turn (one call at a time, reentrancy by
/// <c>Dapr-Reentrancy-Id</c> when the type enables it), sends the callback and buffers the answer.
/// </summary>
internal sealed class ActorInvoker(ActorTable table, AppChannel app, ActorConfigSource config)
{
    public const string ReentrancyHeader = "Dapr-Reentrancy-Id";

    /// <summary>
    /// Sends <c>PUT /actors/{type}/{id}/{suffix}</c>. <paramref name="content"/> is called once the turn is held;
    /// <paramref name="headers"/> are copied onto the request.
    /// </summary>
    public async Task<AppReply> InvokeAsync(
        ActorKey key,
        string suffix,
        Func<HttpContent?> content,
        IEnumerable<KeyValuePair<string, string[]>>? headers,
        string? reentrancyId,
        CancellationToken cancellationToken)
    {
        var settings = config.Current.For(key.Type);
        var chain = settings.Reentrancy.Enabled ? reentrancyId ?? Guid.NewGuid().ToString() : null;
        while (true)
        {
            var activation = table.GetOrActivate(key);
            activation.BeginCall();
            try
            {
                var (outcome, turn) = await activation.Turn.EnterAsync(chain, settings.Reentrancy.MaxStackDepth, cancellationToken).ConfigureAwait(false);
                if (outcome == TurnOutcome.StackTooDeep)
                    return AppReply.Failed(AppCallOutcome.StackTooDeep, $"maximum stack depth of {settings.Reentrancy.MaxStackDepth} exceeded for actor {key}");
                using (turn)
                {
                    // Deactivated while this call waited: go again with a fresh activation.
                    if (activation.Deactivated) continue;
                    return await SendAsync(key, suffix, content(), headers, chain, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                activation.EndCall();
            }
        }
    }

    private async Task<AppReply> SendAsync(ActorKey key, string suffix, HttpContent? content, IEnumerable<KeyValuePair<string, string[]>>? headers, string? chain, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ActorPaths.App(key, suffix)) { Content = content ?? new ByteArrayContent([]) };
        if (headers is not null)
        {
            foreach (var (name, values) in headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, values)) request.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }
        if (chain is not null) request.Headers.TryAddWithoutValidation(ReentrancyHeader, chain);
        try
        {
            using var response = await app.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var replyHeaders = new List<KeyValuePair<string, string[]>>();
            foreach (var (name, values) in response.Headers)
                if (!HopByHop.Contains(name)) replyHeaders.Add(new(name, values.ToArray()));
            foreach (var (name, values) in response.Content.Headers)
                if (!HopByHop.Contains(name)) replyHeaders.Add(new(name, values.ToArray()));
            return new AppReply(AppCallOutcome.Answered, (int)response.StatusCode, replyHeaders, body);
        }
        catch (HttpRequestException e)
        {
            return AppReply.Failed(AppCallOutcome.Unreachable, $"the app could not be reached: {e.Message}");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // A connect timeout, not the caller giving up.
            return AppReply.Failed(AppCallOutcome.Unreachable, $"the app could not be reached: {e.Message}");
        }
    }

    /// <summary>Headers that describe one hop, never copied between the caller, the sidecar and the app.</summary>
    public static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Expect", "Proxy-Connection",
        "Proxy-Authorization", "Proxy-Authenticate", "Content-Length", "dapr-api-token", ReentrancyHeader, ActorForwarder.ForwardedHeader,
    };

    /// <summary>A JSON body for a timer or reminder callback.</summary>
    public static HttpContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        return content;
    }
}
