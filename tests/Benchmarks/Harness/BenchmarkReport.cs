using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Benchmarks.Harness;

/// <summary>A goal a figure is held to: at most or at least <see cref="Target"/>.</summary>
/// <param name="AtMost">True: the figure must be ≤ the target (latency, CPU); false: ≥ (rates, ratios).</param>
/// <param name="Target">The target, in the figure's unit.</param>
public readonly record struct Goal(bool AtMost, double Target)
{
    /// <summary>The figure must not exceed <paramref name="target"/>.</summary>
    public static Goal Max(double target) => new(true, target);

    /// <summary>The figure must reach <paramref name="target"/>.</summary>
    public static Goal Min(double target) => new(false, target);

    /// <summary>Whether <paramref name="value"/> meets the goal (NaN never does).</summary>
    public bool IsMet(double value) => !double.IsNaN(value) && (AtMost ? value <= Target : value >= Target);

    /// <inheritdoc />
    public override string ToString() => (AtMost ? "<= " : ">= ") + Target.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>
/// What one benchmark measured, for the machine-readable summary line that the runner prints after it:
/// <c>summary {"benchmark":…,"status":"ok"|"failed","met":…,"baseline":…,"figures":[{"figure","value","unit","goal","met"}]}</c>.
/// Benchmarks add their headline figures (with the goal, when the issue or README sets one) and say what their
/// baseline does; the human-readable lines stay as they were.
/// </summary>
public sealed class BenchmarkReport
{
    private readonly List<(string Figure, double Value, string Unit, Goal? Goal)> _figures = [];
    private readonly List<string> _baselines = [];

    /// <summary>Records a figure; returns whether it met its goal (true when it has none).</summary>
    public bool Figure(string figure, double value, string unit, Goal? goal = null)
    {
        lock (_figures) _figures.Add((figure, value, unit, goal));
        return goal is not { } g || g.IsMet(value);
    }

    /// <summary>Says what a baseline of this benchmark does (pipelining, batching, what it skips).</summary>
    public void Baseline(string description)
    {
        lock (_baselines) _baselines.Add(description);
    }

    /// <summary>"met" / "NOT met" for a human line.</summary>
    public static string Met(bool met) => met ? "met" : "NOT met";

    /// <summary>The summary line: one JSON object, prefixed <c>summary </c>.</summary>
    public string SummaryLine(string benchmark, Exception? failure)
    {
        var figures = new JsonArray();
        bool? allMet = null;
        lock (_figures)
            foreach (var (figure, value, unit, goal) in _figures)
            {
                var met = goal?.IsMet(value);
                if (met is { } m) allMet = (allMet ?? true) && m;
                figures.Add(new JsonObject
                {
                    ["figure"] = figure,
                    ["value"] = double.IsFinite(value) ? Math.Round(value, 4) : null,
                    ["unit"] = unit,
                    ["goal"] = goal?.ToString(),
                    ["met"] = met,
                });
            }
        var line = new JsonObject
        {
            ["benchmark"] = benchmark,
            ["status"] = failure is null ? "ok" : "failed",
            ["met"] = failure is null ? allMet : false,
            ["figures"] = figures,
        };
        lock (_baselines) if (_baselines.Count > 0) line["baseline"] = string.Join("; ", _baselines);
        if (failure is not null) line["error"] = $"{failure.GetType().Name}: {failure.Message}";
        return "summary " + line.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
