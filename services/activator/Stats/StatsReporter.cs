namespace Platform.Activator.Stats;

/// <summary>Every <see cref="ActivatorOptions.StatsInterval"/>, closes the windows and sends one batch to the sink.</summary>
internal sealed partial class StatsReporter(RevisionStatsRecorder recorder, IRevisionStatsSink sink, IServedRevisions served, ActivatorOptions options,
    TimeProvider time, ILogger<StatsReporter> logger) : BackgroundService
{
    private static readonly string Instance = $"{Environment.MachineName}/{Environment.ProcessId}";
    private bool _failing;

    /// <summary>The last batch built (also when nothing was sent), for <c>GET /activator/v1/stats</c>.</summary>
    public StatsBatch? Last { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.StatsInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await TickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Builds and sends one batch now.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var batch = new StatsBatch(Instance, time.GetUtcNow(), options.StatsInterval.TotalSeconds, recorder.Snapshot(served.WithReplicas()));
        Last = batch;
        if (batch.Revisions.Count == 0) return;
        try
        {
            await sink.ReportAsync(batch, cancellationToken).ConfigureAwait(false);
            if (_failing) LogRecovered();
            _failing = false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Log the first failure of a run only: without a sidecar this would fill the log every second.
            if (!_failing) LogFailed(batch.Revisions.Count, e.Message);
            _failing = true;
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Stats for {Count} revisions not delivered: {Reason} (further failures are not logged until delivery works)")]
    private partial void LogFailed(int count, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Stats delivery works again")]
    private partial void LogRecovered();
}
