using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace ControlPlane.Web.Features.Batches;

/// <summary>A point on a job's status timeline.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string What, string? Who, string? Why);

/// <summary>One request of a job, as its items table shows it.</summary>
public sealed record BatchItemRow(Guid Id, RequestStatus Status, string? Model, decimal Cost, decimal DuplicateCost, string? Error, DateTimeOffset? CompletedAt);

/// <summary>Everything the job page shows apart from the items table.</summary>
public sealed record BatchDetail(BatchJob Job, Workload? Workload, decimal Cost, decimal DuplicateCost, int FailedItems,
    IReadOnlyList<TimelineEntry> Timeline, IReadOnlyDictionary<RequestStatus, int> ByStatus)
{
    public BatchProgress Progress => BatchProgress.Of(Job, ByStatus.GetValueOrDefault(RequestStatus.Succeeded),
        ByStatus.GetValueOrDefault(RequestStatus.Failed) + ByStatus.GetValueOrDefault(RequestStatus.Expired));

    public static async Task<BatchDetail?> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var job = await db.BatchJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return null;
        }
        var workload = job.WorkloadId is { } wid ? await db.Workloads.AsNoTracking().FirstOrDefaultAsync(w => w.Id == wid, cancellationToken) : null;
        var requests = db.Requests.AsNoTracking().Where(r => r.BatchJobId == id);
        var byStatus = await requests.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var cost = await requests.SumAsync(r => r.Cost, cancellationToken);
        var duplicate = await requests.SumAsync(r => r.DuplicateCost, cancellationToken);
        var key = id.ToString();
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == nameof(BatchJob) && a.EntityId == key).ToListAsync(cancellationToken);

        var timeline = new List<TimelineEntry> { new(job.CreatedAt, $"Assembled from {job.RequestCount:N0} queued requests", null, null) };
        if (job.SubmittedAt is { } submitted)
        {
            timeline.Add(new(submitted, $"Submitted to {job.Provider} as {job.ProviderBatchId}", null, null));
        }
        timeline.Add(new(job.StatusChangedAt, $"Status became {job.Status}" + (job.ProviderStatus is { } raw ? $" (last status reported by the provider: {raw})" : ""), null, null));
        if (job.ResultsIngestedAt is { } ingested)
        {
            timeline.Add(new(ingested, "Results ingested", null, null));
        }
        timeline.AddRange(audit.Select(a => new TimelineEntry(a.Time, Describe(a), a.Actor, a.Reason)));
        return new BatchDetail(job, workload, cost, duplicate,
            byStatus.GetValueOrDefault(RequestStatus.Failed) + byStatus.GetValueOrDefault(RequestStatus.Expired),
            [.. timeline.OrderBy(t => t.At)], byStatus);
    }

    public static async Task<GridData<BatchItemRow>> ItemsAsync(IDbContextFactory<ControlPlaneDbContext> factory, Guid id, bool problemsOnly,
        int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Requests.AsNoTracking().Where(r => r.BatchJobId == id);
        if (problemsOnly)
        {
            query = query.Where(r => r.Error != null);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderBy(r => r.ReceivedAt).Skip(page * pageSize).Take(pageSize)
            .Select(r => new BatchItemRow(r.Id, r.Status, r.Provider + "/" + r.Model, r.Cost, r.DuplicateCost, r.Error, r.CompletedAt))
            .ToListAsync(cancellationToken);
        return new GridData<BatchItemRow> { Items = rows, TotalItems = total };
    }

    private static string Describe(AuditEntry a) => a.Action switch
    {
        "batch.promote" => "Promoted to real time",
        "batch.cancel" => "Cancel requested",
        "batch.retry-failed" => $"Failed items retried ({a.Changes.FirstOrDefault()?.After} requests)",
        _ => a.Action,
    };
}
