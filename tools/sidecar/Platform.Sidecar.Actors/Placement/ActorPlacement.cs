using System.Text;
using Platform.Sidecar.Core.Discovery;

namespace Platform.Sidecar.Actors.Placement;

/// <summary>
/// Which sidecar hosts an actor: rendezvous (highest random weight) hashing over the instances that list the actor
/// type. Every sidecar computes the same answer from the same registry, and when an instance joins or leaves only the
/// actors it wins or held move. Pure: the instance list is an argument.
/// </summary>
internal static class ActorPlacement
{
    /// <summary>The host of <paramref name="actorType"/>/<paramref name="actorId"/>, or null when no instance hosts the type.</summary>
    public static AppInstance? Choose(string actorType, string actorId, IReadOnlyList<AppInstance> instances)
    {
        AppInstance? best = null;
        ulong bestScore = 0;
        foreach (var instance in instances)
        {
            if (!Hosts(instance, actorType)) continue;
            var score = Score(actorType, actorId, instance.InstanceId);
            // Ties (practically impossible) go to the ordinally smaller instance id so that the choice stays stable.
            if (best is null || score > bestScore
                || (score == bestScore && string.CompareOrdinal(instance.InstanceId, best.InstanceId) < 0))
            {
                best = instance;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>True when <paramref name="instance"/> lists <paramref name="actorType"/>.</summary>
    public static bool Hosts(AppInstance instance, string actorType)
    {
        foreach (var type in instance.ActorTypes)
            if (string.Equals(type, actorType, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>A stable 64-bit weight of the (type, id, instance) triple: FNV-1a followed by a splitmix64 finaliser.</summary>
    public static ulong Score(string actorType, string actorId, string instanceId)
    {
        var hash = 14695981039346656037UL;
        hash = Mix(hash, actorType);
        hash = Mix(hash, "||");
        hash = Mix(hash, actorId);
        hash = Mix(hash, "||");
        hash = Mix(hash, instanceId);
        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111ebUL;
        hash ^= hash >> 31;
        return hash;
    }

    private static ulong Mix(ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(text, buffer)]
            : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
