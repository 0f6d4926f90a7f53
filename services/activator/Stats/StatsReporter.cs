namespace Platform.Activator.Stats;

/// <summary>
/// Every <see cref="ActivatorOptions.StatsInterval"/>, in the middle of it (see <see cref="NextTick"/>), closes the
/// windows and sends one batch to the sink, stamped with the tick's nominal time.
/// </summary>
internal sealed partial class StatsReporter(RevisionStatsRecorder recorder, IRevisionStatsSink sink, IServedRevisions served, ActivatorOptions options,
    TimeProvider time, ILogger<StatsReporter> logger) : BackgroundService
{
    private static readonly string Instance = $"{Environment.MachineName}/{Environment.ProcessId}";
    private bool _failing;

    /// <summary>The last batch built (also when nothing was sent), for <c>GET /activator/v1/stats</c>.</summary>
    public StatsBatch? Last { get; private set; }

    /// <summary>
    /// The first tick strictly after <paramref name="after"/>: the Unix epoch plus (k + ½) × <paramref name="interval"/>.
    /// With the 1 s default every tick falls at half past a second, so a batch stamped with its tick lies in a second
    /// of its own (the autoscaler buckets stats by second) even when the timer fires late or delivery is slow.
    /// </summary>
    public static DateTimeOffset NextTick(DateTimeOffset after, TimeSpan interval)
    {
        var sinceEpoch = after - DateTimeOffset.UnixEpoch - interval / 2;
        var k = (long)Math.Floor(sinceEpoch.Ticks / (double)interval.Ticks) + 1;
        return DateTimeOffset.UnixEpoch + interval / 2 + TimeSpan.FromTicks(k * interval.Ticks);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var tick = NextTick(time.GetUtcNow(), options.StatsInterval);
            while (true)
            {
                var now = time.GetUtcNow();
                // The wall clock stepped back (NTP): wait for the next tick of the new time, not for the old one. (Not
                // at one interval: a delay that fired a little early leaves the next tick just over one interval away.)
                if (tick - now > 2 * options.StatsInterval) tick = NextTick(now, options.StatsInterval);
                var wait = tick - now;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                await TickAsync(tick, stoppingToken).ConfigureAwait(false);
                // A tick that fired more than an interval late skips the ticks it missed rather than sending them in a burst.
                var after = time.GetUtcNow();
                tick = NextTick(after > tick ? after : tick, options.StatsInterval);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Builds and sends one batch now, stamped now.</summary>
    public Task TickAsync(CancellationToken cancellationToken) => TickAsync(time.GetUtcNow(), cancellationToken);

    /// <summary>Builds and sends one batch now, stamped <paramref name="stamp"/> (the tick it stands for).</summary>
    public async Task TickAsync(DateTimeOffset stamp, CancellationToken cancellationToken)
    {
        var batch = new StatsBatch(Instance, stamp, options.StatsInterval.TotalSeconds, recorder.Snapshot(served.WithReplicas()));
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
