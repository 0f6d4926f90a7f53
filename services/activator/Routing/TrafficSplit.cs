using Platform.Serving.Contracts.Routing;
namespace Platform.Activator.Routing;

/// <summary>
/// A service's traffic targets turned into a pick: untagged traffic goes by percent (a roll in [0, 100) falls into
/// the cumulative band of one target, so 0% targets are never picked) and each tag pins its own target.
/// </summary>
internal sealed class TrafficSplit
{
    private readonly string[] _revisions;
    private readonly int[] _upperBounds;
    private readonly Dictionary<string, string> _tags;

    private TrafficSplit(string[] revisions, int[] upperBounds, Dictionary<string, string> tags)
    {
        _revisions = revisions;
        _upperBounds = upperBounds;
        _tags = tags;
    }

    /// <summary>Tags and the revision each one reaches.</summary>
    public IReadOnlyDictionary<string, string> Tags => _tags;

    /// <summary>Builds the split from validated targets (percents sum to 100).</summary>
    public static TrafficSplit From(IReadOnlyList<RouteTarget> targets)
    {
        var revisions = new string[targets.Count];
        var bounds = new int[targets.Count];
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var cumulative = 0;
        for (var i = 0; i < targets.Count; i++)
        {
            revisions[i] = targets[i].RevisionName!;
            cumulative += Math.Max(0, targets[i].Percent);
            bounds[i] = cumulative;
            if (targets[i].Tag is { Length: > 0 } tag) tags.TryAdd(tag, revisions[i]);
        }
        return new TrafficSplit(revisions, bounds, tags);
    }

    /// <summary>
    /// The revision for untagged traffic given <paramref name="roll"/> in [0, 100); rolls past the last band (only
    /// possible if percents summed below 100) go to the last target with a share.
    /// </summary>
    public string Pick(int roll)
    {
        for (var i = 0; i < _upperBounds.Length; i++)
            if (roll < _upperBounds[i]) return _revisions[i];
        for (var i = _upperBounds.Length - 1; i > 0; i--)
            if (_upperBounds[i] > _upperBounds[i - 1]) return _revisions[i];
        return _revisions[0];
    }

    /// <summary>The revision a tag reaches, or null for an unknown tag.</summary>
    public string? ForTag(string tag) => _tags.TryGetValue(tag, out var revision) ? revision : null;
}
