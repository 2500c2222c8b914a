using System.Threading.Channels;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Costs;
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
    TimeProvider clock,
    ILogger<BatchIngestJob> logger)
{
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

        var context = new IngestContext(job, workload?.Promotion ?? PromotionPolicy.Default, await prices.GetAsync(cancellationToken), summary);
        if (job.ProviderBatchId is { } providerBatchId)
        {
            // Reading the provider's stream and writing pages to the database overlap: one page is written while the
            // next is read. Two pages in flight at most, so memory stays flat whatever the file's size.
            var pages = Channel.CreateBounded<List<BatchResultItem>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
            var reader = ReadPagesAsync(job, pages.Writer, cancellationToken);
            await foreach (var page in pages.Reader.ReadAllAsync(cancellationToken))
            {
                await ApplyPageAsync(context, page, cancellationToken);
            }
            await reader;
        }
        if (job.Status != BatchJobStatus.Promoted)
        {
            // Promotion settles its own requests; for every other ending, what got no result follows the policy.
            await SettleMissingAsync(context, cancellationToken);
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

    private sealed record IngestContext(BatchJob Job, PromotionPolicy Policy, PriceCatalog Catalog, IngestSummary Summary);

    private async Task ApplyPageAsync(IngestContext context, List<BatchResultItem> page, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return;
        }
        var summary = context.Summary;
        var jobId = context.Job.Id;
        var parsed = new List<(BatchResultItem Item, Guid Id)>(page.Count);
        foreach (var item in page)
        {
            summary.Results++;
            if (Guid.TryParse(item.CustomId, out var id))
            {
                parsed.Add((item, id));
            }
            else
            {
                summary.Malformed++;
                logger.LogWarning("Batch job {JobId}: result with unreadable custom id '{CustomId}' skipped", jobId, BatchTelemetry.Truncate(item.CustomId ?? "", 80));
            }
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var ids = parsed.Select(p => p.Id).Distinct().ToList();
        var requests = await db.Requests.Where(r => EF.Parameter(ids).Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var duplicatesSeen = (await db.TelemetryEvents.AsNoTracking()
            .Where(e => e.EventType == TelemetryEventType.DuplicateResult && e.BatchJobId == jobId && EF.Parameter(ids).Contains(e.RequestId))
            .Select(e => e.RequestId)
            .ToListAsync(cancellationToken)).ToHashSet();
        var now = clock.GetUtcNow();

        foreach (var (item, id) in parsed)
        {
            if (!requests.TryGetValue(id, out var request))
            {
                summary.Malformed++;
                logger.LogWarning("Batch job {JobId}: result for unknown request {RequestId} skipped", jobId, id);
                continue;
            }
            if (item.Outcome == BatchItemOutcome.Succeeded && (item.Output is null || item.Usage is null))
            {
                summary.Malformed++;
                logger.LogWarning("Batch job {JobId}: success for request {RequestId} without output or usage skipped", jobId, id);
                continue;
            }

            if (request.BatchJobId != jobId || request.Status != RequestStatus.InBatch)
            {
                Settled(db, context, request, item, duplicatesSeen, now);
                continue;
            }
            switch (item.Outcome)
            {
                case BatchItemOutcome.Succeeded:
                    var cost = BatchCost(context, request, item.Usage!);
                    request.Succeed(item.Output!, item.Usage!, cost, now);
                    db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Succeeded, now, jobId) with
                    {
                        LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                        InputTokens = item.Usage!.InputTokens, OutputTokens = item.Usage.OutputTokens, Cost = cost.Actual,
                    });
                    summary.Succeeded++;
                    summary.Cost += cost.Actual;
                    break;
                case BatchItemOutcome.Errored when item.ErrorClass is { } errorClass && !errorClass.IsRetryable():
                    // Rejected as it is (bad input, no access): another batch or real time would be refused the same way.
                    var error = BatchTelemetry.Truncate(item.Error ?? $"The provider rejected the request ({errorClass}).", 2000);
                    request.Fail(errorClass, error, now);
                    db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Failed, now, jobId, error) with
                    {
                        ErrorClass = errorClass, LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                    });
                    summary.Failed++;
                    break;
                default:
                    ApplyPolicy(db, context, request, item.Outcome, item.ErrorClass,
                        item.Error ?? $"The batch item ended {item.Outcome.ToString().ToLowerInvariant()}.", now);
                    break;
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// A result for a request this job no longer owns or already settled. A billable success for a request that was
    /// served another way is duplicate spend, recorded once per job and request; anything else changes nothing.
    /// </summary>
    private void Settled(ControlPlaneDbContext db, IngestContext context, InferenceRequest request, BatchResultItem item,
        HashSet<Guid> duplicatesSeen, DateTimeOffset now)
    {
        var summary = context.Summary;
        var settledByThisJob = request.BatchJobId == context.Job.Id && request.Mode == RequestMode.Batch && request.IsTerminal;
        if (settledByThisJob || item.Outcome != BatchItemOutcome.Succeeded || duplicatesSeen.Contains(request.Id))
        {
            summary.AlreadyApplied++;
            return;
        }
        var cost = BatchCost(context, request, item.Usage!);
        request.RecordDuplicateSpend(cost.Actual);
        db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.DuplicateResult, now, context.Job.Id,
            $"The {context.Job.Provider} batch delivered a result after the request was {request.Status.ToString().ToLowerInvariant()} another way; billed, not applied.") with
        {
            Mode = RequestMode.Batch, Provider = context.Job.Provider, Model = context.Job.Model,
            InputTokens = item.Usage!.InputTokens, OutputTokens = item.Usage.OutputTokens, Cost = cost.Actual,
        });
        duplicatesSeen.Add(request.Id);
        summary.Duplicates++;
        summary.DuplicateCost += cost.Actual;
    }

    /// <summary>The workload's on-batch-failure policy for an item that got no usable result.</summary>
    private static void ApplyPolicy(ControlPlaneDbContext db, IngestContext context, InferenceRequest request,
        BatchItemOutcome? outcome, ProviderErrorClass? errorClass, string reason, DateTimeOffset now)
    {
        var summary = context.Summary;
        var jobId = context.Job.Id;
        reason = BatchTelemetry.Truncate(reason, 2000);
        if (context.Job.Status == BatchJobStatus.Cancelled)
        {
            // Only an operator cancels a job: its unfinished requests are cancelled with it, not sent again.
            request.Cancel($"The batch job was cancelled. {reason}", now);
            db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Cancelled, now, jobId, reason));
            summary.Cancelled++;
            return;
        }
        var policy = context.Policy.OnBatchFailure;
        if (policy == BatchFailurePolicy.Rebatch && request.Deadline is { } deadline && deadline <= now)
        {
            // Another batch cannot finish before a deadline that has already passed.
            policy = BatchFailurePolicy.Fail;
        }
        switch (policy)
        {
            case BatchFailurePolicy.Rebatch:
                request.Rebatch(now);
                db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Rebatched, now, jobId, reason));
                summary.Rebatched++;
                break;
            case BatchFailurePolicy.Promote:
                request.Promote(now);
                db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Promoted, now, jobId, reason));
                summary.Promoted++;
                break;
            default:
                if (outcome is BatchItemOutcome.Expired or null)
                {
                    request.Expire(reason, now);
                    db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Expired, now, jobId, reason) with
                    {
                        LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                    });
                    summary.Expired++;
                }
                else
                {
                    request.Fail(errorClass, reason, now);
                    db.TelemetryEvents.Add(BatchTelemetry.Event(request, TelemetryEventType.Failed, now, jobId, reason) with
                    {
                        ErrorClass = errorClass, LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                    });
                    summary.Failed++;
                }
                break;
        }
    }

    private async Task SettleMissingAsync(IngestContext context, CancellationToken cancellationToken)
    {
        var jobId = context.Job.Id;
        var reason = context.Job.Status switch
        {
            BatchJobStatus.Expired => "The provider's batch expired before this request was processed.",
            BatchJobStatus.Failed => $"The provider's batch failed: {context.Job.LastError ?? "no reason given"}.",
            BatchJobStatus.Cancelled => "The batch job was cancelled before this request was processed.",
            _ => "The provider returned no result for this request.",
        };
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var page = await db.Requests
                .Where(r => r.BatchJobId == jobId && r.Status == RequestStatus.InBatch)
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
                context.Summary.Missing++;
                ApplyPolicy(db, context, request, null, null, reason, now);
            }
            await db.SaveChangesAsync(CancellationToken.None);
        }
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

    private static CostBreakdown BatchCost(IngestContext context, InferenceRequest request, TokenUsage usage) =>
        context.Catalog.Find(context.Job.ModelRef, DateOnly.FromDateTime(request.ReceivedAt.UtcDateTime)) is { } price
            ? CostCalculator.Cost(price, RequestMode.Batch, usage.InputTokens, usage.OutputTokens)
            : CostBreakdown.Zero;
}
