using System.Globalization;
using System.Security;
using System.Text;

namespace Platform.Serving.EndToEnd.Tests.Load;

/// <summary>One line of a chart panel.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Color">SVG colour, e.g. <c>#1f77b4</c>.</param>
/// <param name="Points">(x, y) in data units, x increasing; NaN y values break the line.</param>
/// <param name="Dashed">Drawn dashed.</param>
/// <param name="Steps">Drawn as steps (the value holds until the next point), for counts such as replicas.</param>
/// <param name="Width">Stroke width (a wide pale line under a thin one keeps both visible where they coincide).</param>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false, bool Steps = false, double Width = 1.6);

/// <summary>One panel: its own y axis, sharing the chart's x axis.</summary>
/// <param name="Title">Shown above the panel.</param>
/// <param name="YLabel">Unit of the y axis.</param>
/// <param name="Series">The lines.</param>
/// <param name="YMax">Top of the y axis; higher values are drawn at the top (the title says so). Null: fit the data.</param>
public sealed record ChartPanel(string Title, string YLabel, IReadOnlyList<ChartSeries> Series, double? YMax = null);

/// <summary>A vertical line across every panel at <paramref name="X"/>, labelled.</summary>
/// <param name="X">Where, in x data units.</param>
/// <param name="Label">Text next to it.</param>
public sealed record ChartMarker(double X, string Label);

/// <summary>
/// A self-contained SVG line chart of panels stacked over one x axis: axes, "nice" ticks, grid, polylines, legends and
/// markers, drawn by hand (no package). Pure: the same input gives the same text.
/// </summary>
public static class SvgChart
{
    private const double Width = 1000;
    private const double PanelHeight = 200;
    private const double Left = 70;
    private const double Right = 20;
    private const double Top = 50;
    private const double Gap = 60;
    private const double Bottom = 50;

    /// <summary>Renders the chart.</summary>
    public static string Render(string title, string xLabel, IReadOnlyList<ChartPanel> panels, IReadOnlyList<ChartMarker>? markers = null)
    {
        var all = panels.SelectMany(p => p.Series).SelectMany(s => s.Points).Where(p => double.IsFinite(p.X)).ToList();
        var xMax = Math.Max(1e-9, NiceCeiling(all.Count == 0 ? 1 : all.Max(p => p.X)));
        var xMin = all.Count == 0 ? 0 : Math.Min(0, all.Min(p => p.X));
        var height = Top + panels.Count * PanelHeight + Math.Max(0, panels.Count - 1) * Gap + Bottom;
        var plotWidth = Width - Left - Right;
        double X(double x) => Left + (x - xMin) / (xMax - xMin) * plotWidth;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{F(Width)}" height="{F(height)}" viewBox="0 0 {F(Width)} {F(height)}" font-family="sans-serif" font-size="12">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="0" y="0" width="{F(Width)}" height="{F(height)}" fill="white"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(Width / 2)}" y="24" text-anchor="middle" font-size="16" font-weight="bold">{Esc(title)}</text>""").Append('\n');

        var xTicks = Ticks(xMin, xMax, 10);
        for (var p = 0; p < panels.Count; p++)
        {
            var panel = panels[p];
            var top = Top + p * (PanelHeight + Gap);
            var bottom = top + PanelHeight;
            var values = panel.Series.SelectMany(s => s.Points).Select(pt => pt.Y).Where(double.IsFinite).ToList();
            var dataMax = values.Count == 0 ? 1 : Math.Max(values.Max(), 1e-9);
            var yMax = panel.YMax is { } fixedMax && fixedMax > 0 ? fixedMax : NiceCeiling(dataMax);
            var clipped = dataMax > yMax;
            var yMin = values.Count == 0 ? 0 : Math.Min(0, values.Min());
            if (yMax <= yMin) yMax = yMin + 1;
            double Y(double y) => bottom - (Math.Min(y, yMax) - yMin) / (yMax - yMin) * PanelHeight;

            svg.Append(CultureInfo.InvariantCulture, $"""<g class="panel">""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(Left)}" y="{F(top - 8)}" font-weight="bold">{Esc(panel.Title + (clipped ? $" (values above {Num(yMax)} drawn at the top; max {Num(dataMax)})" : ""))}</text>""").Append('\n');
            foreach (var t in Ticks(yMin, yMax, 5))
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{F(Left)}" y1="{F(Y(t))}" x2="{F(Width - Right)}" y2="{F(Y(t))}" stroke="#e5e5e5"/>""").Append('\n');
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(Left - 6)}" y="{F(Y(t) + 4)}" text-anchor="end">{Num(t)}</text>""").Append('\n');
            }
            foreach (var t in xTicks)
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{F(X(t))}" y1="{F(top)}" x2="{F(X(t))}" y2="{F(bottom)}" stroke="#f0f0f0"/>""").Append('\n');
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(X(t))}" y="{F(bottom + 16)}" text-anchor="middle">{Num(t)}</text>""").Append('\n');
            }
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{F(Left)}" y1="{F(bottom)}" x2="{F(Width - Right)}" y2="{F(bottom)}" stroke="black"/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{F(Left)}" y1="{F(top)}" x2="{F(Left)}" y2="{F(bottom)}" stroke="black"/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(18)}" y="{F((top + bottom) / 2)}" text-anchor="middle" transform="rotate(-90 18 {F((top + bottom) / 2)})">{Esc(panel.YLabel)}</text>""").Append('\n');

            for (var m = 0; m < (markers ?? []).Count; m++)
            {
                var marker = markers![m];
                if (marker.X < xMin || marker.X > xMax) continue;
                svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{F(X(marker.X))}" y1="{F(top)}" x2="{F(X(marker.X))}" y2="{F(bottom)}" stroke="#888" stroke-dasharray="2,3"/>""").Append('\n');
                if (p == 0)
                    svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(X(marker.X) + 3)}" y="{F(top + 12 + 12 * m)}" fill="#555" font-size="10">{Esc(marker.Label)}</text>""").Append('\n');
            }

            foreach (var series in panel.Series)
                foreach (var line in Lines(series))
                {
                    var points = string.Join(' ', line.Select(pt => $"{F(X(pt.X))},{F(Y(pt.Y))}"));
                    var dash = series.Dashed ? " stroke-dasharray=\"6,4\"" : "";
                    svg.Append(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="{Esc(series.Color)}" stroke-width="{F(series.Width)}"{dash} points="{points}"><title>{Esc(series.Name)}</title></polyline>""").Append('\n');
                }

            var legendX = Width - Right - 10;
            for (var s = panel.Series.Count - 1; s >= 0; s--)
            {
                var series = panel.Series[s];
                var textWidth = 7 * series.Name.Length;
                legendX -= textWidth + 34;
                var dash = series.Dashed ? " stroke-dasharray=\"6,4\"" : "";
                svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{F(legendX)}" y1="{F(top - 12)}" x2="{F(legendX + 24)}" y2="{F(top - 12)}" stroke="{Esc(series.Color)}" stroke-width="2"{dash}/>""").Append('\n');
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(legendX + 28)}" y="{F(top - 8)}">{Esc(series.Name)}</text>""").Append('\n');
            }
            svg.Append("</g>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(Left + plotWidth / 2)}" y="{F(height - 12)}" text-anchor="middle">{Esc(xLabel)}</text>""").Append('\n');
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Tick values from <paramref name="min"/> to <paramref name="max"/> at a 1-2-5 step, at most about <paramref name="target"/> of them.</summary>
    public static IReadOnlyList<double> Ticks(double min, double max, int target)
    {
        if (!(max > min)) return [min];
        var step = NiceStep((max - min) / Math.Max(1, target));
        var ticks = new List<double>();
        for (var t = Math.Ceiling(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step)
            ticks.Add(Math.Round(t / step) * step);
        return ticks;
    }

    /// <summary>The smallest 1, 2 or 5 × 10ⁿ at least <paramref name="raw"/>.</summary>
    public static double NiceStep(double raw)
    {
        if (!(raw > 0)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1.0, 2, 5, 10 })
            if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
        return 10 * magnitude;
    }

    /// <summary>The smallest multiple of a 1-2-5 step (about a fifth of <paramref name="value"/>) at least <paramref name="value"/>.</summary>
    public static double NiceCeiling(double value)
    {
        if (!(value > 0)) return 1;
        var step = NiceStep(value / 5);
        return Math.Ceiling(value / step - 1e-9) * step;
    }

    /// <summary>The series' points as polylines: split at NaN, with steps expanded.</summary>
    private static IEnumerable<List<(double X, double Y)>> Lines(ChartSeries series)
    {
        var line = new List<(double X, double Y)>();
        foreach (var point in series.Points)
        {
            if (!double.IsFinite(point.X) || !double.IsFinite(point.Y))
            {
                if (line.Count > 0) yield return line;
                line = [];
                continue;
            }
            if (series.Steps && line.Count > 0) line.Add((point.X, line[^1].Y));
            line.Add(point);
        }
        if (line.Count > 0) yield return line;
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Num(double v) => Math.Abs(v) < 1e-9 ? "0" : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Esc(string text) => SecurityElement.Escape(text);
}
