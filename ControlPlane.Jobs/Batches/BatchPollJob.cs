using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Jobs.Scheduling;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Batches;

/// <summary>
/// Recurring: looks at every job whose <see cref="BatchJob.NextPollAt"/> has come, one at a time, each in its own
/// try/catch so one failing provider or job never holds up the others. The schedule lives in the database
/// (NextPollAt, PollCount), so a restart continues where it stopped. It also recovers work whose enqueue was lost:
/// assembled jobs never submitted, submits whose run crashed, finished jobs whose results were never ingested.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class BatchPollJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IProviderRegistry providers,
    IBatchJobQueue queue,
    RecurringRunGate gate,
    IOptions<BatchOptions> options,
    TimeProvider clock,
    ILogger<BatchPollJob> logger)
{
    // How long a finished job waits before its ingestion is enqueued again (if the first enqueue was lost).
    internal static readonly TimeSpan IngestRecheck = TimeSpan.FromMinutes(5);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var entered = gate.TryEnter(nameof(BatchPollJob));
        if (entered is null)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        List<Guid> due;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.BatchJobs.AsNoTracking()
                .Where(j => j.NextPollAt != null && j.NextPollAt <= now)
                .OrderBy(j => j.NextPollAt)
                .Select(j => j.Id)
                .Take(options.Value.MaxJobsPerPoll)
                .ToListAsync(cancellationToken);
        }
        foreach (var id in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await PollOneAsync(id, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Polling batch job {JobId} failed; it is tried again later", id);
                await RecordFailureAsync(id, ex);
            }
        }
        return due.Count;
    }

    /// <summary>One job's turn: ask the provider, store what it said, decide the next look.</summary>
    public async Task PollOneAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var job = await db.BatchJobs.FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || job.NextPollAt is null || job.NextPollAt > now)
        {
            return;
        }

        switch (job.Status)
        {
            case BatchJobStatus.Assembling:
            case BatchJobStatus.Submitting:
                // The submit was never enqueued, or its run died: its claim has expired, so a new run may take over.
                queue.EnqueueSubmit(job.Id);
                job.NextPollAt = now + settings.SubmitLease;
                break;
            case BatchJobStatus.Completed:
                queue.EnqueueIngest(job.Id);
                job.NextPollAt = now + IngestRecheck;
                break;
            case BatchJobStatus.Promoted when job.ProviderBatchId is { } promotedBatch:
                // Promoted work is served in real time, but the provider may still finish the batch: its results are
                // read once it has, and recorded as duplicate spend.
                var late = await providers.Get(job.Provider).GetBatchAsync(promotedBatch, cancellationToken);
                job.PollCount++;
                job.NextPollAt = now + (ProviderBatchStateMapping.IsProviderTerminal(late.State)
                    ? IngestRecheck
                    : settings.PollDelay(job.PollCount, providers.Get(job.Provider).IsSimulated));
                if (ProviderBatchStateMapping.IsProviderTerminal(late.State))
                {
                    queue.EnqueueIngest(job.Id);
                }
                break;
            case var s when s.IsTerminal():
                queue.EnqueueIngest(job.Id);
                job.NextPollAt = now + IngestRecheck;
                break;
            default:
                await ObserveAsync(job, settings, now, cancellationToken);
                break;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task ObserveAsync(BatchJob job, BatchOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var provider = providers.Get(job.Provider);
        var status = await provider.GetBatchAsync(job.ProviderBatchId!, cancellationToken);
        var mapped = ProviderBatchStateMapping.ToJobStatus(status.State);
        // Snapshots can lag (a cancel not yet seen by the provider's status endpoint): never move backwards.
        var next = mapped == job.Status || BatchJobLifecycle.Machine.CanMove(job.Status, mapped) ? mapped : job.Status;
        job.Observe(next, status.RawStatus, status.Completed, status.Failed, now);
        job.LastError = status.Error;
        if (ProviderBatchStateMapping.IsProviderTerminal(status.State))
        {
            // Finished at the provider, with or without an output file: ingestion settles every request, and the
            // job is never polled again (NextPollAt becomes the ingestion recheck, cleared once ingested).
            queue.EnqueueIngest(job.Id);
            job.NextPollAt = now + IngestRecheck;
        }
        else
        {
            job.NextPollAt = now + settings.PollDelay(job.PollCount, provider.IsSimulated);
        }
    }

    private async Task RecordFailureAsync(Guid jobId, Exception ex)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            var job = await db.BatchJobs.FirstOrDefaultAsync(j => j.Id == jobId, CancellationToken.None);
            if (job is null)
            {
                return;
            }
            job.PollCount++;
            job.LastError = BatchTelemetry.Truncate($"Polling failed: {ex.Message}", 2000);
            var simulated = providers.All.FirstOrDefault(p => p.Provider == job.Provider)?.IsSimulated ?? false;
            job.NextPollAt = clock.GetUtcNow() + options.Value.PollDelay(job.PollCount, simulated);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception inner) when (inner is DbUpdateException)
        {
            logger.LogWarning(inner, "Could not record the polling failure of batch job {JobId}", jobId);
        }
    }
}
