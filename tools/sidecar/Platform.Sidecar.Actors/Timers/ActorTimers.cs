using Microsoft.Extensions.Logging;
using Platform.Sidecar.Actors.Activation;
using Platform.Sidecar.Actors.Invocation;
using Platform.Sidecar.Actors.Scheduling;

namespace Platform.Sidecar.Actors.Timers;

/// <summary>
/// Actor timers: in memory, tied to the actor's activation (deactivation stops them), fired as
/// <c>PUT /actors/{type}/{id}/method/timer/{name}</c> with <c>{callback, data, dueTime, period}</c> in the actor's turn.
/// </summary>
internal sealed class ActorTimers(ActorTable table, ActorInvoker invoker, TimeProvider time, ILogger<ActorTimers> logger)
{
    private ActorTable Table => table;
    private ActorInvoker Invoker => invoker;
    private TimeProvider Time => time;
    private ILogger Logger => logger;

    /// <summary>Starts (or replaces) timer <paramref name="name"/>; <paramref name="callbackBody"/> is the JSON sent on each firing.</summary>
    public void Start(ActorKey key, string name, ActorSchedule schedule, byte[] callbackBody)
    {
        var activation = table.GetOrActivate(key);
        var timer = new ScheduledTimer(this, activation, name, schedule, callbackBody);
        lock (activation.Timers)
        {
            if (activation.Timers.Remove(name, out var old)) old.Dispose();
            activation.Timers[name] = timer;
        }
        timer.Arm();
    }

    /// <summary>Stops timer <paramref name="name"/>; false when the actor has no such timer.</summary>
    public bool Stop(ActorKey key, string name)
    {
        if (!table.TryGet(key, out var activation)) return false;
        IDisposable? timer;
        lock (activation.Timers)
        {
            if (!activation.Timers.Remove(name, out timer)) return false;
        }
        timer.Dispose();
        return true;
    }

    private void Forget(ScheduledTimer timer)
    {
        lock (timer.Activation.Timers)
        {
            if (timer.Activation.Timers.TryGetValue(timer.Name, out var current) && ReferenceEquals(current, timer))
                timer.Activation.Timers.Remove(timer.Name);
        }
        timer.Dispose();
    }

    private sealed class ScheduledTimer(ActorTimers owner, ActorActivation activation, string name, ActorSchedule schedule, byte[] body) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private ITimer? _timer;
        private int _fired;
        private DateTimeOffset? _lastFired;

        public ActorActivation Activation => activation;

        public string Name => name;

        public void Arm()
        {
            if (_stop.IsCancellationRequested) return;
            if (schedule.NextDue(_fired, _lastFired) is not { } due)
            {
                owner.Forget(this);
                return;
            }
            var delay = due - owner.Time.GetUtcNow();
            _timer?.Dispose();
            _timer = owner.Time.CreateTimer(static s => _ = ((ScheduledTimer)s!).FireAsync(), this,
                delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        }

        private async Task FireAsync()
        {
            if (_stop.IsCancellationRequested || activation.Deactivated) return;
            var key = activation.Key;
            try
            {
                var reply = await owner.Invoker.InvokeAsync(key, "method/timer/" + Uri.EscapeDataString(name),
                    () => ActorInvoker.Json(body), null, null, _stop.Token).ConfigureAwait(false);
                if (!reply.IsSuccess)
                    ActorLog.TimerFailed(owner.Logger, key.Type, key.Id, name, reply.Error ?? $"app answered {reply.StatusCode}");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                ActorLog.TimerFailed(owner.Logger, key.Type, key.Id, name, e.Message);
            }
            _fired++;
            _lastFired = owner.Time.GetUtcNow();
            // A timer belongs to one activation: after deactivation (or a newer activation) it ends.
            if (activation.Deactivated || !owner.Table.TryGet(key, out var current) || !ReferenceEquals(current, activation))
            {
                owner.Forget(this);
                return;
            }
            Arm();
        }

        public void Dispose()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            _timer?.Dispose();
        }
    }
}
