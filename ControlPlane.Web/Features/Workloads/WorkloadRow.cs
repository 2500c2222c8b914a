using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Workloads;

/// <summary>One line of the workloads table.</summary>
public sealed record WorkloadRow(
    string Slug,
    string Name,
    string Team,
    Segment Segment,
    string Sla,
    string RealtimeModel,
    string? BatchModel,
    int DailyRequests,
    CostProjection MonthlyCost,
    bool IsArchived)
{
    public static async Task<IReadOnlyList<WorkloadRow>> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var prices = new PriceCatalog(await db.Prices.AsNoTracking().ToListAsync(cancellationToken));
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var workloads = await db.Workloads.AsNoTracking().OrderBy(w => w.Name).ToListAsync(cancellationToken);
        return workloads.Select(w => new WorkloadRow(
                w.Slug, w.Name, teams.GetValueOrDefault(w.TeamId, "?"), w.Segment, w.Sla.Summary(w.Segment),
                w.RealtimeModel.ToString(), w.BatchModel?.ToString(), w.Volume.DailyRequests,
                CostProjection.For(w, prices, today), w.IsArchived))
            .ToList();
    }
}
