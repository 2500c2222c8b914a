using System.Threading.Channels;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Costs;
using ControlPlane.Jobs.Requests;
using ControlPlane.Jobs.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Batches;

/// <summary>
/// Reads a finished job's results as a stream and settles every request of the job, a page at a time: a page's
/// request changes and their telemetry events commit together, so a run stopped half way loses nothing and a second
/// run finds those requests terminal and skips them. Results for requests already served another way are stored as
/// duplicate spend once (the DuplicateResult event is the marker). Requests with no result follow the workload's
/// on-batch-failure policy. The job is marked ingested last.
/// </summary>
public sealed class BatchIngestJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IProviderRegistry providers,
    PriceCatalogSource prices,
    IBatchJobQueue queue,
    IOptions<BatchOptions> options,
    ICompletionNotifier completions,
    WriteGate gate,
    TimeProvider clock,
    ILogger<BatchIngestJob> logger)
{
    /// <summary>Reads of one page that found a request changed before their write; then the job fails and Hangfire retries it.</summary>
    private const int MaxPageAttempts = 5;

    public async Task<IngestSummary> RunAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var summary = new IngestSummary();
        BatchJob? job;
        Workload? workload;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            job = await db.BatchJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
            if (job is null || job.ResultsIngestedAt is not null)
            {
                return summary;
            }
            if (!job.IsTerminal && job.Status != BatchJobStatus.Completed)
            {
                logger.LogInformation("Batch job {JobId} is {Status}: results are ingested once the provider has finished it", jobId, job.Status);
                return summary;
            }
            workload = job.WorkloadId is { } wid ? await db.Workloads.AsNoTracking().FirstOrDefaultAsync(w => w.Id == wid, cancellationToken) : null;
        }

        var context = new IngestContext(job, workload?.Promotion ?? PromotionPolicy.Default, await prices.GetAsync(cancellationToken));
        if (job.ProviderBatchId is not null)
        {
            await IngestResultsAsync(context, summary, cancellationToken);
        }
        if (job.Status != BatchJobStatus.Promoted)
        {
            // Promotion settles its own requests; for every other ending, what got no result follows the policy.
            await SettleMissingAsync(context, summary, cancellationToken);
        }
        await MarkIngestedAsync(jobId, cancellationToken);
        await completions.BatchSettledAsync(jobId, CancellationToken.None);

        if (summary.Promoted > 0)
        {
            queue.ScheduleDispatchPromoted(jobId, TimeSpan.Zero);
        }
        logger.LogInformation(
            "Ingested batch job {JobId}: {Results} results, {Succeeded} succeeded, {Failed} failed, {Expired} expired, {Rebatched} re-batched, " +
            "{Promoted} promoted, {Duplicates} duplicates, {Malformed} malformed, {Missing} without result, cost {Cost}",
            jobId, summary.Results, summary.Succeeded, summary.Failed, summary.Expired, summary.Rebatched, summary.Promoted,
            summary.Duplicates, summary.Malformed, summary.Missing, summary.Cost);
        return summary;
    }

    /// <summary>A page of result lines with their custom ids read, and the lines that had none.</summary>
    private sealed record ResultPage(List<(BatchResultItem Item, Guid Id)> Lines, IngestSummary Summary);

    /// <summary>
    /// Three stages, each on its own task so that two cores are used: reading the provider's stream into pages; loading
    /// a page's requests and settling them in memory; writing settled pages in order. A page read before the previous one
    /// was written may be stale (the same request in both, a promotion meanwhile): its write then finds a version moved,
    /// writes nothing, and the page is read and settled again. A few pages in flight at most, so memory stays flat
    /// whatever the file's size.
    /// </summary>
    private async Task IngestResultsAsync(IngestContext context, IngestSummary summary, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lines = Channel.CreateBounded<List<BatchResultItem>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var settled = Channel.CreateBounded<(ResultPage Page, IngestPage Settled)>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var reading = ReadPagesAsync(context.Job, lines.Writer, stop.Token);
        var settling = SettlePagesAsync(context, lines.Reader, settled.Writer, stop.Token);
        try
        {
            await foreach (var (page, first) in settled.Reader.ReadAllAsync(cancellationToken))
            {
                var changes = first;
                for (var attempt = 1; !await WriteAsync(changes, context.Job.Id, attempt); attempt++)
                {
                    changes = await SettleAsync(context, page, cancellationToken);
                }
                summary.Add(page.Summary);
                summary.Add(changes.Summary);
            }
        }
        finally
        {
            // A failed write stops the stages before it; their own failures surface through the channel above.
            await stop.CancelAsync();
            await Task.WhenAll(reading, settling);
        }
    }

    private async Task ReadPagesAsync(BatchJob job, ChannelWriter<List<BatchResultItem>> pages, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var page = new List<BatchResultItem>(options.Value.PageSize);
            await foreach (var item in providers.Get(job.Provider).ReadResultsAsync(job.ProviderBatchId!, cancellationToken))
            {
                page.Add(item);
                if (page.Count == options.Value.PageSize)
                {
                    await pages.WriteAsync(page, cancellationToken);
                    page = new List<BatchResultItem>(options.Value.PageSize);
                }
            }
            if (page.Count > 0)
            {
                await pages.WriteAsync(page, cancellationToken);
            }
            pages.Complete();
        }
        catch (Exception ex)
        {
            pages.Complete(ex);
        }
    }

    private async Task SettlePagesAsync(IngestContext context, ChannelReader<List<BatchResultItem>> lines,
        ChannelWriter<(ResultPage, IngestPage)> settled, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var items in lines.ReadAllAsync(cancellationToken))
            {
                var page = Parse(context.Job.Id, items);
                await settled.WriteAsync((page, await SettleAsync(context, page, cancellationToken)), cancellationToken);
            }
            settled.Complete();
        }
        catch (Exception ex)
        {
            settled.Complete(ex);
        }
    }

    private ResultPage Parse(Guid jobId, List<BatchResultItem> items)
    {
        var summary = new IngestSummary { Results = items.Count };
        var lines = new List<(BatchResultItem Item, Guid Id)>(items.Count);
        foreach (var item in items)
        {
            if (Guid.TryParse(item.CustomId, out var id))
            {
                lines.Add((item, id));
            }
            else
            {
                summary.Malformed++;
                logger.LogWarning("Batch job {JobId}: result with unreadable custom id '{CustomId}' skipped", jobId, BatchTelemetry.Truncate(item.CustomId ?? "", 80));
            }
        }
        return new ResultPage(lines, summary);
    }

    /// <summary>Loads the page's requests as they are now (one query, untracked) and applies each result in memory.</summary>
    private async Task<IngestPage> SettleAsync(IngestContext context, ResultPage page, CancellationToken cancellationToken)
    {
        var jobId = context.Job.Id;
        var ids = page.Lines.Select(l => l.Id).Distinct().ToList();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var read = ids.Count == 0 ? [] : await LoadAsync(db, r => EF.Parameter(ids).Contains(r.Id), cancellationToken);
        // Only a success for a request this job no longer holds can be duplicate spend; the usual page has none.
        var mayBeDuplicates = page.Lines
            .Where(l => l.Item.Outcome == BatchItemOutcome.Succeeded && read.TryGetValue(l.Id, out var r) &&
                !(r.Request.BatchJobId == jobId && r.Request.Status == RequestStatus.InBatch))
            .Select(l => l.Id).Distinct().ToList();
        var duplicatesRecorded = mayBeDuplicates.Count == 0 ? [] : (await db.TelemetryEvents.AsNoTracking()
            .Where(e => e.EventType == TelemetryEventType.DuplicateResult && e.BatchJobId == jobId && EF.Parameter(mayBeDuplicates).Contains(e.RequestId))
            .Select(e => e.RequestId)
            .ToListAsync(cancellationToken)).ToHashSet();

        var settled = new IngestPage(context, read, logger);
        var now = clock.GetUtcNow();
        foreach (var (item, id) in page.Lines)
        {
            settled.ApplyResult(item, id, duplicatesRecorded, now);
        }
        return settled;
    }

    private async Task SettleMissingAsync(IngestContext context, IngestSummary summary, CancellationToken cancellationToken)
    {
        var jobId = context.Job.Id;
        var reason = context.Job.Status switch
        {
            BatchJobStatus.Expired => "The provider's batch expired before this request was processed.",
            BatchJobStatus.Failed => $"The provider's batch failed: {context.Job.LastError ?? "no reason given"}.",
            BatchJobStatus.Cancelled => "The batch job was cancelled before this request was processed.",
            _ => "The provider returned no result for this request.",
        };
        var attempt = 1;
        while (true)
        {
            Dictionary<Guid, VersionedRequest> read;
            await using (var db = await factory.CreateDbContextAsync(cancellationToken))
            {
                read = await LoadAsync(db, r => r.BatchJobId == jobId && r.Status == RequestStatus.InBatch, cancellationToken, options.Value.PageSize);
            }
            if (read.Count == 0)
            {
                return;
            }
            var page = new IngestPage(context, read, logger);
            var now = clock.GetUtcNow();
            foreach (var (request, _, _) in read.Values)
            {
                page.Summary.Missing++;
                page.ApplyPolicy(request, null, null, reason, now);
            }
            if (await WriteAsync(page, jobId, attempt))
            {
                summary.Add(page.Summary);
                attempt = 1;
            }
            else
            {
                attempt++;
            }
        }
    }

    /// <summary>Requests as their lifecycle methods need them, untracked, each with what it was when read.</summary>
    private static async Task<Dictionary<Guid, VersionedRequest>> LoadAsync(ControlPlaneDbContext db,
        System.Linq.Expressions.Expression<Func<InferenceRequest, bool>> which, CancellationToken cancellationToken, int? take = null)
    {
        var query = db.Requests.AsNoTracking().Where(which);
        if (take is { } count)
        {
            query = query.OrderBy(r => r.Id).Take(count);
        }
        var rows = await query
            .Select(r => new { Request = r, Version = EF.Property<long>(r, ControlPlaneDbContext.VersionProperty) })
            .ToListAsync(cancellationToken);
        return IngestPageWriter.Remember(db, rows.Select(r => (r.Request, r.Version)));
    }

    /// <summary>
    /// Writes a settled page through the process's write gate, so API intake and telemetry are not starved by a long
    /// run. False when a request changed since the page was read (a promotion, a cancel, a page before it, a second run):
    /// nothing was written and the page must be read again.
    /// </summary>
    private async Task<bool> WriteAsync(IngestPage page, Guid jobId, int attempt)
    {
        if (page.Changed.Count == 0 && page.Events.Count == 0)
        {
            return true;
        }
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        if (await gate.RunAsync(() => IngestPageWriter.TryWriteAsync(db, page.Changed.Values, page.Events)))
        {
            return true;
        }
        if (attempt >= MaxPageAttempts)
        {
            throw new DbUpdateConcurrencyException($"Requests of batch job {jobId} kept changing while their results were written; the job is retried.");
        }
        logger.LogDebug("Batch job {JobId}: a request changed since its page was read (attempt {Attempt}); reading the page again", jobId, attempt);
        return false;
    }

    private async Task MarkIngestedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var job = await db.BatchJobs.FirstAsync(j => j.Id == jobId, cancellationToken);
            if (job.ResultsIngestedAt is not null)
            {
                return;
            }
            job.MarkIngested(clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // A poll or an operator touched the row meanwhile: read it again and retry.
            }
        }
    }
}
