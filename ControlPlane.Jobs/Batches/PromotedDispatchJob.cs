using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Jobs.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Batches;

/// <summary>
/// Dispatches a batch job's promoted requests through the real-time path, at most
/// <see cref="BatchOptions.PromotionRequestsPerMinute"/> per run; the rest go in the next chunk a minute later.
/// Safe to run twice: each request is claimed (Promoted → Dispatched) before it is sent.
/// </summary>
public sealed class PromotedDispatchJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    RequestService requests,
    IBatchJobQueue queue,
    IOptions<BatchOptions> options,
    ILogger<PromotedDispatchJob> logger)
{
    private const int Parallelism = 8;

    public async Task<int> RunAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var chunk = options.Value.PromotionRequestsPerMinute;
        List<Guid> ids;
        int remaining;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var promoted = db.Requests.AsNoTracking().Where(r => r.BatchJobId == jobId && r.Status == RequestStatus.Promoted);
            ids = await promoted.OrderBy(r => r.Deadline == null).ThenBy(r => r.Deadline).ThenBy(r => r.ReceivedAt)
                .Select(r => r.Id).Take(chunk).ToListAsync(cancellationToken);
            remaining = await promoted.CountAsync(cancellationToken) - ids.Count;
        }
        if (ids.Count == 0)
        {
            return 0;
        }

        var reason = $"Promoted from batch job {jobId} to real time.";
        var dispatched = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                if (await requests.DispatchPromotedAsync(id, reason, ct))
                {
                    Interlocked.Increment(ref dispatched);
                }
            });
        if (remaining > 0)
        {
            queue.ScheduleDispatchPromoted(jobId, TimeSpan.FromMinutes(1));
        }
        logger.LogInformation("Batch job {JobId}: {Dispatched} promoted requests sent in real time, {Remaining} left for the next chunk",
            jobId, dispatched, remaining);
        return dispatched;
    }
}
