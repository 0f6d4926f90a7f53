using System.Globalization;
using Cronos;

namespace Platform.Resources.Sources;

/// <summary>
/// A PingSource's schedule, parsed the way Knative's ping adapter parses it (robfig/cron with optional seconds and
/// descriptors): five fields (minute hour day-of-month month day-of-week), six with a leading seconds field, or a
/// descriptor (<c>@yearly</c>, <c>@annually</c>, <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c>, <c>@midnight</c>,
/// <c>@hourly</c>, <c>@every 10s</c>); a <c>CRON_TZ=</c> or <c>TZ=</c> prefix, or <c>spec.timezone</c>, names the IANA
/// zone (default UTC). <c>@every</c> ticks are aligned to the Unix epoch, so that every replica and every restart
/// computes the same ticks. Pure and immutable; the one parser of schedules (admission and the scheduler).
/// </summary>
public sealed class PingSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan _every;

    private PingSchedule(string text, TimeZoneInfo zone, CronExpression? cron, TimeSpan every)
    {
        Text = text;
        Zone = zone;
        _cron = cron;
        _every = every;
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    /// <summary>The zone the fields are read in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The interval of an <c>@every</c> schedule, or null for a cron expression.</summary>
    public TimeSpan? Every => _cron is null ? _every : null;

    /// <summary>
    /// Parses <paramref name="schedule"/> (empty: Knative's default <c>* * * * *</c>) in <paramref name="timezone"/>
    /// (empty: UTC, or the schedule's own <c>CRON_TZ=</c> prefix). On failure, <paramref name="error"/> names the field
    /// (<c>schedule</c> or <c>timezone</c>) and the reason.
    /// </summary>
    public static bool TryParse(string? schedule, string? timezone, out PingSchedule? result, out (string Field, string Message) error)
    {
        result = null;
        error = default;
        var text = string.IsNullOrWhiteSpace(schedule) ? "* * * * *" : schedule.Trim();
        var body = text;
        string? zoneName = string.IsNullOrEmpty(timezone) ? null : timezone;
        var zoneField = "timezone";
        foreach (var prefix in (string[])["CRON_TZ=", "TZ="])
        {
            if (!body.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (zoneName is not null)
            {
                error = ("schedule", $"must not name a zone ({prefix}...) when timezone is set; use one of them");
                return false;
            }
            var space = body.IndexOf(' ', StringComparison.Ordinal);
            zoneName = space > 0 ? body[prefix.Length..space] : body[prefix.Length..];
            body = space > 0 ? body[(space + 1)..].Trim() : "";
            zoneField = "schedule";
            break;
        }

        var zone = TimeZoneInfo.Utc;
        if (zoneName is not null && !TryFindZone(zoneName, out zone))
        {
            error = (zoneField, $"unknown time zone \"{zoneName}\" (want an IANA name like Europe/Paris)");
            return false;
        }

        if (body.StartsWith('@'))
        {
            if (body.StartsWith("@every", StringComparison.Ordinal))
            {
                var duration = body["@every".Length..].Trim();
                if (!TryParseGoDuration(duration, out var every))
                {
                    error = ("schedule", $"\"{duration}\" after @every is not a duration (e.g. 10s, 1m30s, 2h)");
                    return false;
                }
                // As robfig/cron: whole seconds, at least one.
                every = TimeSpan.FromSeconds(Math.Floor(every.TotalSeconds));
                if (every < TimeSpan.FromSeconds(1))
                {
                    error = ("schedule", "@every must be at least 1s");
                    return false;
                }
                result = new PingSchedule(text, zone, null, every);
                return true;
            }
            var expanded = body switch
            {
                "@yearly" or "@annually" => "0 0 1 1 *",
                "@monthly" => "0 0 1 * *",
                "@weekly" => "0 0 * * 0",
                "@daily" or "@midnight" => "0 0 * * *",
                "@hourly" => "0 * * * *",
                _ => null,
            };
            if (expanded is null)
            {
                error = ("schedule", $"unknown descriptor \"{body}\" (want @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)");
                return false;
            }
            body = expanded;
        }

        var fields = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (fields.Length is not (5 or 6) || !CronExpression.TryParse(string.Join(' ', fields), format, out var cron))
        {
            error = ("schedule", $"must be a cron expression with 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or a descriptor such as @hourly or @every 10s; got \"{text}\"");
            return false;
        }
        result = new PingSchedule(text, zone, cron, TimeSpan.Zero);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the reason (for schedules admission already accepted).</summary>
    public static PingSchedule Parse(string? schedule, string? timezone) =>
        TryParse(schedule, timezone, out var result, out var error) ? result! : throw new FormatException($"{error.Field}: {error.Message}");

    /// <summary>The first tick strictly after <paramref name="after"/>, or null when the schedule never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (_cron is null)
        {
            var ticks = _every.Ticks;
            var since = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            var next = (Math.DivRem(since, ticks, out var rest) + (rest >= 0 ? 1 : 0)) * ticks;
            return DateTimeOffset.UnixEpoch.AddTicks(next);
        }
        return _cron.GetNextOccurrence(after, Zone, inclusive: false)?.ToUniversalTime();
    }

    /// <summary>
    /// The latest tick in (<paramref name="from"/>, <paramref name="to"/>], or null when there is none (at most
    /// <paramref name="maxSteps"/> ticks are walked: a dense schedule over a long span is cut short).
    /// </summary>
    public DateTimeOffset? Latest(DateTimeOffset from, DateTimeOffset to, int maxSteps = 10_000)
    {
        DateTimeOffset? latest = null;
        var cursor = from;
        for (var i = 0; i < maxSteps; i++)
        {
            var next = Next(cursor);
            if (next is not { } t || t > to) break;
            latest = t;
            cursor = t;
        }
        return latest;
    }

    /// <inheritdoc />
    public override string ToString() => Zone == TimeZoneInfo.Utc ? Text : $"{Text} ({Zone.Id})";

    private static bool TryFindZone(string name, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (name.Length == 0) return false;
        if (name is "UTC" or "Etc/UTC") return true;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>Go's <c>time.ParseDuration</c> syntax: <c>1h30m</c>, <c>10s</c>, <c>1.5h</c>, <c>500ms</c>.</summary>
    internal static bool TryParseGoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text.Length == 0) return false;
        if (text == "0") return true;
        var total = 0d;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return false;
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.') i++;
            var nanos = text[unitStart..i] switch
            {
                "ns" => 1d,
                "us" or "µs" or "μs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                _ => -1d,
            };
            if (nanos < 0) return false;
            total += value * nanos;
        }
        if (total / 100 > TimeSpan.MaxValue.Ticks) return false;
        duration = TimeSpan.FromTicks((long)(total / 100));
        return true;
    }
}
