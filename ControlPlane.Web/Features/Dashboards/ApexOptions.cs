namespace ControlPlane.Web.Features.Dashboards;

/// <summary>ApexCharts option objects for the dashboards' few chart kinds (serialised camelCase by the chart component).</summary>
public static class ApexOptions
{
    public static object TimeSeries(IReadOnlyList<ChartSeries> series, string type, bool stacked, string unit) => new
    {
        chart = new { type, stacked, height = 280, toolbar = new { show = false }, animations = new { enabled = false }, zoom = new { enabled = false } },
        series = series.Select(s => new { name = s.Name, data = s.Data.Select(p => new object[] { p.X, p.Y }) }),
        xaxis = new { type = "datetime", labels = new { datetimeUTC = true } },
        yaxis = new { title = new { text = unit } },
        dataLabels = new { enabled = false },
        stroke = new { width = type == "bar" ? 0 : 2, curve = "smooth" },
        legend = new { position = "top", horizontalAlign = "left" },
        tooltip = new { x = new { format = "dd MMM HH:mm" } },
        fill = new { opacity = type == "area" ? 0.35 : 0.9 },
        noData = new { text = "No data in this period" },
    };

    public static object Bars(IReadOnlyList<string> categories, IReadOnlyList<(string Name, IReadOnlyList<decimal> Values)> series, bool stacked, bool horizontal, string unit) => new
    {
        chart = new { type = "bar", stacked, height = Math.Max(220, 48 * categories.Count + 80), toolbar = new { show = false }, animations = new { enabled = false } },
        plotOptions = new { bar = new { horizontal } },
        series = series.Select(s => new { name = s.Name, data = s.Values }),
        xaxis = new { categories, title = new { text = horizontal ? unit : "" } },
        dataLabels = new { enabled = false },
        legend = new { position = "top", horizontalAlign = "left" },
        noData = new { text = "No data in this period" },
    };
}
