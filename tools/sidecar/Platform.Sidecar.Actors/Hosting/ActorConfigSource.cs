namespace Platform.Sidecar.Actors.Hosting;

/// <summary>The app's actor configuration once <c>GET /dapr/config</c> has answered.</summary>
internal sealed class ActorConfigSource
{
    private readonly TaskCompletionSource<ActorAppConfig> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The configuration; <see cref="ActorAppConfig.None"/> until loaded.</summary>
    public ActorAppConfig Current { get; private set; } = ActorAppConfig.None;

    public bool IsLoaded => _loaded.Task.IsCompleted;

    public void Set(ActorAppConfig config)
    {
        Current = config;
        _loaded.TrySetResult(config);
    }

    /// <summary>
    /// The configuration, waiting up to <paramref name="patience"/> for the app's first answer: a call that races the
    /// app's start-up should find its actor types rather than fail.
    /// </summary>
    public async ValueTask<ActorAppConfig> GetAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        if (IsLoaded) return Current;
        try
        {
            return await _loaded.Task.WaitAsync(patience, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Current;
        }
    }
}
