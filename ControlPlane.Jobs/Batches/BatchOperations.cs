using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Batches;

/// <summary>The result of an operator's action, in a sentence the page shows.</summary>
public sealed record OperatorActionResult(bool Succeeded, string Message);

/// <summary>
/// What an operator can do to a batch job: promote it to real time, cancel it, retry its failed items. Each action is
/// a guarded change audited with who and why in the same save; the slow part runs as a Hangfire job.
/// </summary>
public sealed class BatchOperations(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IProviderRegistry providers,
    BatchPromotion promotion,
    IBatchJobQueue queue,
    TimeProvider clock,
    ILogger<BatchOperations> logger)
{
    public async Task<OperatorActionResult> PromoteAsync(Guid jobId, string actor, string reason, CancellationToken cancellationToken)
    {
        var claim = await promotion.ClaimAsync(jobId, actor, reason, cancellationToken);
        if (claim.Outcome != PromoteOutcome.Promoted)
        {
            return new OperatorActionResult(false, claim.Message);
        }
        queue.EnqueuePromote(jobId, actor, reason);
        return new OperatorActionResult(true, "Promoted: its unfinished requests are being sent in real time.");
    }

    public async Task<OperatorActionResult> CancelAsync(Guid jobId, string actor, string reason, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var job = await db.BatchJobs.FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return new OperatorActionResult(false, "The batch job does not exist.");
        }
        var before = job.Status;
        var target = before == BatchJobStatus.Assembling ? BatchJobStatus.Cancelled : BatchJobStatus.Cancelling;
        if (!BatchJobLifecycle.Machine.CanMove(before, target))
        {
            return new OperatorActionResult(false, before == BatchJobStatus.Submitting
                ? "The job is being submitted right now; cancel it again in a moment."
                : $"A job that is {before} cannot be cancelled.");
        }
        var now = clock.GetUtcNow();
        job.RequestCancel(now);
        job.AttentionReason = null;
        // Cancelling: poll at once to see the provider's answer. Cancelled before submission: settle its requests.
        job.NextPollAt = now;
        db.AuditEntries.Add(AuditEntry.Create(now, actor, "batch.cancel", nameof(BatchJob), job.Id.ToString(),
            [new FieldChange("Status", before.ToString(), job.Status.ToString())], reason));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new OperatorActionResult(false, "The job changed at the same moment; look again before cancelling.");
        }

        if (job.ProviderBatchId is { } providerBatchId)
        {
            try
            {
                await providers.Get(job.Provider).CancelBatchAsync(providerBatchId, cancellationToken);
            }
            catch (Exception ex) when (ex is ProviderException or HttpRequestException)
            {
                logger.LogWarning(ex, "Cancelling provider batch {ProviderBatchId} failed; the poller keeps asking", providerBatchId);
            }
        }
        else
        {
            queue.EnqueueIngest(job.Id);
        }
        return new OperatorActionResult(true, job.Status == BatchJobStatus.Cancelled
            ? "Cancelled before it was sent; its requests are cancelled."
            : "Cancel requested at the provider; requests without a result are cancelled when it confirms.");
    }

    /// <summary>
    /// Failed requests are terminal and keep their record; a retry is a new request with the same input, queued for
    /// the next batch and linked to the original through its metadata, so nothing is counted twice.
    /// </summary>
    public async Task<OperatorActionResult> RetryFailedAsync(Guid jobId, string actor, string reason, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var failed = await db.Requests.AsNoTracking()
            .Where(r => r.BatchJobId == jobId && (r.Status == RequestStatus.Failed || r.Status == RequestStatus.Expired))
            .ToListAsync(cancellationToken);
        var alreadyRetried = (await db.Requests.AsNoTracking()
            .Where(r => r.MetadataJson != null && r.MetadataJson.Contains(jobId.ToString()))
            .Select(r => r.MetadataJson!)
            .ToListAsync(cancellationToken)).ToHashSet();
        var now = clock.GetUtcNow();
        var events = new List<TelemetryEvent>();
        var count = 0;
        foreach (var original in failed)
        {
            var metadata = JsonSerializer.Serialize(new { retryOf = original.Id, batchJobId = jobId });
            if (alreadyRetried.Contains(metadata) || original.Provider is null || original.Model is null)
            {
                continue;
            }
            var retry = new InferenceRequest(original.WorkloadId, original.TeamId, original.InputJson, original.MaxOutputTokens,
                original.Deadline is { } d && d > now ? d : null, null, null, now) { MetadataJson = metadata };
            retry.Route(new RoutingDecision(RequestMode.Batch, new(original.Provider, original.Model),
                $"Retry of failed batch request {original.Id}, asked for by {actor}."), now);
            retry.Enqueue(now);
            db.Requests.Add(retry);
            events.Add(BatchTelemetry.Event(retry, TelemetryEventType.Received, now, jobId, $"retry of {original.Id}"));
            events.Add(BatchTelemetry.Event(retry, TelemetryEventType.Queued, now, jobId));
            count++;
        }
        if (count == 0)
        {
            return new OperatorActionResult(false, "No failed or expired requests are left to retry in this job.");
        }
        db.TelemetryEvents.AddRange(events);
        db.AuditEntries.Add(AuditEntry.Create(now, actor, "batch.retry-failed", nameof(BatchJob), jobId.ToString(),
            [new FieldChange("Retried requests", null, count.ToString(System.Globalization.CultureInfo.InvariantCulture))], reason));
        await db.SaveChangesAsync(cancellationToken);
        return new OperatorActionResult(true, $"{count} request(s) queued again; they go out with the next batch.");
    }
}
