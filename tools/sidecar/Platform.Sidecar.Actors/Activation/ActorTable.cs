using System.Collections.Concurrent;

namespace Platform.Sidecar.Actors.Activation;

/// <summary>The actors active in the app, as this sidecar tracks them.</summary>
internal sealed class ActorTable(TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<ActorKey, ActorActivation> _active = new();

    /// <summary>The actor's activation, created when it is not active.</summary>
    public ActorActivation GetOrActivate(ActorKey key) =>
        _active.TryGetValue(key, out var activation) ? activation : _active.GetOrAdd(key, k => new ActorActivation(k, time));

    /// <summary>The activation when the actor is active.</summary>
    public bool TryGet(ActorKey key, out ActorActivation activation) => _active.TryGetValue(key, out activation!);

    /// <summary>Every activation (a snapshot).</summary>
    public ICollection<ActorActivation> All => _active.Values;

    /// <summary>Number of active actors.</summary>
    public int Count => _active.Count;

    /// <summary>Forgets <paramref name="activation"/> (only that exact one, not a newer activation of the same actor).</summary>
    public void Remove(ActorActivation activation) => _active.TryRemove(KeyValuePair.Create(activation.Key, activation));

    /// <summary>Stops every timer when the sidecar shuts down.</summary>
    public void Dispose()
    {
        foreach (var activation in _active.Values) activation.StopTimers();
    }
}
