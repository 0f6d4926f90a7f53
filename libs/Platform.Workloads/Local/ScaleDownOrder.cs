namespace Platform.Workloads.Local;

/// <summary>Which replicas to stop first when scaling down: those doing no work, then the newest.</summary>
internal static class ScaleDownOrder
{
    /// <summary>Picks <paramref name="count"/> replicas to stop among <paramref name="replicas"/> (name, phase, ordinal); stopping ones are not counted.</summary>
    public static IReadOnlyList<string> Pick(IEnumerable<(string Name, ReplicaPhase Phase, long Ordinal)> replicas, int count) =>
        [.. replicas
            .Where(r => r.Phase != ReplicaPhase.Stopping)
            .OrderBy(r => Rank(r.Phase))
            .ThenByDescending(r => r.Ordinal)
            .Take(Math.Max(0, count))
            .Select(r => r.Name)];

    // Not-ready replicas serve no traffic: stopping them loses nothing.
    private static int Rank(ReplicaPhase phase) => phase switch
    {
        ReplicaPhase.BackingOff => 0,
        ReplicaPhase.Starting => 1,
        ReplicaPhase.NotReady => 2,
        _ => 3,
    };
}
