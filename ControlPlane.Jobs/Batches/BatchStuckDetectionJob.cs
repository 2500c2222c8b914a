using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Workloads;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Batches;

/// <summary>
/// Recurring: a job is stuck when it is not finished and either its status has not moved for its workload's stall
/// limit, or its earliest deadline is closer than the promotion margin. Stuck jobs are promoted automatically where
/// the workload's policy allows and the budget covers it; otherwise they are flagged for an operator with the reason.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class BatchStuckDetectionJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    BatchPromotion promotion,
    IBatchJobQueue queue,
    TimeProvider clock,
    ILogger<BatchStuckDetectionJob> logger)
{
    private static readonly BatchJobStatus[] Watched =
    [
        BatchJobStatus.Assembling, BatchJobStatus.Submitting, BatchJobStatus.Submitted,
        BatchJobStatus.InProgress, BatchJobStatus.Finalizing, BatchJobStatus.Cancelling,
    ];

    public const string AutoActor = "system (stuck detection)";

    /// <summary>Returns the ids of the jobs found stuck.</summary>
    public async Task<IReadOnlyList<Guid>> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var jobs = await db.BatchJobs.Where(j => Watched.Contains(j.Status)).ToListAsync(cancellationToken);
        var workloadIds = jobs.Select(j => j.WorkloadId).OfType<Guid>().Distinct().ToList();
        var workloads = await db.Workloads.AsNoTracking().Where(w => workloadIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, cancellationToken);

        var stuck = new List<Guid>();
        foreach (var job in jobs)
        {
            var workload = job.WorkloadId is { } wid ? workloads.GetValueOrDefault(wid) : null;
            if (StuckReason(job, BatchPromotion.PolicyOf(workload), now) is not { } why)
            {
                continue;
            }
            stuck.Add(job.Id);
            string attention;
            if (!BatchPromotion.PolicyOf(workload).AutoPromote)
            {
                attention = $"Stuck: {why}. The workload's policy leaves promotion to an operator.";
            }
            else if (await promotion.EstimateAsync(job.Id, cancellationToken) is { } estimate &&
                BatchPromotion.AutoPromotionBlocker(estimate) is { } blocker)
            {
                attention = $"Stuck: {why}. Automatic promotion held: {blocker}.";
            }
            else
            {
                var claim = await promotion.ClaimAsync(job.Id, AutoActor, $"Stuck: {why}.", cancellationToken);
                if (claim.Outcome != PromoteOutcome.NotPromotable)
                {
                    queue.EnqueuePromote(job.Id, AutoActor, $"Stuck: {why}.");
                    logger.LogInformation("Batch job {JobId} promoted automatically: {Why}", job.Id, why);
                    continue;
                }
                attention = $"Stuck: {why}. Automatic promotion failed: {claim.Message}";
            }
            if (job.AttentionReason != attention)
            {
                await FlagAsync(job.Id, attention, cancellationToken);
                logger.LogWarning("Batch job {JobId} needs an operator: {Reason}", job.Id, attention);
            }
        }
        return stuck;
    }

    /// <summary>Why the job counts as stuck under the policy, in words an operator reads; null when it is not.</summary>
    public static string? StuckReason(BatchJob job, PromotionPolicy policy, DateTimeOffset now)
    {
        if (job.IsTerminal || job.Status == BatchJobStatus.Completed)
        {
            return null;
        }
        var still = now - job.StatusChangedAt;
        if (still >= policy.StallLimit)
        {
            return $"{job.Status} for {Format(still)}, past the stall limit of {Format(policy.StallLimit)}";
        }
        if (job.EarliestDeadline is { } deadline && deadline - now < policy.Margin)
        {
            return deadline <= now
                ? $"the earliest deadline passed {Format(now - deadline)} ago"
                : $"the earliest deadline is {Format(deadline - now)} away, inside the promotion margin of {Format(policy.Margin)}";
        }
        return null;
    }

    private async Task FlagAsync(Guid jobId, string attention, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var job = await db.BatchJobs.FirstAsync(j => j.Id == jobId, cancellationToken);
        job.AttentionReason = BatchTelemetry.Truncate(attention, 1000);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The job moved meanwhile; the next run looks at it again.
        }
    }

    private static string Format(TimeSpan span) => span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h"
        : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0} s";
}
