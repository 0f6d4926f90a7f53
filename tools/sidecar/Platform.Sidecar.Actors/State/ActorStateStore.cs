using Platform.Sidecar.Core.State;

namespace Platform.Sidecar.Actors.State;

/// <summary>
/// The state store that holds actor state and reminders: the loaded component with <c>actorStateStore: "true"</c>
/// (the first one when several claim it). Null when none does.
/// </summary>
internal sealed class ActorStateStore(IEnumerable<IStateStore> stores)
{
    private readonly Lazy<IStateStore?> _store = new(() => stores.FirstOrDefault(s => s.IsActorStateStore));

    public IStateStore? Store => _store.Value;

    /// <summary>Dapr's key of one piece of actor state: <c>{appId}||{type}||{id}||{key}</c>.</summary>
    public static string Key(string appId, string actorType, string actorId, string key) => $"{appId}||{actorType}||{actorId}||{key}";
}
