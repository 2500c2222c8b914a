using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Batches;

/// <summary>
/// Promotes a batch job to real time: claims it (guarded; a second run or a second operator finds it promoted and
/// only helps finish), cancels the provider batch as a best effort, moves every request without a result to
/// Promoted, and dispatches them through the real-time path in chunks the capacity allows.
/// </summary>
public sealed class BatchPromoteJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IProviderRegistry providers,
    BatchPromotion promotion,
    PromotedDispatchJob dispatch,
    IOptions<BatchOptions> options,
    TimeProvider clock,
    ILogger<BatchPromoteJob> logger)
{
    public async Task<PromoteResult> RunAsync(Guid jobId, string actor, string reason, CancellationToken cancellationToken)
    {
        var claim = await promotion.ClaimAsync(jobId, actor, reason, cancellationToken);
        if (claim.Outcome == PromoteOutcome.NotPromotable)
        {
            logger.LogInformation("Batch job {JobId} not promoted: {Message}", jobId, claim.Message);
            return claim;
        }

        string? providerBatchId;
        string provider;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var job = await db.BatchJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, cancellationToken);
            (providerBatchId, provider) = (job.ProviderBatchId, job.Provider);
        }
        // Also when the claim was made earlier (by the UI or stuck detection): cancelling twice is harmless.
        if (providerBatchId is not null)
        {
            try
            {
                await providers.Get(provider).CancelBatchAsync(providerBatchId, cancellationToken);
            }
            catch (Exception ex) when (ex is ProviderException or HttpRequestException or Domain.Common.DomainException)
            {
                // Best effort: if the batch still finishes, its results are recorded as duplicate spend.
                logger.LogWarning(ex, "Cancelling provider batch {ProviderBatchId} of promoted job {JobId} failed", providerBatchId, jobId);
            }
        }

        await MovePendingToPromotedAsync(jobId, actor, reason, cancellationToken);
        await dispatch.RunAsync(jobId, cancellationToken);
        return claim;
    }

    private async Task MovePendingToPromotedAsync(Guid jobId, string actor, string reason, CancellationToken cancellationToken)
    {
        var detail = BatchTelemetry.Truncate($"Promoted to real time by {actor}: {reason}", 1000);
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var page = await db.Requests
                .Where(r => r.BatchJobId == jobId && (r.Status == RequestStatus.InBatch || r.Status == RequestStatus.Queued))
                .OrderBy(r => r.Id)
                .Take(options.Value.PageSize)
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                return;
            }
            var now = clock.GetUtcNow();
            foreach (var request in page)
            {
                request.Promote(now);
                db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Promoted, now, jobId, detail));
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another promotion run moved some of these first: read the page again.
            }
        }
    }
}
