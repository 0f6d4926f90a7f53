using System.Text.Json;
using Platform.Sidecar.Core.State;

namespace Platform.Sidecar.Actors.Reminders;

/// <summary>
/// Reminders in the actor state store, one value per actor type under <c>actors||{type}</c> (Dapr's former layout).
/// Changes are read-modify-write guarded by the value's ETag, so sidecars sharing the store do not lose each other's.
/// </summary>
internal sealed class ReminderStore(IStateStore store)
{
    private const int MaxAttempts = 20;

    public static string Key(string actorType) => $"actors||{actorType}";

    public async Task<List<ReminderRecord>> LoadAsync(string actorType, CancellationToken cancellationToken) =>
        (await ReadAsync(actorType, cancellationToken).ConfigureAwait(false)).Reminders;

    /// <summary>Applies <paramref name="change"/> (which returns false when it changed nothing) and writes the result.</summary>
    public async Task UpdateAsync(string actorType, Func<List<ReminderRecord>, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (reminders, etag) = await ReadAsync(actorType, cancellationToken).ConfigureAwait(false);
            if (!change(reminders)) return;
            try
            {
                if (reminders.Count == 0 && etag is not null) await store.DeleteAsync(Key(actorType), etag, cancellationToken).ConfigureAwait(false);
                else if (reminders.Count > 0)
                    await store.SetAsync(Key(actorType), JsonSerializer.SerializeToUtf8Bytes(new ReminderSet(reminders), ReminderSet.Json), etag, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ETagMismatchException) when (attempt < MaxAttempts)
            {
                // Another sidecar changed the reminders of this type meanwhile: read again and reapply.
            }
        }
    }

    private async Task<(List<ReminderRecord> Reminders, string? ETag)> ReadAsync(string actorType, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(Key(actorType), cancellationToken).ConfigureAwait(false);
        if (item is null || item.Value.Length == 0) return ([], item?.ETag);
        var set = JsonSerializer.Deserialize<ReminderSet>(item.Value, ReminderSet.Json);
        return (set?.Reminders ?? [], item.ETag);
    }
}
