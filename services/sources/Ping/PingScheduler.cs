using System.Collections.Concurrent;
using Platform.Sources.Configuration;
using Platform.Sources.Sdk;

namespace Platform.Sources.Ping;

/// <summary>
/// Fires PingSources. Keeps each job's next tick (<see cref="PingTimeline"/>), sleeps until the earliest, and for each
/// due tick: claims it (<see cref="ITickClaims"/>: of several replicas one fires it, and a restart does not fire it
/// again), builds the event (<see cref="PingEvents"/>) and sends it with retries. Sends run concurrently (at most
/// <see cref="PingOptions.MaxConcurrentSends"/>), so a slow sink does not hold up the others' ticks. The outcome of
/// each source's last delivery is kept for its status; a change of outcome raises <see cref="DeliveryChanged"/>.
/// A tick is claimed ahead of time (<see cref="PingOptions.ClaimLead"/> before it), so that at the boundary only the
/// sends remain: a claim is two state-store round trips through the sidecar, and a thousand of them at the boundary
/// pushed the last events of a tick past a second. Claiming early changes nothing for exactly-once: the record still
/// names one replica per tick, and a replica that dies between its claim and the tick loses that tick, as one that
/// died between claim and send did before.
/// </summary>
internal sealed partial class PingScheduler(ITickClaims claims, CloudEventSender sender, SourcesOptions options, TimeProvider time, ILogger<PingScheduler> logger)
    : BackgroundService
{
    private sealed class Entry(PingJob job, DateTimeOffset? next)
    {
        public PingJob Job { get; set; } = job;
        public DateTimeOffset? Next { get; set; } = next;

        // The claim of a coming tick, started ahead of it; null when none was started.
        public (DateTimeOffset Tick, Task<bool> Mine)? Early { get; set; }
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeliveryOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sends = new(Math.Max(1, options.Ping.MaxConcurrentSends));
    private readonly SemaphoreSlim _claims = new(Math.Max(1, options.Ping.MaxConcurrentSends));
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _started;

    /// <summary>Raised when a source's last delivery went the other way (delivered ↔ failed) or failed differently.</summary>
    public event Action? DeliveryChanged;

    /// <summary>The last delivery this replica made for a source, or null.</summary>
    public DeliveryOutcome? LastDelivery(string uid) => _outcomes.GetValueOrDefault(uid);

    /// <summary>The next tick of a source, or null when it is not scheduled here.</summary>
    public DateTimeOffset? NextTick(string uid)
    {
        lock (_lock) return _entries.GetValueOrDefault(uid)?.Next;
    }

    /// <summary>
    /// Makes the scheduled set <paramref name="jobs"/>: new sources are scheduled (a tick missed before this process
    /// started is fired late once when it is recent), a source whose spec changed is rescheduled from now, removed ones
    /// are dropped (and their records forgotten when <paramref name="deleted"/> names them).
    /// </summary>
    public void Update(IReadOnlyCollection<PingJob> jobs, IReadOnlyCollection<string> deleted)
    {
        var now = time.GetUtcNow();
        var grace = options.Ping.MissedTickGrace;
        List<string> seeds = [];
        lock (_lock)
        {
            var wanted = jobs.ToDictionary(j => j.Uid, StringComparer.Ordinal);
            foreach (var uid in _entries.Keys.Where(u => !wanted.ContainsKey(u)).ToList()) _entries.Remove(uid);
            foreach (var job in jobs)
            {
                if (_entries.TryGetValue(job.Uid, out var entry))
                {
                    if (entry.Job.Generation != job.Generation)
                    {
                        entry.Next = PingTimeline.FirstTick(job.Schedule, now, now, grace);
                        LogScheduled(job.Key, job.Schedule.ToString(), entry.Next);
                    }
                    entry.Job = job;
                    continue;
                }
                // First sight in this process: a tick it missed while no replica ran is recent enough to fire once.
                var next = PingTimeline.FirstTick(job.Schedule, now, job.Created, grace);
                _entries[job.Uid] = new Entry(job, next);
                seeds.Add(job.Uid);
                LogScheduled(job.Key, job.Schedule.ToString(), next);
            }
        }
        foreach (var uid in seeds) _ = SeedAsync(uid);
        foreach (var uid in deleted)
        {
            _outcomes.TryRemove(uid, out _);
            _ = ForgetAsync(uid);
        }
        Wake();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _started = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            Task wake;
            DateTimeOffset? earliest = null;
            var now = time.GetUtcNow();
            var lead = options.Ping.ClaimLead > TimeSpan.Zero ? options.Ping.ClaimLead : TimeSpan.Zero;
            List<(PingJob Job, DateTimeOffset Tick, Task<bool>? Mine)> due = [];
            List<Entry> ahead = [];
            lock (_lock)
            {
                wake = _wake.Task;
                foreach (var entry in _entries.Values)
                {
                    if (entry.Next is not { } tick) continue;
                    if (tick <= now)
                    {
                        due.Add((entry.Job, tick, entry.Early is { } early && early.Tick == tick ? early.Mine : null));
                        entry.Early = null;
                        entry.Next = PingTimeline.Following(entry.Job.Schedule, tick, now);
                    }
                    if (entry.Next is not { } n) continue;
                    var claimed = entry.Early is { } pending && pending.Tick == n;
                    if (lead > TimeSpan.Zero && !claimed && n - lead <= now)
                    {
                        ahead.Add(entry);
                        claimed = true;
                    }
                    // Wake for the claim ahead of the tick, then for the tick itself.
                    var at = claimed || lead == TimeSpan.Zero ? n : n - lead;
                    if (earliest is null || at < earliest) earliest = at;
                }
                // Started on the pool: a claim's synchronous start (a gRPC call) must not run under the lock.
                foreach (var entry in ahead)
                {
                    var (job, tick) = (entry.Job, entry.Next!.Value);
                    entry.Early = (tick, Task.Run(() => ClaimAheadAsync(job, tick, stoppingToken), CancellationToken.None));
                }
            }
            foreach (var (job, tick, mine) in due)
            {
                if (!PingTimeline.InTime(tick, now, options.Ping.MissedTickGrace))
                {
                    LogTooLate(job.Key, tick, now - tick);
                    continue;
                }
                await _sends.WaitAsync(stoppingToken).ConfigureAwait(false);
                _ = FireAsync(job, tick, mine, stoppingToken);
            }
            if (due.Count > 0) continue; // firing took time: look again before sleeping
            var wait = earliest is { } e ? e - time.GetUtcNow() : Timeout.InfiniteTimeSpan;
            if (wait == Timeout.InfiniteTimeSpan || wait > TimeSpan.Zero)
            {
                using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(wait, time, sleep.Token);
                await Task.WhenAny(wake, delay).ConfigureAwait(false);
                await sleep.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    // Claims a coming tick (at most MaxConcurrentSends claims at once); the fire awaits the answer.
    private async Task<bool> ClaimAheadAsync(PingJob job, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        await _claims.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ClaimAsync(job, tick, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _claims.Release();
        }
    }

    private async Task<bool> ClaimAsync(PingJob job, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        try
        {
            return await claims.ClaimAsync(job.Uid, tick, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Rather twice than never: without the record (state store down) every replica fires.
            LogClaimFailed(e, job.Key, tick);
            return true;
        }
    }

    private async Task FireAsync(PingJob job, DateTimeOffset tick, Task<bool>? claimed, CancellationToken cancellationToken)
    {
        try
        {
            var mine = await (claimed ?? ClaimAsync(job, tick, cancellationToken)).ConfigureAwait(false);
            if (!mine)
            {
                LogNotMine(job.Key, tick);
                return;
            }
            var cloudEvent = PingEvents.Build(job.Source, job.Uid, tick, time.GetUtcNow());
            var result = await sender.SendAsync(job.Sink, cloudEvent, cancellationToken).ConfigureAwait(false);
            var outcome = new DeliveryOutcome(result.Delivered, result.Delivered ? "" : $"{result.Describe()} to {job.Sink}");
            if (result.Delivered) LogDelivered(job.Key, tick, cloudEvent.Id!, result.Attempts);
            else LogDeliveryFailed(job.Key, tick, cloudEvent.Id!, job.Sink, result.Describe());
            var previous = _outcomes.GetValueOrDefault(job.Uid);
            _outcomes[job.Uid] = outcome;
            if (previous != outcome) DeliveryChanged?.Invoke();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFireFailed(e, job.Key, tick);
        }
        finally
        {
            _sends.Release();
        }
    }

    private async Task SeedAsync(string uid)
    {
        try { await claims.SeedAsync(uid, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception e) { LogSeedFailed(e, uid); } // the claim seeds again
    }

    private async Task ForgetAsync(string uid)
    {
        try { await claims.ForgetAsync(uid, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception e) { LogSeedFailed(e, uid); }
    }

    private void Wake()
    {
        TaskCompletionSource old;
        lock (_lock)
        {
            old = _wake;
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        old.TrySetResult();
    }

    /// <summary>Whether the loop runs (for health).</summary>
    public bool IsRunning => _started;

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "PingSource {Source}: scheduled {Schedule}, next tick {Next:O}")]
    private partial void LogScheduled(string source, string schedule, DateTimeOffset? next);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Debug, Message = "PingSource {Source}: tick {Tick:O} delivered as {EventId} ({Attempts} attempts)")]
    private partial void LogDelivered(string source, DateTimeOffset tick, string eventId, int attempts);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Warning, Message = "PingSource {Source}: tick {Tick:O}, event {EventId} to {Sink} failed: {Failure}")]
    private partial void LogDeliveryFailed(string source, DateTimeOffset tick, string eventId, Uri sink, string failure);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Debug, Message = "PingSource {Source}: tick {Tick:O} fired by another replica")]
    private partial void LogNotMine(string source, DateTimeOffset tick);

    [LoggerMessage(EventId = 7205, Level = LogLevel.Warning, Message = "PingSource {Source}: tick {Tick:O} could not be claimed in the state store; firing it anyway")]
    private partial void LogClaimFailed(Exception error, string source, DateTimeOffset tick);

    [LoggerMessage(EventId = 7206, Level = LogLevel.Warning, Message = "PingSource {Source}: tick {Tick:O} skipped, {Late} late (beyond the missed-tick grace)")]
    private partial void LogTooLate(string source, DateTimeOffset tick, TimeSpan late);

    [LoggerMessage(EventId = 7207, Level = LogLevel.Error, Message = "PingSource {Source}: firing tick {Tick:O} failed")]
    private partial void LogFireFailed(Exception error, string source, DateTimeOffset tick);

    [LoggerMessage(EventId = 7208, Level = LogLevel.Warning, Message = "PingSource uid {Uid}: its fired-tick record could not be written or removed")]
    private partial void LogSeedFailed(Exception error, string uid);
}
