using Platform.Activator.LoadBalancing;
using Platform.Activator.Routing;

namespace Platform.Activator.Throttling;

/// <summary>
/// The pure core of a revision's breaker: its ready replicas, the slots in use on each and the picking policy.
/// Not thread-safe: <see cref="RevisionThrottler"/> calls it under its lock; tests call it directly.
/// </summary>
internal sealed class ReplicaPool(int containerConcurrency, Func<int, int> random)
{
    private List<Replica> _replicas = [];
    private int _roundRobin;

    /// <summary>Most requests in flight per replica; 0 = unlimited.</summary>
    public int ContainerConcurrency { get; set; } = containerConcurrency;

    /// <summary>Ready replicas in endpoint order.</summary>
    public IReadOnlyList<Replica> Replicas => _replicas;

    /// <summary>Requests in flight over the current replicas.</summary>
    public int InFlight => _replicas.Sum(r => r.InFlight);

    /// <summary>CC × replicas; <see cref="int.MaxValue"/> when unlimited and at least one replica is ready.</summary>
    public int Capacity => _replicas.Count == 0 ? 0
        : ContainerConcurrency == 0 ? int.MaxValue : ContainerConcurrency * _replicas.Count;

    /// <summary>
    /// How long a replica that refused a connection stays out while endpoints updates still list it. Updates can lag
    /// behind a death (one sent just before the backend noticed it), and each would bring the dead replica back for
    /// another refused request. The refusal ends earlier at the first update that no longer lists the replica: from
    /// then on the backend knows, and a later listing of that endpoint is a new replica.
    /// </summary>
    public const long RefusalMilliseconds = 5_000;

    private readonly Dictionary<string, long> _refusedUntil = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Replaces the ready replicas; a replica that stays keeps its in-flight count, one that goes keeps serving
    /// what it has (its slots are returned to the detached object). A replica evicted for a refused connection less
    /// than <see cref="RefusalMilliseconds"/> before <paramref name="now"/> stays out.
    /// </summary>
    /// <param name="endpoints">Ready replicas as <c>host:port</c>.</param>
    /// <param name="now">A monotonic clock in milliseconds (<see cref="Environment.TickCount64"/>).</param>
    public void SetEndpoints(IReadOnlyList<string> endpoints, long now)
    {
        if (_refusedUntil.Count > 0)
        {
            foreach (var (endpoint, until) in _refusedUntil.ToList())
            {
                if (until <= now || !endpoints.Contains(endpoint, StringComparer.OrdinalIgnoreCase)) _refusedUntil.Remove(endpoint);
            }
        }
        var next = new List<Replica>(endpoints.Count);
        foreach (var e in endpoints)
        {
            if (_refusedUntil.ContainsKey(e)) continue;
            var kept = _replicas.Find(r => string.Equals(r.Endpoint, e, StringComparison.OrdinalIgnoreCase));
            if (kept is not null) next.Add(kept);
            else if (ReplicaEndpoint.TryParse(e, out var prefix)) next.Add(new Replica(e, prefix));
        }
        _replicas = next;
    }

    /// <summary>
    /// Drops <paramref name="replica"/>, which refused a connection at <paramref name="now"/>, from the ready replicas
    /// (its in-flight slots stay with the detached object), and keeps it out of updates for a while (see
    /// <see cref="RefusalMilliseconds"/>).
    /// </summary>
    public void Evict(Replica replica, long now)
    {
        _refusedUntil[replica.Endpoint] = now + RefusalMilliseconds;
        var next = _replicas.Where(r => !ReferenceEquals(r, replica)).ToList();
        if (next.Count != _replicas.Count) _replicas = next;
    }

    /// <summary>Takes a slot on a replica chosen by the policy, or returns null when none is free.</summary>
    public Replica? TryAcquire()
    {
        var r = ReplicaPicker.Pick(_replicas, ContainerConcurrency, random, ref _roundRobin);
        if (r is not null) r.InFlight++;
        return r;
    }

    /// <summary>Returns a slot taken with <see cref="TryAcquire"/>.</summary>
    public static void Release(Replica replica)
    {
        if (replica.InFlight > 0) replica.InFlight--;
    }

    /// <summary>
    /// Requests that may wait for a slot: 10 × CC per replica (Knative's queue-proxy depth, at least one replica's
    /// worth so requests can wait at zero); <paramref name="unlimitedDepth"/> when CC = 0 (the activator's queue).
    /// </summary>
    public static int QueueDepth(int containerConcurrency, int replicas, int depthPerConcurrency, int unlimitedDepth) =>
        containerConcurrency == 0 ? unlimitedDepth
            : (int)Math.Min(int.MaxValue, (long)depthPerConcurrency * containerConcurrency * Math.Max(1, replicas));
}
