namespace Platform.ServingController.Reconcilers.Configuration.Builders;

/// <summary>
/// Knative's <c>config-gc</c>: how many non-active revisions are kept and for how long. A negative count or a
/// negative duration disables that rule (Knative's "disabled").
/// </summary>
internal sealed record GcSettings
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Serving:Gc";

    /// <summary>A revision younger than this is never collected (default 48 h).</summary>
    public TimeSpan RetainSinceCreateTime { get; init; } = TimeSpan.FromHours(48);

    /// <summary>A revision active (routed) more recently than this is never collected (default 15 h).</summary>
    public TimeSpan RetainSinceLastActiveTime { get; init; } = TimeSpan.FromHours(15);

    /// <summary>Non-active revisions always kept, newest first (default 20).</summary>
    public int MinNonActiveRevisions { get; init; } = 20;

    /// <summary>Non-active revisions kept at most, stale or not (default 1000; negative: no limit).</summary>
    public int MaxNonActiveRevisions { get; init; } = 1000;
}

/// <summary>One revision as garbage collection sees it.</summary>
/// <param name="Name">The revision.</param>
/// <param name="Created">Its creation time.</param>
/// <param name="LastActive">When it was last routed (its creation time when never).</param>
/// <param name="Active">Routed now, or the Configuration's latest created/ready revision.</param>
/// <param name="NoGc">Carries <c>serving.knative.dev/no-gc: "true"</c>.</param>
internal sealed record GcCandidate(string Name, DateTimeOffset Created, DateTimeOffset LastActive, bool Active, bool NoGc);

/// <summary>
/// Knative's revision garbage collection (gc v2), pure: active and no-gc revisions are never collected; of the
/// non-active ones, newest (by last active time) first, the first <c>min-non-active</c> are kept, after them
/// every stale one (older than retain-since-create-time and not active within retain-since-last-active-time) goes,
/// and of what remains, those beyond <c>max-non-active</c> go.
/// </summary>
internal static class RevisionCollector
{
    /// <summary>The names of the revisions to delete.</summary>
    public static IReadOnlyList<string> Collect(IReadOnlyList<GcCandidate> revisions, GcSettings settings, DateTimeOffset now)
    {
        var min = Math.Max(0, settings.MinNonActiveRevisions);
        var nonActive = revisions.Where(r => !r.Active && !r.NoGc)
            .OrderByDescending(r => r.LastActive).ThenByDescending(r => r.Created).ThenByDescending(r => r.Name, StringComparer.Ordinal)
            .ToList();
        if (nonActive.Count <= min) return [];

        var collected = new List<string>();
        var kept = nonActive.Take(min).ToList();
        foreach (var revision in nonActive.Skip(min))
        {
            if (IsStale(revision, settings, now)) collected.Add(revision.Name);
            else kept.Add(revision);
        }

        if (settings.MaxNonActiveRevisions >= 0 && kept.Count > settings.MaxNonActiveRevisions)
            collected.AddRange(kept.Skip(settings.MaxNonActiveRevisions).Select(r => r.Name));
        return collected;
    }

    private static bool IsStale(GcCandidate revision, GcSettings settings, DateTimeOffset now)
    {
        if (settings.RetainSinceCreateTime >= TimeSpan.Zero && now - revision.Created < settings.RetainSinceCreateTime) return false;
        if (settings.RetainSinceLastActiveTime >= TimeSpan.Zero && now - revision.LastActive < settings.RetainSinceLastActiveTime) return false;
        // Both rules disabled: nothing is ever stale (Knative keeps all but the max rule).
        return settings.RetainSinceCreateTime >= TimeSpan.Zero || settings.RetainSinceLastActiveTime >= TimeSpan.Zero;
    }
}
