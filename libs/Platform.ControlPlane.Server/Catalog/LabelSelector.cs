namespace Platform.ControlPlane.Server.Catalog;

/// <summary>
/// A Kubernetes label selector in its string form: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>,
/// <c>a in (x,y)</c>, <c>a notin (x,y)</c>, comma-separated and ANDed.
/// </summary>
public sealed class LabelSelector
{
    private enum Op { Equals, NotEquals, Exists, NotExists, In, NotIn }
    private sealed record Requirement(string Key, Op Op, IReadOnlyList<string> Values);

    private readonly IReadOnlyList<Requirement> _requirements;
    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    /// <summary>True when the selector has no requirement (selects everything).</summary>
    public bool IsEmpty => _requirements.Count == 0;

    /// <summary>Parses <paramref name="text"/>; returns false with the reason when it is not a selector.</summary>
    public static bool TryParse(string? text, out LabelSelector selector, out string? error)
    {
        selector = new LabelSelector([]);
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            var p = part.Trim();
            if (p.Length == 0) { error = $"invalid label selector \"{text}\": empty requirement"; return false; }
            Requirement? r = null;
            var inAt = IndexOfWord(p, " notin ") is var ni and >= 0 ? (ni, Op.NotIn, 7) : IndexOfWord(p, " in ") is var ii and >= 0 ? (ii, Op.In, 4) : (-1, Op.In, 0);
            if (inAt.Item1 >= 0)
            {
                var key = p[..inAt.Item1].Trim();
                var rest = p[(inAt.Item1 + inAt.Item3)..].Trim();
                if (!rest.StartsWith('(') || !rest.EndsWith(')')) { error = $"invalid label selector \"{text}\": values of '{key}' must be in parentheses"; return false; }
                var values = rest[1..^1].Split(',').Select(v => v.Trim()).ToList();
                r = new Requirement(key, inAt.Item2, values);
            }
            else if (p.StartsWith('!')) r = new Requirement(p[1..].Trim(), Op.NotExists, []);
            else if (p.IndexOf("!=", StringComparison.Ordinal) is var ne and >= 0) r = new Requirement(p[..ne].Trim(), Op.NotEquals, [p[(ne + 2)..].Trim()]);
            else if (p.IndexOf("==", StringComparison.Ordinal) is var ee and >= 0) r = new Requirement(p[..ee].Trim(), Op.Equals, [p[(ee + 2)..].Trim()]);
            else if (p.IndexOf('=') is var eq and >= 0) r = new Requirement(p[..eq].Trim(), Op.Equals, [p[(eq + 1)..].Trim()]);
            else r = new Requirement(p, Op.Exists, []);
            if (r.Key.Length == 0 || r.Key.Any(c => char.IsWhiteSpace(c) || c is '=' or '!' or '(' or ')' or ','))
            {
                error = $"invalid label selector \"{text}\": bad key in \"{p}\"";
                return false;
            }
            requirements.Add(r);
        }
        selector = new LabelSelector(requirements);
        return true;
    }

    /// <summary>True when <paramref name="labels"/> satisfy every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements)
        {
            var has = labels.TryGetValue(r.Key, out var value);
            var ok = r.Op switch
            {
                Op.Equals => has && value == r.Values[0],
                Op.NotEquals => !has || value != r.Values[0],
                Op.Exists => has,
                Op.NotExists => !has,
                Op.In => has && r.Values.Contains(value!),
                _ => !has || !r.Values.Contains(value!),
            };
            if (!ok) return false;
        }
        return true;
    }

    private static int IndexOfWord(string s, string word) => s.IndexOf(word, StringComparison.Ordinal);

    // Commas inside "in (a,b)" do not separate requirements.
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
