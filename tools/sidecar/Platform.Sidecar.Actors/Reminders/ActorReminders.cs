using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.Sidecar.Actors.Activation;
using Platform.Sidecar.Actors.Hosting;
using Platform.Sidecar.Actors.Invocation;
using Platform.Sidecar.Actors.Placement;
using Platform.Sidecar.Actors.Scheduling;
using Platform.Sidecar.Actors.State;

namespace Platform.Sidecar.Actors.Reminders;

/// <summary>
/// Actor reminders: persisted in the actor state store, scheduled in memory by the sidecar that hosts the actor,
/// fired as <c>PUT /actors/{type}/{id}/method/remind/{name}</c> with <c>{data, dueTime, period}</c> in the actor's
/// turn (activating it when idle). On start and every <see cref="ActorRuntimeOptions.ReminderSyncInterval"/> the
/// sidecar reloads the reminders of its actor types, so reminders survive restarts and follow placement changes.
/// </summary>
internal sealed class ActorReminders(
    ActorStateStore stateStore,
    ActorDirectory directory,
    ActorInvoker invoker,
    ActorConfigSource config,
    TimeProvider time,
    ILogger<ActorReminders> logger) : IDisposable
{
    private const int MaxAttempts = 3;
    private readonly ConcurrentDictionary<(string Type, string Id, string Name), Scheduled> _scheduled = new();
    // Registrations that ran their course: a sync that read the store before their deletion must not revive them.
    private readonly ConcurrentDictionary<string, byte> _finished = new();
    private readonly CancellationTokenSource _stopping = new();

    public bool IsAvailable => stateStore.Store is not null;

    private TimeProvider Time => time;

    private ReminderStore Store => new(stateStore.Store ?? throw new InvalidOperationException("no actor state store"));

    /// <summary>Persists and schedules a reminder, replacing one of the same name.</summary>
    public async Task RegisterAsync(ActorKey key, string name, ActorSchedule schedule, string? dueTime, string? period, string? ttl, JsonElement? data, CancellationToken cancellationToken)
    {
        var record = new ReminderRecord
        {
            ActorId = key.Id,
            Name = name,
            DueTime = dueTime,
            Period = period,
            Ttl = ttl,
            Data = data,
            FirstDue = schedule.FirstDue,
            Every = schedule.Period,
            Repetitions = schedule.Repetitions,
            ExpiresAt = schedule.ExpiresAt,
            RegistrationId = Guid.NewGuid().ToString("N"),
        };
        await Store.UpdateAsync(key.Type, list =>
        {
            list.RemoveAll(r => r.ActorId == key.Id && r.Name == name);
            list.Add(record);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        Schedule(key.Type, record);
    }

    /// <summary>The stored reminder, or null.</summary>
    public async Task<ReminderRecord?> GetAsync(ActorKey key, string name, CancellationToken cancellationToken) =>
        (await Store.LoadAsync(key.Type, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.ActorId == key.Id && r.Name == name);

    /// <summary>Unschedules and deletes a reminder (a missing one is not an error).</summary>
    public async Task DeleteAsync(ActorKey key, string name, CancellationToken cancellationToken)
    {
        Unschedule(key.Type, key.Id, name, registrationId: null);
        await Store.UpdateAsync(key.Type, list => list.RemoveAll(r => r.ActorId == key.Id && r.Name == name) > 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the reminders of every hosted type: schedules this sidecar's, drops those deleted or moved away.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        if (!IsAvailable) return;
        foreach (var type in config.Current.Entities)
        {
            try
            {
                var stored = await Store.LoadAsync(type, cancellationToken).ConfigureAwait(false);
                var current = new HashSet<(string, string)>();
                var resumed = 0;
                var storedIds = stored.Select(r => r.RegistrationId).ToHashSet();
                foreach (var id in _finished.Keys)
                    if (!storedIds.Contains(id)) _finished.TryRemove(id, out _);
                foreach (var record in stored)
                {
                    if (_finished.ContainsKey(record.RegistrationId)) continue;
                    if (!await directory.IsLocalAsync(type, record.ActorId, cancellationToken).ConfigureAwait(false)) continue;
                    current.Add((record.ActorId, record.RegistrationId));
                    if (_scheduled.TryGetValue((type, record.ActorId, record.Name), out var s) && s.Record.RegistrationId == record.RegistrationId) continue;
                    Schedule(type, record);
                    resumed++;
                }
                foreach (var ((t, id, name), s) in _scheduled)
                    if (t == type && !current.Contains((id, s.Record.RegistrationId))) Unschedule(t, id, name, s.Record.RegistrationId);
                if (resumed > 0) ActorLog.RemindersResumed(logger, type, resumed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ActorLog.ReminderSyncFailed(logger, type, e);
            }
        }
    }

    private void Schedule(string type, ReminderRecord record)
    {
        var scheduled = new Scheduled(this, type, record);
        var slot = (type, record.ActorId, record.Name);
        _scheduled.AddOrUpdate(slot, scheduled, (_, old) =>
        {
            old.Dispose();
            return scheduled;
        });
        scheduled.Arm();
    }

    private void Unschedule(string type, string actorId, string name, string? registrationId)
    {
        var slot = (type, actorId, name);
        if (_scheduled.TryGetValue(slot, out var s) && (registrationId is null || s.Record.RegistrationId == registrationId)
            && _scheduled.TryRemove(KeyValuePair.Create(slot, s)))
            s.Dispose();
    }

    private async Task FireAsync(Scheduled scheduled)
    {
        var record = scheduled.Record;
        var key = new ActorKey(scheduled.Type, record.ActorId);
        var token = scheduled.Stopping;
        try
        {
            if (!await directory.IsLocalAsync(key.Type, key.Id, token).ConfigureAwait(false))
            {
                // Placement moved the actor: its new host loads the reminder on its next sync.
                Unschedule(key.Type, key.Id, record.Name, record.RegistrationId);
                return;
            }
            var body = record.CallbackBody();
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var reply = await invoker.InvokeAsync(key, "method/remind/" + Uri.EscapeDataString(record.Name), () => ActorInvoker.Json(body), null, null, token).ConfigureAwait(false);
                if (reply.IsSuccess) break;
                ActorLog.ReminderFailed(logger, key.Type, key.Id, record.Name, attempt, reply.Error ?? $"app answered {reply.StatusCode}");
                if (attempt < MaxAttempts) await Task.Delay(TimeSpan.FromSeconds(1), time, token).ConfigureAwait(false);
            }

            var fired = record with { Fired = record.Fired + 1, LastFired = time.GetUtcNow() };
            scheduled.Record = fired;
            if (fired.Schedule.NextDue(fired.Fired, fired.LastFired) is null)
            {
                _finished.TryAdd(record.RegistrationId, 0);
                Unschedule(key.Type, key.Id, record.Name, record.RegistrationId);
                await Store.UpdateAsync(key.Type, list => list.RemoveAll(r => r.ActorId == key.Id && r.Name == record.Name && r.RegistrationId == record.RegistrationId) > 0, token).ConfigureAwait(false);
                return;
            }
            if (fired.Repetitions is not null)
            {
                // Bounded reminders persist their progress so that a restart does not repeat them from the start.
                await Store.UpdateAsync(key.Type, list =>
                {
                    var i = list.FindIndex(r => r.ActorId == key.Id && r.Name == record.Name && r.RegistrationId == record.RegistrationId);
                    if (i < 0) return false;
                    list[i] = fired;
                    return true;
                }, token).ConfigureAwait(false);
            }
            scheduled.Arm();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            ActorLog.ReminderFailed(logger, key.Type, key.Id, record.Name, 0, e.Message);
            scheduled.Arm();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var s in _scheduled.Values) s.Dispose();
        _scheduled.Clear();
    }

    private sealed class Scheduled(ActorReminders owner, string type, ReminderRecord record) : IDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(owner._stopping.Token);
        private ITimer? _timer;

        public string Type => type;

        public ReminderRecord Record { get; set; } = record;

        public CancellationToken Stopping => _stop.Token;

        public void Arm()
        {
            if (_stop.IsCancellationRequested) return;
            if (owner._finished.ContainsKey(Record.RegistrationId))
            {
                owner.Unschedule(type, Record.ActorId, Record.Name, Record.RegistrationId);
                return;
            }
            var next = Record.Schedule.NextDue(Record.Fired, Record.LastFired);
            if (next is not { } due)
            {
                owner.Unschedule(type, Record.ActorId, Record.Name, Record.RegistrationId);
                return;
            }
            var delay = due - owner.Time.GetUtcNow();
            _timer?.Dispose();
            _timer = owner.Time.CreateTimer(static s => ((Scheduled)s!).OnDue(), this,
                delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        }

        private void OnDue() => _ = owner.FireAsync(this);

        public void Dispose()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            _timer?.Dispose();
        }
    }
}
