using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Runtime;

namespace Platform.Sidecar.Actors.Tests.EndToEnd;

/// <summary>The actor the end-to-end tests call through the official SDK.</summary>
public interface ITestActor : IActor
{
    Task<int> AddAsync(int amount);
    Task<int> GetAsync();
    Task<string> WhereAsync();
    Task<int> SlowAsync(string group, int milliseconds);
    Task StartTimerAsync(string name, int dueMilliseconds, int periodMilliseconds);
    Task StartReminderAsync(string name, int dueMilliseconds);
    Task FailAsync(string message);
}

/// <summary>Which app (of several in one test process) an actor runs in.</summary>
public sealed record AppIdentity(string Name);

public sealed class TestActor(ActorHost host, AppIdentity app) : Actor(host), ITestActor, IRemindable
{
    private string Key => Host.Id.GetId();

    protected override Task OnActivateAsync()
    {
        Recorder.For(Key).Activated();
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        Recorder.For(Key).Deactivated();
        return Task.CompletedTask;
    }

    public async Task<int> AddAsync(int amount)
    {
        var total = await StateManager.GetOrAddStateAsync("count", 0) + amount;
        await StateManager.SetStateAsync("count", total);
        return total;
    }

    public Task<int> GetAsync() => StateManager.GetOrAddStateAsync("count", 0);

    public Task<string> WhereAsync() => Task.FromResult(app.Name);

    public async Task<int> SlowAsync(string group, int milliseconds)
    {
        using (Recorder.For(Key).Enter())
        using (Recorder.For("group:" + group).Enter())
        {
            await Task.Delay(milliseconds);
        }
        return Recorder.For(Key).MaxConcurrent;
    }

    public Task StartTimerAsync(string name, int dueMilliseconds, int periodMilliseconds) =>
        RegisterTimerAsync(name, nameof(OnTimerAsync), "tick"u8.ToArray(), TimeSpan.FromMilliseconds(dueMilliseconds), TimeSpan.FromMilliseconds(periodMilliseconds));

    public Task StartReminderAsync(string name, int dueMilliseconds) =>
        RegisterReminderAsync(name, "remember"u8.ToArray(), TimeSpan.FromMilliseconds(dueMilliseconds), TimeSpan.FromMilliseconds(-1));

    public Task FailAsync(string message) => throw new InvalidOperationException(message);

    public Task OnTimerAsync(byte[] data)
    {
        Recorder.For(Key).Fired("timer:" + System.Text.Encoding.UTF8.GetString(data));
        return Task.CompletedTask;
    }

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        Recorder.For(Key).Fired($"reminder:{reminderName}:{System.Text.Encoding.UTF8.GetString(state)}");
        return Task.CompletedTask;
    }
}

/// <summary>What happened to each actor id (tests use fresh ids, so entries never clash).</summary>
public sealed class Recorder
{
    private static readonly ConcurrentDictionary<string, Recorder> All = new();
    private readonly ConcurrentQueue<string> _fired = new();
    private int _active, _maxActive, _activations, _deactivations;

    public static Recorder For(string id) => All.GetOrAdd(id, _ => new Recorder());

    public int Activations => Volatile.Read(ref _activations);
    public int Deactivations => Volatile.Read(ref _deactivations);
    public int MaxConcurrent => Volatile.Read(ref _maxActive);
    public IReadOnlyCollection<string> FiredEvents => _fired.ToArray();

    public void Activated() => Interlocked.Increment(ref _activations);
    public void Deactivated() => Interlocked.Increment(ref _deactivations);
    public void Fired(string what) => _fired.Enqueue(what);

    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref _active);
        int max;
        while (now > (max = Volatile.Read(ref _maxActive)) && Interlocked.CompareExchange(ref _maxActive, now, max) != max) { }
        return new Exit(this);
    }

    private sealed class Exit(Recorder owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._active);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(25);
        }
    }
}
