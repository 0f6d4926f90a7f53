using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Resources.Durations;

/// <summary>
/// ISO-8601 durations as Knative's DeliverySpec writes them (<c>PT0.2S</c>, <c>PT1M</c>, <c>P1D</c>, <c>P1DT2H</c>,
/// <c>PT1H30M</c>, <c>P1W</c>). Years and months are refused: they have no fixed length.
/// </summary>
public static partial class IsoDuration
{
    [GeneratedRegex(@"^(?<sign>[-+])?P(?:(?<w>\d+(?:[.,]\d+)?)W|(?:(?<d>\d+(?:[.,]\d+)?)D)?(?:T(?:(?<h>\d+(?:[.,]\d+)?)H)?(?:(?<m>\d+(?:[.,]\d+)?)M)?(?:(?<s>\d+(?:[.,]\d+)?)S)?)?)$")]
    private static partial Regex Pattern();

    /// <summary>Parses <paramref name="text"/>; false when it is not an ISO-8601 duration with a fixed length.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var match = Pattern().Match(text);
        if (!match.Success || text.EndsWith('T') || text is "P" or "-P" or "+P")
        {
            return false;
        }

        double seconds = 0;
        seconds += Part(match, "w") * 7 * 86400;
        seconds += Part(match, "d") * 86400;
        seconds += Part(match, "h") * 3600;
        seconds += Part(match, "m") * 60;
        seconds += Part(match, "s");
        if (seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        if (match.Groups["sign"].Value == "-")
        {
            duration = -duration;
        }

        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/>.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"\"{text}\" is not an ISO-8601 duration (e.g. PT0.2S)");

    /// <summary>Formats a duration the way Knative writes it (<c>PT0.2S</c>, <c>PT1M</c>, <c>PT1H30M</c>, <c>P1DT2H</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "PT0S";
        }

        var sign = duration < TimeSpan.Zero ? "-" : "";
        duration = duration.Duration();
        var text = sign + "P";
        if (duration.Days > 0)
        {
            text += duration.Days.ToString(CultureInfo.InvariantCulture) + "D";
        }

        var rest = duration - TimeSpan.FromDays(duration.Days);
        if (rest > TimeSpan.Zero)
        {
            text += "T";
            if (rest.Hours > 0)
            {
                text += rest.Hours.ToString(CultureInfo.InvariantCulture) + "H";
            }

            if (rest.Minutes > 0)
            {
                text += rest.Minutes.ToString(CultureInfo.InvariantCulture) + "M";
            }

            var seconds = rest.Seconds + (rest.Ticks % TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond;
            if (seconds > 0)
            {
                text += seconds.ToString("0.#######", CultureInfo.InvariantCulture) + "S";
            }
        }

        return text;
    }

    private static double Part(Match match, string name) =>
        match.Groups[name].Success ? double.Parse(match.Groups[name].Value.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture) : 0;
}

/// <summary>
/// Go durations as Knative's annotations write them (<c>60s</c>, <c>1m30s</c>, <c>1.5h</c>, <c>500ms</c>, <c>0</c>).
/// </summary>
public static partial class GoDuration
{
    [GeneratedRegex(@"^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")]
    private static partial Regex Unit();

    /// <summary>Parses <paramref name="text"/>; false when it is not a Go duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var rest = text;
        var negative = false;
        if (rest[0] is '-' or '+')
        {
            negative = rest[0] == '-';
            rest = rest[1..];
        }

        if (rest == "0")
        {
            return true;
        }

        if (rest.Length == 0)
        {
            return false;
        }

        double ticks = 0;
        while (rest.Length > 0)
        {
            var match = Unit().Match(rest);
            if (!match.Success)
            {
                return false;
            }

            var value = double.Parse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            ticks += value * match.Groups[2].Value switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
            rest = rest[match.Length..];
        }

        if (ticks > long.MaxValue / 2)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(ticks));
        if (negative)
        {
            duration = -duration;
        }

        return true;
    }

    /// <summary>Formats like Go's <c>time.Duration.String()</c> for whole units (<c>1m30s</c>, <c>6s</c>, <c>0s</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var text = duration < TimeSpan.Zero ? "-" : "";
        duration = duration.Duration();
        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            text += hours.ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (duration.Minutes > 0 || (hours > 0 && (duration.Seconds > 0 || duration.Milliseconds > 0)))
        {
            text += duration.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }

        var seconds = duration.Seconds + duration.Milliseconds / 1000.0;
        if (seconds > 0)
        {
            text += seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        return text;
    }
}
