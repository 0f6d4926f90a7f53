using System.Globalization;

namespace Platform.Cli.Commands.Resources;

/// <summary>Ages as kubectl and kn print them (Kubernetes' HumanDuration): <c>45s</c>, <c>3m20s</c>, <c>5h</c>, <c>2d3h</c>.</summary>
internal static class Age
{
    /// <summary>The age of something created at <paramref name="created"/>, seen at <paramref name="now"/>; empty when unknown.</summary>
    public static string Since(DateTimeOffset? created, DateTimeOffset now) => created is { } c ? Format(now - c) : "";

    /// <summary>Formats <paramref name="d"/> with two significant units at most.</summary>
    public static string Format(TimeSpan d)
    {
        static string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        if (d < TimeSpan.FromSeconds(-1)) return "<invalid>";
        if (d < TimeSpan.Zero) return "0s";
        var seconds = (long)d.TotalSeconds;
        if (seconds < 60 * 2) return S(seconds) + "s";
        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? S(minutes) + "m" : $"{S(minutes)}m{S(s)}s";
        }
        if (minutes < 60 * 3) return S(minutes) + "m";
        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? S(hours) + "h" : $"{S(hours)}h{S(m)}m";
        }
        if (hours < 48) return S(hours) + "h";
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? S(hours / 24) + "d" : $"{S(hours / 24)}d{S(h)}h";
        }
        if (hours < 24 * 365 * 2) return S(hours / 24) + "d";
        if (hours < 24 * 365 * 8)
        {
            var dy = (hours / 24) % 365;
            return dy == 0 ? S(hours / 24 / 365) + "y" : $"{S(hours / 24 / 365)}y{S(dy)}d";
        }
        return S(hours / 24 / 365) + "y";
    }
}
