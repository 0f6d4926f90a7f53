using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Revisions;

/// <summary>
/// Revision autoscalers held in this process (no sidecar reachable): one <see cref="RevisionScaler"/> per revision
/// behind its own lock, decided by <see cref="AutoscalerTicker"/>. Nothing is persisted.
/// </summary>
internal sealed class InProcessRevisionAutoscalers(
    IOptions<AutoscalerDefaults> defaults,
    IScaleTarget target,
    TimeProvider time,
    ILoggerFactory loggers,
    Telemetry.AutoscalerMetrics? metrics = null) : IRevisionAutoscalers
{
    private readonly ConcurrentDictionary<RevisionKey, Slot> _slots = new();
    private readonly ILogger _logger = loggers.CreateLogger<RevisionScaler>();

    /// <summary>Revisions held.</summary>
    public int Count => _slots.Count;

    /// <inheritdoc />
    public async Task<ScaleResult> ConfigureAsync(RevisionKey key, RevisionScalingSpec spec, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(key, k => new Slot(new RevisionScaler(k, defaults.Value, target, _logger, metrics)));
        await slot.Gate.WaitAsync(cancellationToken);
        try { return await slot.Scaler.ConfigureAsync(spec, time.GetUtcNow(), cancellationToken); }
        finally { slot.Gate.Release(); }
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(RevisionKey key, CancellationToken cancellationToken)
    {
        return Task.FromResult(_slots.TryRemove(key, out _));
    }

    /// <inheritdoc />
    public async Task<StatOutcome> RecordAsync(RevisionStat stat, CancellationToken cancellationToken)
    {
        if (!_slots.TryGetValue(stat.Key, out var slot)) return StatOutcome.UnknownRevision;
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            return slot.Scaler.Record(stat, now);
        }
        finally { slot.Gate.Release(); }
    }

    /// <inheritdoc />
    public async Task<ScaleResult?> PokeAsync(RevisionKey key, RevisionStat? stat, CancellationToken cancellationToken)
    {
        if (!_slots.TryGetValue(key, out var slot)) return null;
        await slot.Gate.WaitAsync(cancellationToken);
        try { return await slot.Scaler.PokeAsync(stat, time.GetUtcNow(), cancellationToken); }
        finally { slot.Gate.Release(); }
    }

    /// <inheritdoc />
    public async Task<bool> ReportReadyAsync(RevisionKey key, int readyPods, CancellationToken cancellationToken)
    {
        if (!_slots.TryGetValue(key, out var slot)) return false;
        await slot.Gate.WaitAsync(cancellationToken);
        try { return slot.Scaler.ReportReady(readyPods, time.GetUtcNow()); }
        finally { slot.Gate.Release(); }
    }

    /// <inheritdoc />
    public async Task<RevisionScaleStatus?> GetStatusAsync(RevisionKey key, CancellationToken cancellationToken)
    {
        if (!_slots.TryGetValue(key, out var slot)) return null;
        await slot.Gate.WaitAsync(cancellationToken);
        try { return slot.Scaler.Status(time.GetUtcNow()); }
        finally { slot.Gate.Release(); }
    }

    /// <summary>Decides every revision once (one tick).</summary>
    public async Task DecideAllAsync(CancellationToken cancellationToken)
    {
        foreach (var slot in _slots.Values)
        {
            await slot.Gate.WaitAsync(cancellationToken);
            try { await slot.Scaler.DecideAsync(time.GetUtcNow(), cancellationToken); }
            finally { slot.Gate.Release(); }
        }
    }

    private sealed record Slot(RevisionScaler Scaler)
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}

/// <summary>Decides the in-process revisions every <see cref="AutoscalerDefaults.TickInterval"/> (2 s).</summary>
internal sealed partial class AutoscalerTicker(
    InProcessRevisionAutoscalers autoscalers,
    IOptions<AutoscalerDefaults> defaults,
    TimeProvider time,
    ILogger<AutoscalerTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = defaults.Value.TickInterval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var started = Stopwatch.GetTimestamp();
                try { await autoscalers.DecideAllAsync(stoppingToken); }
                catch (Exception ex) when (ex is not OperationCanceledException) { LogTickFailed(logger, ex); }
                var took = Stopwatch.GetElapsedTime(started);
                if (took > interval / 2) LogTickSlow(logger, autoscalers.Count, took.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    [LoggerMessage(EventId = LogEvents.TickFailed, Level = LogLevel.Error, Message = "autoscaler tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.TickSlow, Level = LogLevel.Warning, Message = "deciding {Revisions} revisions took {Milliseconds:F0} ms")]
    private static partial void LogTickSlow(ILogger logger, int revisions, double milliseconds);
}
