using System.Globalization;
using Platform.Cli.Commands.Resources;
using Platform.Resources.Serving;

namespace Platform.Cli.Commands.Service;

/// <summary>The traffic flags of <c>service update</c>, as given.</summary>
/// <param name="Tags"><c>--tag REV=TAG</c> (REV may be <c>@latest</c>).</param>
/// <param name="Untags"><c>--untag TAG</c>.</param>
/// <param name="Traffic"><c>--traffic ID=PCT</c>, comma-separated or repeated; ID is a tag, a revision or <c>@latest</c>.</param>
internal sealed record TrafficFlags(IReadOnlyList<string> Tags, IReadOnlyList<string> Untags, IReadOnlyList<string> Traffic)
{
    /// <summary>True when no traffic flag was given.</summary>
    public bool IsEmpty => Tags.Count == 0 && Untags.Count == 0 && Traffic.Count == 0;
}

/// <summary>
/// Computes a new <c>spec.traffic</c> from the current one and kn's traffic flags (pure): untag first, then tag,
/// then percentages; targets not named by <c>--traffic</c> drop to 0 and targets with 0% and no tag go away.
/// The sum is not checked here: the model's validation reports it with the field path.
/// </summary>
internal static class TrafficEditor
{
    /// <summary>The identifier of the latest ready revision.</summary>
    public const string Latest = "@latest";

    /// <summary>The new traffic block; a <see cref="UsageException"/> for a malformed or contradictory flag.</summary>
    public static List<TrafficTarget> Compute(IReadOnlyList<TrafficTarget>? current, TrafficFlags flags)
    {
        var targets = (current is { Count: > 0 } ? current : [new TrafficTarget { LatestRevision = true, Percent = 100 }])
            .Select(Copy).ToList();
        if (flags.IsEmpty) return targets;

        foreach (var tag in flags.Untags.SelectMany(Split))
        {
            var target = targets.Find(t => t.Tag == tag) ?? throw new UsageException($"--untag {tag}: no traffic target has this tag");
            target.Tag = null;
        }

        foreach (var pair in flags.Tags.SelectMany(Split))
        {
            var (revision, tag) = Pair("--tag", pair);
            if (targets.Any(t => t.Tag == tag))
                throw new UsageException($"--tag {pair}: tag \"{tag}\" is already in use; remove it first with --untag {tag}");
            var target = targets.Find(t => t.Tag is null && Is(t, revision));
            if (target is null)
            {
                target = New(revision);
                target.Percent = 0;
                targets.Add(target);
            }
            target.Tag = tag;
        }

        if (flags.Traffic.Count > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var named = new HashSet<TrafficTarget>(ReferenceEqualityComparer.Instance);
            foreach (var pair in flags.Traffic.SelectMany(Split))
            {
                var (id, text) = Pair("--traffic", pair);
                if (!seen.Add(id)) throw new UsageException($"--traffic {pair}: \"{id}\" is given more than once");
                var percentText = text.EndsWith('%') ? text[..^1] : text;
                if (!int.TryParse(percentText, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent > 100)
                    throw new UsageException($"--traffic {pair}: the percent must be an integer between 0 and 100");
                var target = targets.Find(t => t.Tag == id)
                    ?? targets.Find(t => t.Tag is null && Is(t, id))
                    ?? targets.Find(t => Is(t, id) && !named.Contains(t));
                if (target is null)
                {
                    target = New(id);
                    targets.Add(target);
                }
                if (!named.Add(target)) throw new UsageException($"--traffic {pair}: names a target already given a percent");
                target.Percent = percent;
            }
            foreach (var t in targets.Where(t => !named.Contains(t))) t.Percent = 0;
        }

        targets.RemoveAll(t => (t.Percent ?? 0) == 0 && t.Tag is null);
        return targets;
    }

    private static bool Is(TrafficTarget t, string id) =>
        id == Latest ? t.LatestRevision == true && t.RevisionName is null : t.RevisionName == id && t.LatestRevision != true;

    private static TrafficTarget New(string id) => id == Latest
        ? new TrafficTarget { LatestRevision = true }
        : new TrafficTarget { RevisionName = id, LatestRevision = false };

    private static (string Left, string Right) Pair(string flag, string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == pair.Length - 1) throw new UsageException($"{flag} {pair}: expected {(flag == "--tag" ? "REVISION=TAG" : "REVISION=PERCENT")}");
        return (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
    }

    private static IEnumerable<string> Split(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static TrafficTarget Copy(TrafficTarget t) => new()
    {
        Tag = t.Tag,
        RevisionName = t.RevisionName,
        ConfigurationName = t.ConfigurationName,
        LatestRevision = t.LatestRevision,
        Percent = t.Percent,
    };
}
