using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Costs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Batches;

/// <summary>What promoting a job would cost, against the workload's budget, and how fast real time can take it.</summary>
public sealed record PromotionEstimate(
    Guid BatchJobId,
    int Requests,
    decimal EstimatedRealtimeCost,
    decimal EstimatedBatchCost,
    decimal MonthToDateSpend,
    decimal? MonthlyBudget,
    int CapacityPerMinute)
{
    /// <summary>What real time costs on top of what the batch would have cost.</summary>
    public decimal ExtraCost => EstimatedRealtimeCost - EstimatedBatchCost;

    public decimal? BudgetLeft => MonthlyBudget - MonthToDateSpend;

    /// <summary>True when the budget (if any) still covers the real-time cost of the promotion.</summary>
    public bool WithinBudget => MonthlyBudget is not { } budget || MonthToDateSpend + EstimatedRealtimeCost <= budget;

    /// <summary>Minutes the dispatch takes at the capacity set aside for promotions (chunks a minute apart).</summary>
    public int Minutes => Requests == 0 ? 0 : (Requests + CapacityPerMinute - 1) / CapacityPerMinute;
}

public enum PromoteOutcome { Promoted, AlreadyPromoted, NotPromotable }

public sealed record PromoteResult(PromoteOutcome Outcome, string Message);

/// <summary>
/// Decides and records a promotion: the estimate an operator sees before confirming, the budget and capacity gate for
/// automatic promotion, and the guarded move of the job to Promoted with its audit entry in the same save, so two
/// operators (or an operator and stuck detection) promoting at once promote once.
/// </summary>
public sealed class BatchPromotion(
    IDbContextFactory<ControlPlaneDbContext> factory,
    PriceCatalogSource prices,
    IOptions<BatchOptions> options,
    TimeProvider clock)
{
    private const int FallbackOutputTokens = 256;

    public async Task<PromotionEstimate?> EstimateAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var job = await db.BatchJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return null;
        }
        var workload = job.WorkloadId is { } wid ? await db.Workloads.AsNoTracking().FirstOrDefaultAsync(w => w.Id == wid, cancellationToken) : null;
        var open = db.Requests.Where(r => r.BatchJobId == jobId && (r.Status == RequestStatus.InBatch || r.Status == RequestStatus.Queued));
        var count = await open.CountAsync(cancellationToken);
        // About four characters per token: the estimate only has to be good enough to decide against a budget.
        var inputChars = count == 0 ? 0L : await open.SumAsync(r => (long)r.InputJson.Length, cancellationToken);
        var outputTokens = (long)count * (workload?.Volume.MeanOutputTokens is > 0 and var mean ? mean : FallbackOutputTokens);
        var inputTokens = inputChars / 4;

        var catalog = await prices.GetAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var realtimeModel = workload?.RealtimeModel ?? job.ModelRef;
        var realtime = catalog.Find(realtimeModel, today) is { } rp ? CostCalculator.Cost(rp, RequestMode.Realtime, inputTokens, outputTokens).Actual : 0m;
        var batch = catalog.Find(job.ModelRef, today) is { } bp ? CostCalculator.Cost(bp, RequestMode.Batch, inputTokens, outputTokens).Actual : 0m;
        var spend = workload is null ? 0m : await MonthToDateSpendAsync(db, workload.Id, cancellationToken);
        return new PromotionEstimate(jobId, count, realtime, batch, spend, workload?.MonthlyBudget, options.Value.PromotionRequestsPerMinute);
    }

    /// <summary>Why automatic promotion must wait for an operator, or null when it may go ahead.</summary>
    public static string? AutoPromotionBlocker(PromotionEstimate estimate) => estimate switch
    {
        { WithinBudget: false } e =>
            $"promoting {e.Requests:N0} requests would cost about ${e.EstimatedRealtimeCost:N2} in real time, more than the ${e.BudgetLeft:N2} left of the monthly budget",
        _ => null,
    };

    /// <summary>The guarded move to Promoted, audited with who and why in the same save.</summary>
    public async Task<PromoteResult> ClaimAsync(Guid jobId, string actor, string reason, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var job = await db.BatchJobs.FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return new PromoteResult(PromoteOutcome.NotPromotable, "The batch job does not exist.");
        }
        if (job.Status == BatchJobStatus.Promoted)
        {
            return new PromoteResult(PromoteOutcome.AlreadyPromoted, "The batch job was already promoted to real time.");
        }
        if (!BatchJobLifecycle.Machine.CanMove(job.Status, BatchJobStatus.Promoted))
        {
            return new PromoteResult(PromoteOutcome.NotPromotable,
                $"A job that is {job.Status} cannot be promoted" + (job.Status == BatchJobStatus.Completed ? ": its results are being ingested." : "."));
        }
        var now = clock.GetUtcNow();
        var before = job.Status;
        job.Promote(now);
        job.AttentionReason = null;
        // Keep an eye on the provider batch: if it still finishes, its results are duplicate spend to record.
        job.NextPollAt = job.ProviderBatchId is null ? null : now + options.Value.SimulatorPollMaxDelay;
        if (job.ProviderBatchId is null)
        {
            job.MarkIngested(now);
        }
        db.AuditEntries.Add(AuditEntry.Create(now, actor, "batch.promote", nameof(BatchJob), job.Id.ToString(),
            [new FieldChange("Status", before.ToString(), nameof(BatchJobStatus.Promoted))], reason));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new PromoteResult(PromoteOutcome.Promoted, "Promoted to real time.");
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var again = await factory.CreateDbContextAsync(cancellationToken);
            var current = await again.BatchJobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.Status).FirstAsync(cancellationToken);
            return current == BatchJobStatus.Promoted
                ? new PromoteResult(PromoteOutcome.AlreadyPromoted, "Someone else promoted the batch job at the same moment.")
                : new PromoteResult(PromoteOutcome.NotPromotable, $"The batch job changed to {current} meanwhile; look again before promoting.");
        }
    }

    /// <summary>Spend of a workload since the first of this month (UTC), duplicates included: that is what is billed.</summary>
    public async Task<decimal> MonthToDateSpendAsync(ControlPlaneDbContext db, Guid workloadId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return await db.Requests.Where(r => r.WorkloadId == workloadId && r.ReceivedAt >= monthStart)
            .SumAsync(r => r.Cost + r.DuplicateCost, cancellationToken);
    }

    /// <summary>The policy that applies to a job: its workload's, or the default for jobs without one.</summary>
    public static PromotionPolicy PolicyOf(Workload? workload) => workload?.Promotion ?? PromotionPolicy.Default;
}
