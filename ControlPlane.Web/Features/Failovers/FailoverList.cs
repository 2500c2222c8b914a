using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Failovers;

/// <summary>Recent failover and promotion events with the workload's name, newest first.</summary>
public sealed record FailoverLine(
    DateTimeOffset Time, FailoverKind Kind, string Workload, string WorkloadSlug, Guid? RequestId, Guid? BatchJobId,
    string From, string To, string Reason, decimal ExtraCost)
{
    public static async Task<IReadOnlyList<FailoverLine>> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory,
        DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var workloads = await db.Workloads.AsNoTracking().ToDictionaryAsync(w => w.Id, w => new { w.Name, w.Slug }, cancellationToken);
        var events = await db.FailoverEvents.AsNoTracking()
            .Where(e => e.Time >= from && e.Time < to)
            .OrderByDescending(e => e.Time)
            .Take(limit)
            .ToListAsync(cancellationToken);
        return events.Select(e => new FailoverLine(e.Time, e.Kind, workloads.GetValueOrDefault(e.WorkloadId)?.Name ?? "?",
            workloads.GetValueOrDefault(e.WorkloadId)?.Slug ?? "", e.RequestId, e.BatchJobId,
            $"{e.FromProvider}/{e.FromModel}", $"{e.ToProvider}/{e.ToModel}", e.Reason, e.ExtraCost)).ToList();
    }

    /// <summary>The first words of a reason, to group "429 rate limited (retry after 2 s)" with its kin.</summary>
    public string ReasonGroup => Reason.Split(':', '(')[0].Trim() is { Length: > 0 } head ? (head.Length > 48 ? head[..48] : head) : "unspecified";
}
