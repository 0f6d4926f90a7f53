using Yarp.ReverseProxy.Forwarder;

namespace Platform.Activator.Forwarding;

/// <summary>
/// One forward's <c>responseStartTimeoutSeconds</c>: its token is cancelled when the replica has not sent its response
/// headers in time, and <see cref="Disarm"/> (called by <see cref="ResponseStartTransformer"/> when they arrive) stops
/// the clock, so the body may then take as long as the other limits allow. Reached through the request's features.
/// </summary>
internal sealed class ResponseStartTimer : IDisposable
{
    private readonly CancellationTokenSource _cts;

    /// <summary>Starts the clock; the token also ends with <paramref name="outer"/>.</summary>
    public ResponseStartTimer(TimeSpan limit, CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _cts.CancelAfter(limit);
    }

    /// <summary>The token to forward with.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>True when the response had not started in time (not when the outer token ended it).</summary>
    public bool Fired { get; private set; }

    /// <summary>The response started: no more clock.</summary>
    public void Disarm() => _cts.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>Records whether the clock (rather than the outer token) cancelled the forward.</summary>
    public void Settle(CancellationToken outer) => Fired = _cts.IsCancellationRequested && !outer.IsCancellationRequested;

    /// <inheritdoc />
    public void Dispose() => _cts.Dispose();
}

/// <summary>
/// The shared transformer, plus: the response's headers arrived, so the request's <see cref="ResponseStartTimer"/> (if
/// any) stops. Used only for revisions with a response-start limit shorter than their timeout.
/// </summary>
internal sealed class ResponseStartTransformer(HttpTransformer inner) : HttpTransformer
{
    /// <inheritdoc />
    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken) =>
        inner.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null) httpContext.Features.Get<ResponseStartTimer>()?.Disarm();
        return inner.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        inner.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
}
