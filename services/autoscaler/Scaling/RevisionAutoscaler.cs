using Platform.Autoscaler.Metrics;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Scaling;

/// <summary>Knative's PodAutoscaler <c>Active</c> condition, which times scale-to-zero.</summary>
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public enum ActiveState
{
    /// <summary>Pods are wanted but not (yet) ready: requests are held by the activator.</summary>
    Activating,
    /// <summary>Enough pods are ready.</summary>
    Active,
    /// <summary>No traffic: on the way to, or at, zero.</summary>
    Inactive,
}

/// <summary>
/// One revision's autoscaler as a pure state machine: its metric windows, the KPA decider state and the
/// revision-level rules of Knative's PodAutoscaler reconciler (min/max/initial scale, scale-to-zero after the stable
/// window and max(grace, retention)). Time is always passed in; nothing here does I/O. Not thread-safe.
/// </summary>
internal sealed class RevisionAutoscaler
{
    private BucketWindow _concurrency;
    private BucketWindow _rps;
    private readonly DeciderState _decider;

    /// <summary>
    /// A new revision's autoscaler: activating, at its initial scale bounded by min/max-scale. When
    /// <paramref name="readyPods"/> pods already run (state lost, revision re-registered) and there are more than
    /// one, the decider starts in panic at that count, so nothing is scaled down before data arrives (Knative's rule
    /// for a decider created over running pods).
    /// </summary>
    public RevisionAutoscaler(RevisionKey key, DeciderSpec spec, DateTimeOffset now, int readyPods = 0)
    {
        Key = key;
        Spec = spec;
        _concurrency = new BucketWindow(spec.StableSeconds, spec.PanicSeconds);
        _rps = new BucketWindow(spec.StableSeconds, spec.PanicSeconds);
        _decider = DeciderState.For(spec, readyPods, now);
        ReadyPods = Math.Max(0, readyPods);
        ActiveSince = now;
        var min = spec.Reachable ? spec.MinScale : 0;
        var initial = ApplyBounds(Math.Max(min, spec.InitialScale), spec.MaxScale, spec.InitialScale);
        CurrentScale = initial;
        Active = initial == 0 ? ActiveState.Inactive : ActiveState.Activating;
        // An initial scale of zero is reached at once.
        ScaleTargetInitialized = initial == 0;
        LastResult = new ScaleResult(initial, -1, true, false, ScaleReason.InitialScale);
    }

    /// <summary>The revision.</summary>
    public RevisionKey Key { get; }

    /// <summary>The resolved spec in force.</summary>
    public DeciderSpec Spec { get; private set; }

    /// <summary>The scale the revision should have now (last applied decision).</summary>
    public int CurrentScale { get; private set; }

    /// <summary>Ready pods as last reported by the workload backend.</summary>
    public int ReadyPods { get; private set; }

    /// <summary>The Active condition.</summary>
    public ActiveState Active { get; private set; }

    /// <summary>When <see cref="Active"/> last changed.</summary>
    public DateTimeOffset ActiveSince { get; private set; }

    /// <summary>Whether initial-scale (or min-scale) pods were once ready.</summary>
    public bool ScaleTargetInitialized { get; private set; }

    /// <summary>Last poke (a request held at zero).</summary>
    public DateTimeOffset? LastPokeAt { get; private set; }

    /// <summary>The last decision.</summary>
    public ScaleResult LastResult { get; private set; }

    /// <summary>Whether the decider is in panic mode.</summary>
    public bool InPanic => _decider.InPanic;

    /// <summary>The activator's mode after the last decision (<see cref="KpaDecider.Mode"/>); Proxy until the first.</summary>
    public string Mode => LastResult.Mode ?? Platform.Serving.Contracts.Routing.ActivatorModes.Proxy;

    /// <summary>Replaces the spec (annotations or reachability changed); windows are kept, resized if needed.</summary>
    public void Reconfigure(DeciderSpec spec)
    {
        if (spec.StableSeconds != Spec.StableSeconds || spec.PanicSeconds != Spec.PanicSeconds)
        {
            _concurrency = BucketWindow.FromSnapshot(_concurrency.ToSnapshot(), spec.StableSeconds, spec.PanicSeconds);
            _rps = BucketWindow.FromSnapshot(_rps.ToSnapshot(), spec.StableSeconds, spec.PanicSeconds);
        }
        if (spec.ScaleDownDelay != Spec.ScaleDownDelay || spec.TickInterval != Spec.TickInterval)
            _decider.DelayWindow = spec.ScaleDownDelay > TimeSpan.Zero ? new ScaleDownDelayWindow(spec.ScaleDownDelay, spec.TickInterval) : null;
        Spec = spec;
    }

    /// <summary>
    /// Records one stat in the second its reporter measured it (<see cref="RevisionStat.Time"/>; never later than
    /// <paramref name="now"/>, which also stands in for a stat without a time); false when dropped as stale.
    /// </summary>
    /// <remarks>
    /// Knative buckets by receipt time. Stats reach us through two sidecars, and their delay varies by more than the
    /// gaps between a reporter's ticks and the second boundaries: two of one reporter's stats then fell into one
    /// second and none into the next, and with the 1-second panic window of a 6-second stable window that read as
    /// twice the real concurrency, enough to panic at a steady load. The activator stamps each stat with its tick,
    /// which falls mid-second, so each of its stats has a second of its own however late it arrives.
    /// </remarks>
    public bool Record(RevisionStat stat, DateTimeOffset now)
    {
        if (stat.Time != default && now - stat.Time > Spec.StableWindow) return false;
        var second = now.ToUnixTimeSeconds();
        if (stat.Time != default) second = Math.Min(second, stat.Time.ToUnixTimeSeconds());
        _concurrency.Record(second, stat.RecordedConcurrency);
        _rps.Record(second, stat.RecordedRequests);
        return true;
    }

    /// <summary>
    /// A request is held at the activator (first request at zero): records <paramref name="stat"/> (or one request
    /// in flight) and, when the revision is at zero, decides at once. Null when no immediate decision was needed.
    /// </summary>
    public ScaleResult? Poke(RevisionStat? stat, DateTimeOffset now)
    {
        LastPokeAt = now;
        Record(stat ?? new RevisionStat(Key.Namespace, Key.Name, now, 1, 1), now);
        return CurrentScale == 0 ? Decide(now) : null;
    }

    /// <summary>Ready pods reported by the workload backend.</summary>
    public void ReportReady(int readyPods, DateTimeOffset now) => ReadyPods = Math.Max(0, readyPods);

    /// <summary>Stable and panic averages of the revision's scaling metric at <paramref name="now"/>.</summary>
    public MetricObservation Observe(DateTimeOffset now)
    {
        var window = Spec.Metric == ScalingMetric.Rps ? _rps : _concurrency;
        var second = now.ToUnixTimeSeconds();
        // The activator reports a second after it ends, so the current second usually has no report yet: it is being
        // collected, not silent. Averaging up to the last reported second avoids reading (window - 1) / window of the
        // load (5/6 with a 6-second window); a longer gap is real silence and counts as zeros.
        if (window.LastWrite is { } last && second - last == 1) second = last;
        if (window.HasData(second)) return MetricObservation.Of(window.StableAverage(second), window.PanicAverage(second));
        // An unreachable revision gets no routed traffic at all, so silence there is a true zero.
        return Spec.Reachable ? MetricObservation.NoData : MetricObservation.Of(0, 0);
    }

    /// <summary>Decides: the KPA decider, then the revision-level rules; updates <see cref="CurrentScale"/>.</summary>
    public ScaleResult Decide(DateTimeOffset now)
    {
        var decided = KpaDecider.Scale(Spec, _decider, Observe(now), ReadyPods, now);
        var (want, scale, reason) = ApplyRevisionRules(decided, now);
        // As Knative's decider status: a decision without data keeps the last known excess burst capacity.
        var excess = decided.Valid ? decided.ExcessBurstCapacity : LastResult.ExcessBurstCapacity;
        var mode = KpaDecider.Mode(want, excess, Active == ActiveState.Inactive);
        UpdateActive(want, now);
        if (scale is { } s) CurrentScale = s;
        LastResult = (want >= 0
            ? new ScaleResult(CurrentScale, excess, true, decided.InPanic, reason)
            : new ScaleResult(-1, excess, false, decided.InPanic, reason)) with
        { Mode = mode };
        return LastResult;
    }

    // Knative's kpa scaler.Scale + handleScaleToZero: the scale wanted (which drives the Active condition; -1 =
    // unknown), the scale to apply (null = leave it) and why.
    private (int Want, int? Scale, ScaleReason Reason) ApplyRevisionRules(ScaleResult decided, DateTimeOffset now)
    {
        var desired = decided.Valid ? decided.DesiredScale : -1;
        var reason = decided.Reason;
        if (desired < 0 && Active != ActiveState.Activating) return (-1, null, ScaleReason.NoData);

        var min = Spec.Reachable ? Spec.MinScale : 0;
        var holdInitial = Spec.InitialScale > 1 && !ScaleTargetInitialized;
        if (holdInitial) min = Math.Max(Spec.InitialScale, min);
        var bounded = ApplyBounds(min, Spec.MaxScale, desired);
        if (bounded != desired)
        {
            reason = Spec.MaxScale != 0 && desired > Spec.MaxScale ? ScaleReason.MaxScale
                : holdInitial && bounded == Spec.InitialScale ? ScaleReason.InitialScale
                : bounded == 0 && desired < 0 ? ScaleReason.NoData
                : ScaleReason.MinScale;
            desired = bounded;
        }
        if (desired != 0) return (desired, desired, reason);

        if (!Spec.EnableScaleToZero) return (1, 1, ScaleReason.ScaleToZeroDisabled);
        var since = now - ActiveSince;
        return Active switch
        {
            ActiveState.Activating => since >= Spec.ActivationTimeout ? (0, 0, ScaleReason.ActivationTimedOut) : (-1, null, ScaleReason.Activating),
            // Active for a stable window: mark inactive, keep the pods for now.
            ActiveState.Active => since >= Spec.StableWindow ? (0, null, ScaleReason.Deactivated) : (1, 1, ScaleReason.StableWindowNotElapsed),
            // Inactive: at most one pod until max(grace, retention) has passed.
            _ => since >= Spec.ScaleToZeroAfter ? (0, 0, ScaleReason.ScaledToZero) : (0, Math.Min(CurrentScale, 1), ScaleReason.GracePeriod),
        };
    }

    // Knative's computeActiveCondition.
    private void UpdateActive(int want, DateTimeOffset now)
    {
        var min = Spec.Reachable ? Spec.MinScale : 0;
        var minReady = ScaleTargetInitialized ? Math.Max(min, 1) : Math.Max(min, Spec.InitialScale);
        if (ReadyPods >= minReady) ScaleTargetInitialized = true;
        if (want == 0 || minReady == 0) Mark(ActiveState.Inactive, now);
        else if (ReadyPods < minReady) Mark(want > 0 || Active != ActiveState.Inactive ? ActiveState.Activating : ActiveState.Inactive, now);
        else if (want > 0 || Active != ActiveState.Inactive) Mark(ActiveState.Active, now);
    }

    private void Mark(ActiveState state, DateTimeOffset now)
    {
        if (Active == state) return;
        Active = state;
        ActiveSince = now;
    }

    private static int ApplyBounds(int min, int max, int value) =>
        value < min ? min : max != 0 && value > max ? max : value;

    /// <summary>Whether KEDA should see the revision active: pods wanted, or a request held within the grace period.</summary>
    public bool IsActive(DateTimeOffset now) =>
        CurrentScale > 0 || (LastPokeAt is { } poke && now - poke < Spec.ScaleToZeroGracePeriod);

    /// <summary>Everything needed to resume after a restart.</summary>
    public RevisionAutoscalerSnapshot ToSnapshot() => new(
        _concurrency.ToSnapshot(), _rps.ToSnapshot(), _decider.PanicTime, _decider.MaxPanicPods,
        _decider.DelayWindow?.ToSnapshot() ?? [], CurrentScale, ReadyPods, Active, ActiveSince, ScaleTargetInitialized,
        LastPokeAt);

    /// <summary>Resumes a revision from <paramref name="snapshot"/> under <paramref name="spec"/>.</summary>
    public static RevisionAutoscaler FromSnapshot(RevisionKey key, DeciderSpec spec, RevisionAutoscalerSnapshot snapshot, DateTimeOffset now)
    {
        var autoscaler = new RevisionAutoscaler(key, spec, now)
        {
            _concurrency = BucketWindow.FromSnapshot(snapshot.Concurrency, spec.StableSeconds, spec.PanicSeconds),
            _rps = BucketWindow.FromSnapshot(snapshot.Rps, spec.StableSeconds, spec.PanicSeconds),
            CurrentScale = snapshot.CurrentScale,
            ReadyPods = snapshot.ReadyPods,
            Active = snapshot.Active,
            ActiveSince = snapshot.ActiveSince,
            ScaleTargetInitialized = snapshot.ScaleTargetInitialized,
            LastPokeAt = snapshot.LastPokeAt,
        };
        autoscaler._decider.PanicTime = snapshot.PanicTime;
        autoscaler._decider.MaxPanicPods = snapshot.MaxPanicPods;
        if (snapshot.CurrentScale > 1)
        {
            // The seconds while the autoscaler was down read as zeros: hold the current scale for a stable window, as
            // Knative does for a decider created over running pods.
            autoscaler._decider.PanicTime = now;
            autoscaler._decider.MaxPanicPods = Math.Max(snapshot.MaxPanicPods, snapshot.CurrentScale);
        }
        autoscaler._decider.DelayWindow?.Restore(snapshot.Delay);
        autoscaler.LastResult = new ScaleResult(snapshot.CurrentScale, -1, true, snapshot.PanicTime is not null, ScaleReason.Stable);
        return autoscaler;
    }
}

/// <summary>A <see cref="RevisionAutoscaler"/> as persisted in the actor's state.</summary>
internal sealed record RevisionAutoscalerSnapshot(
    BucketWindowSnapshot Concurrency,
    BucketWindowSnapshot Rps,
    DateTimeOffset? PanicTime,
    int MaxPanicPods,
    DelayEntry[] Delay,
    int CurrentScale,
    int ReadyPods,
    ActiveState Active,
    DateTimeOffset ActiveSince,
    bool ScaleTargetInitialized,
    DateTimeOffset? LastPokeAt);
