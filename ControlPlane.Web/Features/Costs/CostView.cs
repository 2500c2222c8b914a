using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Features.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Costs;

/// <summary>One line of the cost breakdown (and of its CSV export).</summary>
public sealed record CostLine(string Key, long Requests, decimal Spend, decimal Counterfactual, decimal Savings, decimal DuplicateSpend, decimal FailoverExtra);

/// <summary>Budget against month-to-date spend.</summary>
public sealed record BudgetLine(string Kind, string Name, decimal? Budget, decimal MonthToDate)
{
    public decimal? UsedPercent => Budget is > 0 ? Math.Round(MonthToDate / Budget.Value * 100, 1) : null;
}

/// <summary>Everything the cost and TCO page shows, computed from roll-ups, workloads and TCO settings.</summary>
public sealed record CostView(
    RollupSlice Slice,
    IReadOnlyList<CostLine> Lines,
    TcoSettings Tco,
    TcoComparison Annual,
    IReadOnlyList<BudgetLine> Budgets)
{
    public static async Task<CostView> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory, TimeRange range, CostGroup group,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var slices = await RollupSlice.LoadManyAsync(factory, [range, new TimeRange(monthStart, now.AddHours(1), TimeSpan.FromDays(1), "month")], cancellationToken);
        var (slice, month) = (slices[0], slices[1]);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var tco = await db.TcoSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? new TcoSettings();
        var workloads = await db.Workloads.AsNoTracking().Where(w => !w.IsArchived).OrderBy(w => w.Name).ToListAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);

        // Annualise the period's run rate: spend per day × 365, compared with the same work all in real time.
        var days = (decimal)Math.Max(1, range.Length.TotalDays);
        var runsBatch = slice.Points.Any(p => p.Mode == RequestMode.Batch);
        var annual = TcoComparison.Monthly(slice.Spend / days * 365m / 12m, slice.Counterfactual / days * 365m / 12m, tco, runsBatch, months: 12);

        var byTeam = month.Points.GroupBy(p => p.Team).ToDictionary(g => g.Key, g => g.Sum(p => p.Row.Cost + p.Row.DuplicateCost));
        var byWorkload = month.Points.GroupBy(p => p.WorkloadId).ToDictionary(g => g.Key, g => g.Sum(p => p.Row.Cost + p.Row.DuplicateCost));
        var budgets = teams.Select(t => new BudgetLine("Team", t.Name, t.MonthlyBudget, byTeam.GetValueOrDefault(t.Name)))
            .Concat(workloads.Select(w => new BudgetLine("Workload", w.Name, w.MonthlyBudget, byWorkload.GetValueOrDefault(w.Id))))
            .ToList();
        return new CostView(slice, Breakdown(slice, group), tco, annual, budgets);
    }

    public static IReadOnlyList<CostLine> Breakdown(RollupSlice slice, CostGroup group) =>
        slice.Points.GroupBy(p => KeyOf(p, group)).Select(g => new CostLine(g.Key,
                g.Sum(p => p.Row.Requests),
                g.Sum(p => p.Row.Cost + p.Row.DuplicateCost),
                g.Sum(p => p.Row.CounterfactualCost),
                g.Sum(p => p.Row.CounterfactualCost - p.Row.Cost - p.Row.DuplicateCost),
                g.Sum(p => p.Row.DuplicateCost),
                g.Sum(p => p.Row.FailoverExtraCost)))
            .OrderByDescending(l => l.Spend)
            .ToList();

    public static string KeyOf(RollupPoint point, CostGroup group) => group switch
    {
        CostGroup.Mode => point.Mode == RequestMode.Batch ? "Batch" : "Real-time",
        CostGroup.Provider => point.Provider,
        CostGroup.Team => point.Team,
        _ => point.Workload,
    };
}
