using Dapr.Actors.Runtime;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Actors;

/// <summary>
/// Thin Dapr shell around <see cref="RevisionScaler"/>: state in the actor state store (<c>spec</c>, <c>autoscaler</c>),
/// a 2-second timer that decides and saves. Stats are saved with the next tick, not on each call: a restart loses at
/// most one tick of buckets, and starts from the saved windows, panic state and scale, so it never drops a busy
/// revision's scale.
/// </summary>
[Actor(TypeName = TypeName)]
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public sealed partial class RevisionAutoscalerActor : Actor, IRevisionAutoscalerActor
{
    /// <summary>The Dapr actor type.</summary>
    public const string TypeName = "RevisionAutoscaler";

    private const string SpecState = "spec";
    private const string AutoscalerState = "autoscaler";
    private const string TickTimer = "decide";

    private readonly Func<RevisionScaler> _newScaler;
    private readonly TimeProvider _time;
    private readonly TimeSpan _tick;
    private readonly ILogger _logger;
    private RevisionScaler _scaler;
    private bool _dirty;

    /// <summary>Created by the Dapr actor runtime.</summary>
    public RevisionAutoscalerActor(ActorHost host, IOptions<AutoscalerDefaults> defaults, IScaleTarget target,
        TimeProvider time, ILogger<RevisionAutoscalerActor> logger, Telemetry.AutoscalerMetrics? metrics = null) : base(host)
    {
        var key = RevisionKey.FromActorId(Id.GetId());
        _newScaler = () => new RevisionScaler(key, defaults.Value, target, logger, metrics);
        _scaler = _newScaler();
        _time = time;
        _tick = defaults.Value.TickInterval;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task OnActivateAsync()
    {
        var spec = await StateManager.TryGetStateAsync<RevisionScalingSpec>(SpecState);
        if (!spec.HasValue) return;
        var snapshot = await StateManager.TryGetStateAsync<RevisionAutoscalerSnapshot>(AutoscalerState);
        _scaler.Restore(spec.Value, snapshot.HasValue ? snapshot.Value : null, _time.GetUtcNow());
        LogRestored(_logger, _scaler.Key, _scaler.Autoscaler!.CurrentScale);
        await StartTimerAsync();
    }

    /// <inheritdoc />
    public async Task<ScaleResult> ConfigureAsync(RevisionScalingSpec spec)
    {
        var known = _scaler.Autoscaler is not null;
        var result = await _scaler.ConfigureAsync(spec, _time.GetUtcNow(), CancellationToken.None);
        await StateManager.SetStateAsync(SpecState, spec);
        await SaveAsync();
        if (!known) await StartTimerAsync();
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync()
    {
        if (_scaler.Autoscaler is null) return false;
        await UnregisterTimerAsync(TickTimer);
        await StateManager.TryRemoveStateAsync(SpecState);
        await StateManager.TryRemoveStateAsync(AutoscalerState);
        _scaler = _newScaler();
        return true;
    }

    /// <inheritdoc />
    public Task<StatOutcome> RecordAsync(RevisionStat stat)
    {
        var now = _time.GetUtcNow();
        var outcome = _scaler.Record(stat, now);
        if (outcome == StatOutcome.Recorded) _dirty = true;
        return Task.FromResult(outcome);
    }

    /// <inheritdoc />
    public async Task<ScaleResult?> PokeAsync(RevisionStat? stat)
    {
        var result = await _scaler.PokeAsync(stat, _time.GetUtcNow(), CancellationToken.None);
        if (result is not null) await SaveAsync();
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> ReportReadyAsync(int readyPods)
    {
        if (!_scaler.ReportReady(readyPods, _time.GetUtcNow())) return false;
        await SaveAsync();
        return true;
    }

    /// <inheritdoc />
    public Task<RevisionScaleStatus?> GetStatusAsync() => Task.FromResult(_scaler.Status(_time.GetUtcNow()));

    /// <summary>Timer callback: one decision; saves when stats arrived or the decision changed the state.</summary>
    public async Task DecideOnTimerAsync(byte[] state)
    {
        if (_scaler.Autoscaler is not { } autoscaler) return;
        var before = (autoscaler.CurrentScale, autoscaler.Active, autoscaler.InPanic);
        await _scaler.DecideAsync(_time.GetUtcNow(), CancellationToken.None);
        if (_dirty || before != (autoscaler.CurrentScale, autoscaler.Active, autoscaler.InPanic)) await SaveAsync();
    }

    private Task StartTimerAsync() => RegisterTimerAsync(TickTimer, nameof(DecideOnTimerAsync), [], _tick, _tick);

    private async Task SaveAsync()
    {
        if (_scaler.Autoscaler is { } autoscaler)
            await StateManager.SetStateAsync(AutoscalerState, autoscaler.ToSnapshot());
        _dirty = false;
    }

    [LoggerMessage(EventId = LogEvents.ActorRestored, Level = LogLevel.Information, Message = "{Revision}: autoscaler actor restored at scale {CurrentScale}")]
    private static partial void LogRestored(ILogger logger, RevisionKey revision, int currentScale);
}
