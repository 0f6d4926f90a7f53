using System.Globalization;

namespace Platform.Sidecar.Core.Components;

/// <summary>Go-style durations as Dapr files write them: <c>15s</c>, <c>100ms</c>, <c>1m30s</c>, <c>2h</c>.</summary>
public static class GoDuration
{
    /// <summary>
    /// Parses <paramref name="text"/>; a bare number is taken as milliseconds. Returns false on anything else.
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            if (bare < 0) return false;
            value = TimeSpan.FromMilliseconds(bare);
            return true;
        }
        double totalMs = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
            if (start == i) return false;
            if (!double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return false;
            var unitStart = i;
            while (i < s.Length && char.IsLetter(s[i]) || (i < s.Length && s[i] == 'µ')) i++;
            var factor = s.AsSpan(unitStart, i - unitStart) switch
            {
                "h" => 3_600_000d,
                "m" => 60_000d,
                "s" => 1_000d,
                "ms" => 1d,
                "us" or "µs" => 0.001,
                "ns" => 0.000001,
                _ => double.NaN,
            };
            if (double.IsNaN(factor)) return false;
            totalMs += number * factor;
        }
        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }
}
