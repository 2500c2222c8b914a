using ControlPlane.Web.Components;

namespace ControlPlane.Web.Features.Costs;

/// <summary>The cost breakdown as CSV: the same lines and total the page shows.</summary>
public static class CostsCsv
{
    public static string Write(IReadOnlyList<CostLine> lines, CostGroup group)
    {
        var csv = new Csv().Row(group.ToString(), "Requests", "Spend", "RealtimeCounterfactual", "Savings", "DuplicateSpend", "FailoverExtraCost");
        foreach (var line in lines.Append(Total(lines)))
        {
            csv.Row(line.Key, line.Requests, Math.Round(line.Spend, 4), Math.Round(line.Counterfactual, 4), Math.Round(line.Savings, 4),
                Math.Round(line.DuplicateSpend, 4), Math.Round(line.FailoverExtra, 4));
        }
        return csv.ToString();
    }

    public static CostLine Total(IReadOnlyList<CostLine> lines) => new("Total", lines.Sum(l => l.Requests), lines.Sum(l => l.Spend),
        lines.Sum(l => l.Counterfactual), lines.Sum(l => l.Savings), lines.Sum(l => l.DuplicateSpend), lines.Sum(l => l.FailoverExtra));
}
