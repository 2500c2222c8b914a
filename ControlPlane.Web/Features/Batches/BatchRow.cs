using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Batches;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace ControlPlane.Web.Features.Batches;

/// <summary>One line of the batch jobs table.</summary>
public sealed record BatchRow(
    Guid Id,
    BatchJobStatus Status,
    string? ProviderStatus,
    string Model,
    string Workload,
    int Requests,
    int Completed,
    int Failed,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EarliestDeadline,
    string? Stuck,
    decimal Cost)
{
    public double ProgressPercent => new BatchProgress(Requests, Completed, Failed).Percent;

    public static async Task<GridData<BatchRow>> PageAsync(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider clock,
        BatchJobStatus? status, bool stuckOnly, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.BatchJobs.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(j => j.Status == s);
        }
        if (stuckOnly)
        {
            query = query.Where(j => j.AttentionReason != null);
        }
        var total = await query.CountAsync(cancellationToken);
        var jobs = await query.OrderByDescending(j => j.CreatedAt).Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var ids = jobs.Select(j => (Guid?)j.Id).ToList();
        var requests = await db.Requests.AsNoTracking().Where(r => ids.Contains(r.BatchJobId))
            .GroupBy(r => r.BatchJobId)
            .Select(g => new
            {
                Id = g.Key!.Value,
                Cost = g.Sum(r => r.Cost + r.DuplicateCost),
                Succeeded = g.Count(r => r.Status == RequestStatus.Succeeded),
                Failed = g.Count(r => r.Status == RequestStatus.Failed || r.Status == RequestStatus.Expired),
            })
            .ToDictionaryAsync(x => x.Id, cancellationToken);
        var workloadIds = jobs.Select(j => j.WorkloadId).OfType<Guid>().Distinct().ToList();
        var workloads = await db.Workloads.AsNoTracking().Where(w => workloadIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, cancellationToken);
        var now = clock.GetUtcNow();
        var rows = jobs.Select(j =>
        {
            var workload = j.WorkloadId is { } wid ? workloads.GetValueOrDefault(wid) : null;
            var outcome = requests.GetValueOrDefault(j.Id);
            var progress = BatchProgress.Of(j, outcome?.Succeeded ?? 0, outcome?.Failed ?? 0);
            return new BatchRow(j.Id, j.Status, j.ProviderStatus, j.ModelRef.ToString(), workload?.Name ?? "—", j.RequestCount,
                progress.Done, progress.Failed, j.CreatedAt, j.EarliestDeadline,
                j.AttentionReason ?? BatchStuckDetectionJob.StuckReason(j, workload?.Promotion ?? PromotionPolicy.Default, now),
                outcome?.Cost ?? 0m);
        }).ToList();
        return new GridData<BatchRow> { Items = rows, TotalItems = total };
    }
}
