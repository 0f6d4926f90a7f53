using System.Xml.Linq;

namespace Platform.Serving.EndToEnd.Tests.Load;

public sealed class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Draws_one_polyline_per_series_inside_its_panel()
    {
        var text = SvgChart.Render("load <test> & more", "seconds",
        [
            new ChartPanel("Requests", "req/s", [new ChartSeries("sent", "#1f77b4", [(0, 0), (10, 200), (20, 0)])]),
            new ChartPanel("Replicas", "replicas",
            [
                new ChartSeries("desired", "#ff7f0e", [(0, 1), (10, 3), (20, 0)], Steps: true),
                new ChartSeries("actual", "#000", [(0, 1), (10, 2), (20, 0)], Dashed: true),
            ]),
        ], [new ChartMarker(15, "stop")]);

        var doc = XDocument.Parse(text);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "load <test> & more");
        var lines = doc.Descendants(Svg + "polyline").ToList();
        Assert.Equal(3, lines.Count);
        var width = double.Parse(doc.Root.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        var height = double.Parse(doc.Root.Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var line in lines)
            foreach (var point in line.Attribute("points")!.Value.Split(' '))
            {
                var xy = point.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                Assert.InRange(xy[0], 0, width);
                Assert.InRange(xy[1], 0, height);
            }
        // Steps: 3 points become 5 (a horizontal then a vertical move each time).
        Assert.Equal(5, lines[1].Attribute("points")!.Value.Split(' ').Length);
        Assert.NotNull(lines[2].Attribute("stroke-dasharray"));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "stop");
    }

    [Fact]
    public void Breaks_lines_at_missing_values_and_survives_empty_or_flat_data()
    {
        var text = SvgChart.Render("t", "x",
        [
            new ChartPanel("gaps", "y", [new ChartSeries("s", "red", [(0, 1), (1, double.NaN), (2, 3), (3, 4)])]),
            new ChartPanel("flat", "y", [new ChartSeries("zero", "blue", [(0, 0), (5, 0)])]),
            new ChartPanel("empty", "y", [new ChartSeries("none", "green", [])]),
        ]);
        var lines = XDocument.Parse(text).Descendants(Svg + "polyline").ToList();
        Assert.Equal(3, lines.Count); // two pieces of "s", one of "zero", none of "none"
        Assert.DoesNotContain("NaN", text);
        Assert.DoesNotContain("Infinity", text);
    }

    [Fact]
    public void A_fixed_top_clips_outliers_and_says_so()
    {
        var text = SvgChart.Render("t", "x", [new ChartPanel("Requests", "req/s", [new ChartSeries("sent", "blue", [(0, 100), (1, 3000), (2, 100)])], YMax: 300)]);
        var doc = XDocument.Parse(text);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value.StartsWith("Requests (values above 300 drawn at the top; max 3000)", StringComparison.Ordinal));
        var ys = doc.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ')
            .Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(50, ys.Min()); // the panel's top edge
    }

    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1, 1)]
    [InlineData(1.2, 2)]
    [InlineData(3, 5)]
    [InlineData(7, 10)]
    [InlineData(42, 50)]
    public void Steps_are_1_2_5(double raw, double step) => Assert.Equal(step, SvgChart.NiceStep(raw), 9);

    [Fact]
    public void Ticks_cover_the_range_at_round_values()
    {
        Assert.Equal([0, 50, 100, 150, 200, 250], SvgChart.Ticks(0, 250, 5));
        Assert.Equal([0, 1, 2, 3], SvgChart.Ticks(0, 3, 5));
        Assert.Equal(250, SvgChart.NiceCeiling(203)); // step 50 (a fifth of 203, rounded up to 1-2-5)
        Assert.Equal(25, SvgChart.NiceCeiling(23));
        Assert.Equal(4, SvgChart.NiceCeiling(3.5));
        Assert.Equal(1, SvgChart.NiceCeiling(0));
    }
}
