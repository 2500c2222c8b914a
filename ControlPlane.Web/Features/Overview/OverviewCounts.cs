using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Overview;

/// <summary>What the overview shows, counted from the database.</summary>
public sealed record OverviewCounts(
    int ActiveWorkloads,
    int Teams,
    IReadOnlyDictionary<Segment, int> WorkloadsBySegment,
    int Requests,
    int BatchJobs,
    int BatchJobsInFlight)
{
    public static async Task<OverviewCounts> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var bySegment = await db.Workloads.Where(w => !w.IsArchived)
            .GroupBy(w => w.Segment)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var inFlight = new[] { BatchJobStatus.Submitted, BatchJobStatus.InProgress, BatchJobStatus.Finalizing, BatchJobStatus.Cancelling };
        return new OverviewCounts(
            bySegment.Values.Sum(),
            await db.Teams.CountAsync(cancellationToken),
            bySegment,
            await db.Requests.CountAsync(cancellationToken),
            await db.BatchJobs.CountAsync(cancellationToken),
            await db.BatchJobs.CountAsync(b => inFlight.Contains(b.Status), cancellationToken));
    }
}
