using Platform.Resources.Core;

namespace Platform.Sources.Resources;

/// <summary>Kubernetes label-selector semantics on the typed <see cref="LabelSelector"/>. Pure.</summary>
internal static class LabelSelectors
{
    /// <summary>
    /// Whether <paramref name="labels"/> satisfy <paramref name="selector"/>: every <c>matchLabels</c> entry, and every
    /// <c>matchExpressions</c> requirement (In, NotIn, Exists, DoesNotExist). A null or empty selector matches all.
    /// </summary>
    public static bool Matches(LabelSelector? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null) return true;
        foreach (var (key, value) in selector.MatchLabels ?? [])
            if (!labels.TryGetValue(key, out var have) || have != value) return false;
        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var key = requirement.Key ?? "";
            var values = requirement.Values ?? [];
            var present = labels.TryGetValue(key, out var have);
            var ok = requirement.Operator switch
            {
                "In" => present && values.Contains(have!),
                "NotIn" => !present || !values.Contains(have!),
                "Exists" => present,
                "DoesNotExist" => !present,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>Why <paramref name="selector"/> cannot be evaluated (an unknown operator, In without values), or null.</summary>
    public static string? Problem(LabelSelector? selector, string path)
    {
        var i = 0;
        foreach (var requirement in selector?.MatchExpressions ?? [])
        {
            var at = $"{path}.matchExpressions[{i++}]";
            if (string.IsNullOrEmpty(requirement.Key)) return $"{at}.key: required";
            if (requirement.Operator is not ("In" or "NotIn" or "Exists" or "DoesNotExist")) return $"{at}.operator: \"{requirement.Operator}\" is not In, NotIn, Exists or DoesNotExist";
            if (requirement.Operator is "In" or "NotIn" && requirement.Values is not { Count: > 0 }) return $"{at}.values: required for {requirement.Operator}";
        }
        return null;
    }

    /// <summary>True for a selector that selects everything (null, or nothing in it).</summary>
    public static bool IsEverything(LabelSelector? selector) =>
        selector is null || ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0);
}
