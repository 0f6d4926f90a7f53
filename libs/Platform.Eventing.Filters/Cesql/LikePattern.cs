namespace Platform.Eventing.Filters.Cesql;

/// <summary>
/// A compiled LIKE pattern (spec §3.4.3): <c>%</c> matches any run of characters, <c>_</c> exactly one, and a
/// backslash makes the following <c>%</c>, <c>_</c> or <c>\</c> literal (a backslash before anything else is a
/// literal backslash). Matching is case-sensitive and never allocates; the common shapes (exact, prefix%,
/// %suffix, %infix%) use span searches.
/// </summary>
internal sealed class LikePattern
{
    private enum Shape { Exact, Prefix, Suffix, Contains, General }

    private enum ElementKind : byte { Literal, One, Many }

    private readonly record struct Element(ElementKind Kind, char Literal);

    private readonly Shape _shape;
    private readonly string _literal = "";
    private readonly Element[] _elements;

    public LikePattern(string pattern)
    {
        Pattern = pattern;
        var elements = new List<Element>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length && pattern[i + 1] is '%' or '_' or '\\')
            {
                elements.Add(new Element(ElementKind.Literal, pattern[++i]));
                continue;
            }
            var kind = c switch { '%' => ElementKind.Many, '_' => ElementKind.One, _ => ElementKind.Literal };
            // Consecutive '%' are one '%'.
            if (kind == ElementKind.Many && elements.Count > 0 && elements[^1].Kind == ElementKind.Many) continue;
            elements.Add(new Element(kind, kind == ElementKind.Literal ? c : '\0'));
        }
        _elements = elements.ToArray();
        (_shape, _literal) = Classify(_elements);
    }

    /// <summary>The pattern as written, after string-literal unescaping.</summary>
    public string Pattern { get; }

    public bool IsMatch(ReadOnlySpan<char> text) => _shape switch
    {
        Shape.Exact => text.SequenceEqual(_literal),
        Shape.Prefix => text.StartsWith(_literal, StringComparison.Ordinal),
        Shape.Suffix => text.EndsWith(_literal, StringComparison.Ordinal),
        Shape.Contains => text.IndexOf(_literal, StringComparison.Ordinal) >= 0,
        _ => MatchGeneral(text),
    };

    private static (Shape, string) Classify(Element[] elements)
    {
        if (Array.Exists(elements, e => e.Kind == ElementKind.One)) return (Shape.General, "");
        var manyCount = elements.Count(e => e.Kind == ElementKind.Many);
        var literal = new string(elements.Where(e => e.Kind == ElementKind.Literal).Select(e => e.Literal).ToArray());
        var leading = elements.Length > 0 && elements[0].Kind == ElementKind.Many;
        var trailing = elements.Length > 0 && elements[^1].Kind == ElementKind.Many;
        return manyCount switch
        {
            0 => (Shape.Exact, literal),
            1 when trailing => (Shape.Prefix, literal),
            1 when leading => (Shape.Suffix, literal),
            2 when leading && trailing && elements.Length > 1 => (Shape.Contains, literal),
            _ => (Shape.General, ""),
        };
    }

    /// <summary>Greedy wildcard match, backtracking to the last '%'; '_' consumes one code point.</summary>
    private bool MatchGeneral(ReadOnlySpan<char> text)
    {
        var elements = _elements;
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < elements.Length && elements[p].Kind == ElementKind.One)
            {
                t += CodePointLength(text, t);
                p++;
            }
            else if (p < elements.Length && elements[p].Kind == ElementKind.Literal && elements[p].Literal == text[t])
            {
                t++;
                p++;
            }
            else if (p < elements.Length && elements[p].Kind == ElementKind.Many)
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                starT += CodePointLength(text, starT);
                t = starT;
            }
            else
            {
                return false;
            }
        }
        while (p < elements.Length && elements[p].Kind == ElementKind.Many) p++;
        return p == elements.Length;
    }

    private static int CodePointLength(ReadOnlySpan<char> text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
}
