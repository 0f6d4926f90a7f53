using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Sidecar.Actors.Scheduling;

/// <summary>
/// Parses the duration forms that Dapr's actor API accepts: Go style (<c>0h0m5s0ms</c>, <c>5s</c>, <c>1m30s</c>,
/// <c>1.5h</c>, <c>250us</c>) and ISO 8601 (<c>PT5S</c>, <c>P1DT2H</c>), the latter optionally with a repetition
/// count (<c>R5/PT1M</c>) where a period is expected. Pure: no clock, no I/O.
/// </summary>
internal static partial class ActorDuration
{
    /// <summary>Parses a duration without repetitions; false on anything else (including negative values).</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        return text[0] is 'P' or 'p' ? TryParseIso(text, out value) : TryParseGo(text, out value);
    }

    /// <summary>Parses a period: a duration, or <c>R{n}/{duration}</c> meaning <c>n</c> firings in all.</summary>
    public static bool TryParsePeriod(string? text, out TimeSpan period, out int? repetitions)
    {
        period = default;
        repetitions = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text[0] is 'R' or 'r')
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash < 2 || !int.TryParse(text.AsSpan(1, slash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
            if (!TryParse(text[(slash + 1)..], out period)) return false;
            repetitions = n;
            return true;
        }
        return TryParse(text, out period);
    }

    private static bool TryParseGo(string text, out TimeSpan value)
    {
        value = default;
        if (text == "0") return true;
        var match = GoPattern().Match(text);
        if (!match.Success) return false;
        double ticks = 0;
        var numbers = match.Groups["n"].Captures;
        var units = match.Groups["u"].Captures;
        for (var i = 0; i < numbers.Count; i++)
        {
            var n = double.Parse(numbers[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            ticks += n * units[i].Value switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                _ => 0.01, // ns: one tick is 100 ns
            };
        }
        if (ticks > TimeSpan.MaxValue.Ticks) return false;
        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    private static bool TryParseIso(string text, out TimeSpan value)
    {
        value = default;
        var match = IsoPattern().Match(text);
        // "P" or "PT" alone carry no component and are refused, like Go's parser refuses "".
        if (!match.Success || text.Length < 3 || text.EndsWith('T')) return false;
        double Part(string name) => match.Groups[name].Success
            ? double.Parse(match.Groups[name].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) : 0;
        // Years and months have no fixed length; Dapr counts them as 365 and 30 days.
        var days = Part("y") * 365 + Part("mo") * 30 + Part("w") * 7 + Part("d");
        var total = TimeSpan.FromDays(days).Ticks + Part("h") * TimeSpan.TicksPerHour + Part("mi") * TimeSpan.TicksPerMinute
            + Part("s") * TimeSpan.TicksPerSecond;
        value = TimeSpan.FromTicks((long)Math.Round(total));
        return true;
    }

    /// <summary>Formats <paramref name="value"/> the way the Dapr SDKs write durations (<c>1h2m3s4ms</c>).</summary>
    public static string Format(TimeSpan value) =>
        FormattableString.Invariant($"{(long)value.TotalHours}h{value.Minutes}m{value.Seconds}s{value.Milliseconds}ms");

    [GeneratedRegex(@"^(?:(?<n>\d+(?:\.\d+)?|\.\d+)(?<u>h|ms|m|s|us|µs|μs|ns))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoPattern();

    [GeneratedRegex(@"^[Pp](?:(?<y>\d+(?:\.\d+)?)Y)?(?:(?<mo>\d+(?:\.\d+)?)M)?(?:(?<w>\d+(?:\.\d+)?)W)?(?:(?<d>\d+(?:\.\d+)?)D)?(?:T(?:(?<h>\d+(?:\.\d+)?)H)?(?:(?<mi>\d+(?:\.\d+)?)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoPattern();
}
