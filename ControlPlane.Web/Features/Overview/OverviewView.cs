using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Sla;
using ControlPlane.Web.Features.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Overview;

/// <summary>The overview's KPIs and charts, all computed from roll-ups (and job states for live counts).</summary>
public sealed record OverviewView(
    RollupSlice Slice,
    decimal MonthSpend,
    string SpendTrend,
    decimal MonthSavings,
    SlaFigures Sla,
    string SlaHint,
    long Failovers24h,
    string FailoverTrend,
    int StuckJobs,
    object SpendChart,
    object RequestsChart)
{
    public static async Task<OverviewView> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory, TimeRange range, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var day = TimeRange.Last24Hours(now);
        var slices = await RollupSlice.LoadManyAsync(factory,
        [
            range,
            new TimeRange(monthStart, now.AddHours(1), TimeSpan.FromDays(1), "month"),
            new TimeRange(monthStart.AddMonths(-1), monthStart.AddMonths(-1) + (now - monthStart), TimeSpan.FromDays(1), "prev"),
            day,
            day.Previous,
        ], cancellationToken);
        var (slice, month, lastMonthSameDays, last24, previous24) = (slices[0], slices[1], slices[2], slices[3], slices[4]);

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var targets = await db.Workloads.AsNoTracking().Select(w => new { w.Id, w.Sla.AvailabilityTargetPercent })
            .ToDictionaryAsync(w => w.Id, w => w.AvailabilityTargetPercent, cancellationToken);
        // A month-on-month trend needs data from the start of last month's window (give or take a quiet first day); a
        // younger install has nothing to compare with, and its first hours would make any percentage absurd.
        var firstHour = await db.HourlyRollups.AsNoTracking().OrderBy(r => r.HourStart).Select(r => (DateTimeOffset?)r.HourStart).FirstOrDefaultAsync(cancellationToken);
        var stuck = await db.BatchJobs.CountAsync(b => b.AttentionReason != null
            && b.Status != BatchJobStatus.Ingested && b.Status != BatchJobStatus.Promoted && b.Status != BatchJobStatus.Cancelled, cancellationToken);

        // The merged target is the request-weighted mean of each workload's availability target.
        var weights = slice.Points.GroupBy(p => p.WorkloadId).ToDictionary(g => g.Key, g => g.Sum(p => p.Row.Requests));
        var totalWeight = weights.Values.Sum();
        var target = totalWeight == 0 ? 99.9m : Math.Round(weights.Sum(w =>
            w.Value * (targets.GetValueOrDefault(w.Key) ?? 99m)) / totalWeight, 3);
        var sla = slice.Sla(target);

        return new OverviewView(
            slice,
            month.Spend,
            firstHour is { } first && first > monthStart.AddMonths(-1).AddDays(1)
                ? "no data from last month to compare with yet"
                : Trend(month.Spend, lastMonthSameDays.Spend, "same days last month"),
            month.Savings,
            sla,
            $"target {target:0.###} % · {sla.Terminal:N0} finished in {range.Label}",
            last24.Failovers,
            Trend(last24.Failovers, previous24.Failovers, "previous 24 h"),
            stuck,
            ApexOptions.TimeSeries(slice.Series(p => ModeName(p), r => r.Cost + r.DuplicateCost), "bar", stacked: true, "US$"),
            ApexOptions.TimeSeries(slice.Series(p => ModeName(p), r => r.Requests), "area", stacked: true, "requests"));
    }

    private static string ModeName(RollupPoint point) => point.Mode == Domain.Costs.RequestMode.Batch ? "Batch" : "Real-time";

    public static string Trend(decimal current, decimal previous, string against) => previous == 0
        ? (current == 0 ? $"no change vs {against}" : $"new vs {against}")
        : $"{(current - previous) / previous * 100:+0;-0;0} % vs {against}";
}
