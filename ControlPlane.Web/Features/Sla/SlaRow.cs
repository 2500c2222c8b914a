using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Sla;
using ControlPlane.Domain.Workloads;
using ControlPlane.Web.Features.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Sla;

/// <summary>One workload's SLA over a period: one merged number, with the per-mode breakdown beside it.</summary>
public sealed record SlaRow(
    string Slug,
    string Workload,
    string Team,
    Segment Segment,
    string Target,
    SlaFigures Merged,
    SlaFigures Realtime,
    SlaFigures Batch,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms)
{
    public static async Task<IReadOnlyList<SlaRow>> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory, RollupSlice slice, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var workloads = await db.Workloads.AsNoTracking().Where(w => !w.IsArchived).OrderBy(w => w.Name).ToListAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        return workloads.Select(w =>
        {
            var mine = slice.Where(p => p.WorkloadId == w.Id);
            var target = w.Sla.AvailabilityTargetPercent ?? 99m;
            var latency = mine.Where(p => p.Mode == RequestMode.Realtime).Latency();
            return new SlaRow(w.Slug, w.Name, teams.GetValueOrDefault(w.TeamId, ""), w.Segment, w.Sla.Summary(w.Segment),
                mine.Sla(target),
                mine.Where(p => p.Mode == RequestMode.Realtime).Sla(target),
                mine.Where(p => p.Mode == RequestMode.Batch).Sla(target),
                latency.Percentile(50), latency.Percentile(95), latency.Percentile(99));
        }).ToList();
    }

    public static string Percent(decimal? value) => value is null ? "—" : $"{value:0.##} %";

    public static string Millis(double? value) => value is null ? "—" : value >= 60_000 ? $"{value / 60_000:0.#} min" : $"{value:N0} ms";
}
