using System.Runtime.CompilerServices;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Jobs.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Batches;

/// <summary>
/// Sends one assembled job to its provider. The run first claims the job in our database (Assembling → Submitting,
/// or an expired claim of a crashed run), so a second run at the same time does nothing. It then asks the provider
/// for a batch carrying our job id before submitting: a crash between "the provider accepted" and "we stored its id"
/// is recovered, never submitted twice. The payload is streamed from the database page by page.
/// </summary>
public sealed class BatchSubmitJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IProviderRegistry providers,
    IOptions<BatchOptions> options,
    TimeProvider clock,
    ILogger<BatchSubmitJob> logger)
{
    public async Task RunAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var job = await db.BatchJobs.FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || !await TryClaimAsync(db, job, settings, cancellationToken))
        {
            return;
        }

        var provider = providers.Get(job.Provider);
        var reference = job.Id.ToString();
        ProviderBatchStatus status;
        try
        {
            status = await provider.FindBatchAsync(job.Model, reference, cancellationToken)
                ?? await provider.SubmitBatchAsync(new BatchSubmission(job.Model, reference, ItemsAsync(job.Id, settings.PageSize, cancellationToken)), cancellationToken);
        }
        catch (ProviderException ex) when (ex.ErrorClass == ProviderErrorClass.InvalidRequest)
        {
            // The provider refuses this payload as it is: retrying the same file cannot help.
            await RejectAsync(db, job, ex, cancellationToken);
            return;
        }
        catch (Exception)
        {
            // Give the claim back so Hangfire's retry (or the poller's recovery) can try again at once.
            job.NextPollAt = clock.GetUtcNow();
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }

        var now = clock.GetUtcNow();
        job.Submitted(status.ProviderBatchId, now);
        var mapped = ProviderBatchStateMapping.ToJobStatus(status.State);
        if (mapped != job.Status && BatchJobLifecycle.Machine.CanMove(job.Status, mapped))
        {
            job.Observe(mapped, status.RawStatus, status.Completed, status.Failed, now);
        }
        job.PollCount = 0;
        job.LastError = null;
        job.NextPollAt = now + settings.PollDelay(0, provider.IsSimulated);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            logger.LogInformation("Batch job {JobId} submitted to {Provider} as {ProviderBatchId}", job.Id, job.Provider, status.ProviderBatchId);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An operator promoted or cancelled the job while it was being sent: the provider batch is not wanted.
            logger.LogWarning("Batch job {JobId} changed while it was submitted; cancelling provider batch {ProviderBatchId}", job.Id, status.ProviderBatchId);
            await TryCancelAsync(provider, status.ProviderBatchId);
        }
    }

    private async Task<bool> TryClaimAsync(ControlPlaneDbContext db, BatchJob job, BatchOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (job.Status == BatchJobStatus.Assembling)
        {
            job.BeginSubmit(now);
        }
        else if (job.Status != BatchJobStatus.Submitting || job.NextPollAt > now)
        {
            // Already sent, finished, or another run holds an unexpired claim.
            return false;
        }
        job.NextPollAt = now + settings.SubmitLease;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private async Task RejectAsync(ControlPlaneDbContext db, BatchJob job, ProviderException ex, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reason = BatchTelemetry.Truncate($"{job.Provider} rejected the batch: {ex.Message}", 2000);
        job.Fail(reason, now);
        var requests = await db.Requests.Where(r => r.BatchJobId == job.Id && r.Status == RequestStatus.InBatch).ToListAsync(cancellationToken);
        foreach (var request in requests)
        {
            request.Fail(ex.ErrorClass, reason, now);
            db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Failed, now, job.Id, reason) with
            {
                ErrorClass = ex.ErrorClass, LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
            });
        }
        job.MarkIngested(now);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogWarning("Batch job {JobId} was rejected by {Provider}: {Error}", job.Id, job.Provider, ex.Message);
    }

    /// <summary>
    /// The job's requests, read in pages without tracking: the payload is never held whole in memory. The ids are read
    /// once in order (a few bytes each), then each page's inputs are fetched by primary key.
    /// </summary>
    private async IAsyncEnumerable<BatchItem> ItemsAsync(Guid jobId, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var ids = await db.Requests.AsNoTracking()
            .Where(r => r.BatchJobId == jobId && r.Status == RequestStatus.InBatch)
            .OrderBy(r => r.Id)
            .Select(r => r.Id)
            .ToListAsync(cancellationToken);
        foreach (var pageIds in ids.Chunk(pageSize))
        {
            var page = await db.Requests.AsNoTracking()
                .Where(r => EF.Parameter(pageIds).Contains(r.Id))
                .Select(r => new { r.Id, r.InputJson, r.MaxOutputTokens })
                .ToDictionaryAsync(r => r.Id, cancellationToken);
            foreach (var id in pageIds)
            {
                if (page.TryGetValue(id, out var row))
                {
                    yield return new BatchItem(row.Id.ToString(), StoredInput.Messages(row.InputJson), row.MaxOutputTokens);
                }
            }
        }
    }

    private async Task TryCancelAsync(IInferenceProvider provider, string providerBatchId)
    {
        try
        {
            await provider.CancelBatchAsync(providerBatchId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ProviderException or HttpRequestException)
        {
            logger.LogWarning(ex, "Could not cancel unwanted provider batch {ProviderBatchId}", providerBatchId);
        }
    }
}
