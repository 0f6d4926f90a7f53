namespace Platform.Cli.Commands.Resources;

/// <summary><c>KEY=VALUE</c> flags (<c>--env</c>, <c>--annotation</c>, <c>--filter</c>), with kn's <c>KEY-</c> to remove a key.</summary>
/// <param name="Set">Keys to set, in the order given (a later value for the same key wins).</param>
/// <param name="Remove">Keys to remove.</param>
internal sealed record KeyValues(IReadOnlyList<KeyValuePair<string, string>> Set, IReadOnlyList<string> Remove)
{
    /// <summary>Nothing to set or remove.</summary>
    public static KeyValues Empty { get; } = new([], []);

    /// <summary>True when the flag was not given.</summary>
    public bool IsEmpty => Set.Count == 0 && Remove.Count == 0;

    /// <summary>
    /// Parses the values of <paramref name="flag"/>; <paramref name="allowRemove"/> accepts <c>KEY-</c>.
    /// Throws a <see cref="UsageException"/> naming the flag and the value.
    /// </summary>
    public static KeyValues Parse(string flag, IEnumerable<string>? values, bool allowRemove = true)
    {
        var set = new List<KeyValuePair<string, string>>();
        var remove = new List<string>();
        foreach (var value in values ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                if (allowRemove && value.Length > 1 && value.EndsWith('-'))
                {
                    remove.Add(value[..^1]);
                    continue;
                }
                throw new UsageException($"{flag} \"{value}\": expected KEY=VALUE{(allowRemove ? " (or KEY- to remove)" : "")}");
            }
            var key = value[..eq].Trim();
            if (key.Length == 0) throw new UsageException($"{flag} \"{value}\": the key is empty");
            set.RemoveAll(p => p.Key == key);
            set.Add(new(key, value[(eq + 1)..]));
        }
        return new KeyValues(set, remove);
    }

    /// <summary>Applies the changes to <paramref name="map"/> (created when needed); null when it ends up empty.</summary>
    public Dictionary<string, string>? ApplyTo(Dictionary<string, string>? map)
    {
        if (IsEmpty) return map;
        map ??= [];
        foreach (var key in Remove) map.Remove(key);
        foreach (var (k, v) in Set) map[k] = v;
        return map.Count == 0 ? null : map;
    }
}
