using System.Text;

namespace ControlPlane.Dashboards.Benchmarks;

/// <summary>The results as a Markdown table, ready to paste into the README.</summary>
public static class ResultTable
{
    public static string Render(IReadOnlyList<Measurement> results)
    {
        var text = new StringBuilder()
            .AppendLine("| measurement | range | runs | median | max | CPU (median) | target | |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            text.AppendLine($"| {r.Name} | {r.Range} | {r.Runs.Count} | {Format(r.Median)} | {Format(r.Max)} | {Format(r.CpuMedian)} | ≤ {Format(r.Target)} | {(r.MeetsTarget ? "ok" : "MISSED")} |");
        }
        return text.ToString();
    }

    private static string Format(TimeSpan time) => time.TotalSeconds >= 1 ? $"{time.TotalSeconds:0.0} s" : $"{time.TotalMilliseconds:0} ms";
}
