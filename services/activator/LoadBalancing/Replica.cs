namespace Platform.Activator.LoadBalancing;

/// <summary>One ready replica of a revision and the requests the activator has in flight to it.</summary>
internal sealed class Replica(string endpoint, string destinationPrefix)
{
    /// <summary><c>host:port</c> as published by the workload backend.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary><c>http://host:port</c>, the prefix YARP forwards to.</summary>
    public string DestinationPrefix { get; } = destinationPrefix;

    /// <summary>Requests currently forwarded to this replica (changed only under the revision's lock).</summary>
    public int InFlight { get; internal set; }

    /// <summary>True when one more request fits under <paramref name="containerConcurrency"/> (0 = unlimited).</summary>
    public bool HasFreeSlot(int containerConcurrency) => containerConcurrency == 0 || InFlight < containerConcurrency;
}

/// <summary>How a revision's requests are spread over its replicas, chosen by containerConcurrency as in Knative.</summary>
internal enum LoadBalancingPolicy
{
    /// <summary>CC = 0: of two random replicas, the one with fewer requests in flight.</summary>
    BestOfTwo,

    /// <summary>CC 1..3: the first replica (in endpoint order) with a free slot, packing small replicas.</summary>
    FirstAvailable,

    /// <summary>CC &gt; 3: round robin over replicas that have a free slot.</summary>
    RoundRobin,
}

/// <summary>The pure picking rules; callers hold the revision's lock.</summary>
internal static class ReplicaPicker
{
    /// <summary>Knative activator's choice of policy for a containerConcurrency.</summary>
    public static LoadBalancingPolicy PolicyFor(int containerConcurrency) => containerConcurrency switch
    {
        0 => LoadBalancingPolicy.BestOfTwo,
        <= 3 => LoadBalancingPolicy.FirstAvailable,
        _ => LoadBalancingPolicy.RoundRobin,
    };

    /// <summary>
    /// Picks a replica with a free slot or null. <paramref name="random"/> returns a number in [0, n) and is used
    /// only by best-of-two; <paramref name="nextIndex"/> is the round-robin cursor, advanced past the pick.
    /// </summary>
    public static Replica? Pick(IReadOnlyList<Replica> replicas, int containerConcurrency, Func<int, int> random, ref int nextIndex)
    {
        var n = replicas.Count;
        if (n == 0) return null;
        switch (PolicyFor(containerConcurrency))
        {
            case LoadBalancingPolicy.BestOfTwo:
                if (n == 1) return replicas[0];
                var a = random(n);
                var b = random(n - 1);
                if (b >= a) b++; // two distinct replicas
                return replicas[b].InFlight < replicas[a].InFlight ? replicas[b] : replicas[a];
            case LoadBalancingPolicy.FirstAvailable:
                for (var i = 0; i < n; i++)
                    if (replicas[i].HasFreeSlot(containerConcurrency)) return replicas[i];
                return null;
            default:
                for (var k = 0; k < n; k++)
                {
                    var i = (int)((uint)(nextIndex + k) % (uint)n);
                    if (!replicas[i].HasFreeSlot(containerConcurrency)) continue;
                    nextIndex = i + 1;
                    return replicas[i];
                }
                return null;
        }
    }
}
