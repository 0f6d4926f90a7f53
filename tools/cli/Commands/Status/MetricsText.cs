using System.Globalization;

namespace Platform.Cli.Commands.Status;

/// <summary>One sample of the Prometheus text format: a series name, its labels and its value.</summary>
/// <param name="Name">Series name, e.g. <c>activator_request_count</c>.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="Value">Its value.</param>
internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>A label's value, or empty.</summary>
    public string this[string label] => Labels.GetValueOrDefault(label) ?? "";
}

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4) that the services' metrics ports serve: comment lines
/// are skipped, label values unescaped (<c>\\</c>, <c>\"</c>, <c>\n</c>); a line that does not parse is skipped, not
/// fatal (a status display must not fail on one odd series).
/// </summary>
internal static class MetricsText
{
    /// <summary>Every sample of <paramref name="text"/>.</summary>
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            if (ParseLine(line) is { } sample) samples.Add(sample);
        }
        return samples;
    }

    private static MetricSample? ParseLine(string line)
    {
        var brace = line.IndexOf('{');
        var space = line.IndexOf(' ');
        if (space < 0) return null;
        string name;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        int rest;
        if (brace >= 0 && brace < space)
        {
            name = line[..brace];
            var i = brace + 1;
            while (i < line.Length && line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"') return null;
                var key = line[i..eq].Trim();
                var value = new System.Text.StringBuilder();
                var j = eq + 2;
                for (; j < line.Length && line[j] != '"'; j++)
                {
                    if (line[j] == '\\' && j + 1 < line.Length)
                    {
                        j++;
                        value.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else value.Append(line[j]);
                }
                if (j >= line.Length) return null;
                labels[key] = value.ToString();
                i = j + 1;
                if (i < line.Length && line[i] == ',') i++;
            }
            if (i >= line.Length) return null;
            rest = i + 1;
        }
        else
        {
            name = line[..space];
            rest = space;
        }
        var fields = line[rest..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || name.Length == 0) return null;
        var number = fields[0] switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, var f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null };
        return number is double d ? new MetricSample(name, labels, d) : null;
    }
}
