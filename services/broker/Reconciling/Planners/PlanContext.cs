using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.ControlPlane.Kinds;
using Platform.Eventing.Addressing;
using Platform.Resources.Meta;
using CachedObject = Platform.Resources.Caching.CachedObject;

namespace Platform.Broker.Reconciling.Planners;

/// <summary>
/// What every planner of one pass shares: how addresses resolve, which objects exist, the default attempt timeout,
/// the time, and the plan being built (statuses, streams to run, subscriber routes by topic).
/// </summary>
internal sealed class PlanContext(Addresses addresses, Func<string, string, string, bool> exists, TimeSpan defaultTimeout, DateTimeOffset now)
{
    public Addresses Addresses { get; } = addresses;
    public Func<string, string, string, bool> Exists { get; } = exists;
    public TimeSpan DefaultTimeout { get; } = defaultTimeout;
    public DateTimeOffset Now { get; } = now;
    /// <summary>Deliveries in flight per subscriber unless an annotation or the subscriber's capacity says otherwise.</summary>
    public int DefaultMaxInFlight { get; init; } = 10;
    /// <summary>What a Knative Service (namespace, name) can take at once, null when unknown or unlimited.</summary>
    public Func<string, string, int?> ServiceCapacity { get; init; } = (_, _) => null;

    /// <summary>The capacity of <paramref name="subscriber"/> when it is a Knative Service, else null.</summary>
    public int? CapacityOf(Platform.Resources.Duck.Destination? subscriber, string ns) =>
        subscriber?.Ref is { Kind: "Service", Name: { } name } r && (r.ApiVersion ?? r.Group ?? "").StartsWith("serving.knative.dev", StringComparison.Ordinal)
            ? ServiceCapacity(r.Namespace is { Length: > 0 } n ? n : ns, name)
            : null;
    public List<StatusUpdate> Statuses { get; } = [];
    public Dictionary<string, StreamRole> Streams { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SubscriberRoute> Subscribers { get; } = new(StringComparer.Ordinal);

    /// <summary>Ready=False InvalidSpec for an object that does not fit the model.</summary>
    public void Invalid(ResourceKind kind, CachedObject o, KnativeStatus status)
    {
        status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, Now, "InvalidSpec", o.ReadError ?? "the object does not fit the model");
        Statuses.Add(new StatusUpdate(kind, o, status, null));
    }

    /// <summary>Adds <paramref name="value"/> to the list of <paramref name="key"/>.</summary>
    public static void AddTo<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }
}
