using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Routing;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Jobs.Routing;
using ControlPlane.Jobs.Telemetry;
using ControlPlane.Jobs.Scheduling;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Batches;

/// <summary>
/// Recurring: groups queued batch requests by workload and provider model into batch jobs within the provider's
/// request and byte limits. A group is sent once it reaches <see cref="BatchOptions.MinBatchSize"/>, once its oldest
/// request has waited <see cref="BatchOptions.MaxWait"/>, or earlier when a deadline leaves no time to wait.
/// The job row and the requests' move to InBatch commit in one transaction, guarded on the requests still being
/// Queued, so two runs at once cannot put one request into two jobs.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class BatchAssemblyJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IProviderRegistry providers,
    IBatchTurnaroundEstimate turnaround,
    IOptions<BatchOptions> options,
    IOptions<RoutingOptions> routing,
    IBatchJobQueue queue,
    RecurringRunGate gate,
    TelemetryQueue telemetry,
    TimeProvider clock,
    ILogger<BatchAssemblyJob> logger)
{
    // Rough JSONL framing per line (custom id, method, url, body keys) on top of the input itself.
    private const int LineOverheadBytes = 200;

    private sealed record Candidate(Guid Id, Guid WorkloadId, Guid TeamId, string Provider, string Model,
        DateTimeOffset ReceivedAt, DateTimeOffset? Deadline, int InputLength);

    /// <summary>Returns the ids of the jobs created.</summary>
    public async Task<IReadOnlyList<Guid>> RunAsync(CancellationToken cancellationToken)
    {
        // A slow run must not be joined by the next tick in this process; other instances are kept apart by the guard.
        using var entered = gate.TryEnter(nameof(BatchAssemblyJob));
        return entered is null ? [] : await AssembleAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<Guid>> AssembleAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<Candidate> queued;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            queued = await db.Requests.AsNoTracking()
                .Where(r => r.Status == RequestStatus.Queued && r.Mode == RequestMode.Batch && r.Provider != null && r.Model != null)
                .OrderBy(r => r.ReceivedAt)
                .Select(r => new Candidate(r.Id, r.WorkloadId, r.TeamId, r.Provider!, r.Model!, r.ReceivedAt, r.Deadline, r.InputJson.Length))
                .ToListAsync(cancellationToken);
        }

        var created = new List<Guid>();
        foreach (var group in queued.GroupBy(c => (c.WorkloadId, c.Provider, c.Model)))
        {
            var model = new ModelRef(group.Key.Provider, group.Key.Model);
            ProviderCapabilities capabilities;
            try
            {
                capabilities = providers.Get(model.Provider).Capabilities;
            }
            catch (DomainException ex)
            {
                logger.LogWarning("{Count} queued requests for {Model} wait: {Reason}", group.Count(), model, ex.Message);
                continue;
            }
            foreach (var chunk in Chunks([.. group], capabilities, now, turnaround.ExpectedTurnaround(model)))
            {
                if (await CreateJobAsync(group.Key.WorkloadId, model, chunk, now, cancellationToken) is { } jobId)
                {
                    created.Add(jobId);
                }
            }
        }
        return created;
    }

    /// <summary>Splits a group (oldest first) at the provider's limits; the last, partial chunk goes only when it is due.</summary>
    private IEnumerable<List<Candidate>> Chunks(List<Candidate> group, ProviderCapabilities capabilities, DateTimeOffset now, TimeSpan expectedTurnaround)
    {
        var settings = options.Value;
        var maxRequests = Math.Min(capabilities.MaxBatchRequests, settings.MaxRequestsPerBatch ?? int.MaxValue);
        var chunk = new List<Candidate>();
        long bytes = 0;
        foreach (var candidate in group)
        {
            var size = (long)candidate.InputLength + LineOverheadBytes;
            if (chunk.Count > 0 && (chunk.Count >= maxRequests || bytes + size > capabilities.MaxBatchBytes))
            {
                // A full chunk is as big as the provider allows: nothing is gained by waiting.
                yield return chunk;
                chunk = [];
                bytes = 0;
            }
            chunk.Add(candidate);
            bytes += size;
        }
        if (chunk.Count > 0 && IsDue(chunk, now, expectedTurnaround, settings))
        {
            yield return chunk;
        }
    }

    private bool IsDue(List<Candidate> chunk, DateTimeOffset now, TimeSpan expectedTurnaround, BatchOptions settings)
    {
        if (chunk.Count >= settings.MinBatchSize)
        {
            return true;
        }
        var sendBy = chunk.Min(c => c.ReceivedAt) + settings.MaxWait;
        // A request whose deadline cannot absorb the wait plus the batch turnaround and the safety margin goes now.
        if (chunk.Min(c => c.Deadline) is { } deadline)
        {
            var latestStart = deadline - expectedTurnaround - routing.Value.SafetyMargin;
            if (latestStart < sendBy)
            {
                sendBy = latestStart;
            }
        }
        return now >= sendBy;
    }

    private async Task<Guid?> CreateJobAsync(Guid workloadId, ModelRef model, List<Candidate> chunk, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var job = new BatchJob(model, now, workloadId)
        {
            RequestCount = chunk.Count,
            EarliestDeadline = chunk.Min(c => c.Deadline),
            // Not a poll: the time by which a submit must have started, else the poller enqueues it again.
            NextPollAt = now + options.Value.SubmitLease,
        };
        var ids = chunk.Select(c => c.Id).ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.BatchJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        // One guarded UPDATE instead of tracking tens of thousands of rows: it only moves rows still Queued, and the
        // count tells whether another run took some of them first.
        // The ids travel as one JSON parameter (json_each), not one SQL variable each: SQLite allows 32,766 per
        // statement, and binding tens of thousands of variables is slow.
        var moved = await db.Requests
            .Where(r => EF.Parameter(ids).Contains(r.Id) && r.Status == RequestStatus.Queued)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RequestStatus.InBatch)
                .SetProperty(r => r.BatchJobId, job.Id)
                .SetProperty(r => r.StatusChangedAt, now)
                .SetProperty(r => EF.Property<long>(r, ControlPlaneDbContext.VersionPropertyName), r => EF.Property<long>(r, ControlPlaneDbContext.VersionPropertyName) + 1),
                cancellationToken);
        if (moved != ids.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogInformation("Another run took {Taken} of {Count} requests for {Model}; they are assembled next time",
                ids.Count - moved, ids.Count, model);
            return null;
        }
        await transaction.CommitAsync(cancellationToken);

        foreach (var c in chunk)
        {
            await telemetry.WriteAsync(new TelemetryEvent(now, c.Id, c.WorkloadId, c.TeamId, RequestMode.Batch, c.Provider, c.Model,
                TelemetryEventType.AddedToBatch, BatchJobId: job.Id), cancellationToken);
        }
        logger.LogInformation("Assembled batch job {JobId}: {Count} requests for {Model}", job.Id, chunk.Count, model);
        queue.EnqueueSubmit(job.Id);
        return job.Id;
    }
}
