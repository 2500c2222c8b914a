using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Webhooks;

/// <summary>
/// Creates the one delivery row of each settled request whose workload has a completion webhook, then hands it to
/// the delivery queue. Rows are derived from the durable terminal state, never from memory: whichever comes first —
/// the completion hook or the sweep — creates the row, the unique index on RequestId refuses the second, and a crash
/// between the terminal commit and the hook only delays the webhook until the next sweep.
/// </summary>
public sealed class CompletionWebhooks(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IWebhookDeliveryQueue queue,
    TimeProvider clock,
    ILogger<CompletionWebhooks> logger) : ICompletionNotifier
{
    /// <summary>How far back the sweep looks for settled requests without a delivery.</summary>
    public static readonly TimeSpan SweepWindow = TimeSpan.FromHours(6);

    /// <summary>A row this old with no attempt lost its queued job (the process stopped after the insert).</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(5);

    private static readonly RequestStatus[] Terminal = Enum.GetValues<RequestStatus>().Where(s => s.IsTerminal()).ToArray();

    public Task RequestSettledAsync(Guid requestId, CancellationToken cancellationToken) =>
        SafelyAsync(() => CreateAsync(r => r.Id == requestId, cancellationToken), "request", requestId);

    public Task BatchSettledAsync(Guid batchJobId, CancellationToken cancellationToken) =>
        SafelyAsync(() => CreateAsync(r => r.BatchJobId == batchJobId, cancellationToken), "batch job", batchJobId);

    /// <summary>Creates missing rows for recently settled requests and re-queues rows whose job was lost.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var since = now - SweepWindow;
        var created = await CreateAsync(r => r.CompletedAt >= since, cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var lostBefore = now - LostAfter;
        var lost = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.DeliveredAt == null && d.AttemptCount == 0 && d.CreatedAt < lostBefore && d.CreatedAt >= since)
            .Select(d => d.Id).ToListAsync(cancellationToken);
        lost.ForEach(queue.EnqueueDelivery);
        return created + lost.Count;
    }

    private async Task<int> CreateAsync(System.Linq.Expressions.Expression<Func<InferenceRequest, bool>> which, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var hooked = await db.Workloads.AsNoTracking().Where(w => w.CompletionWebhookUrl != null).Select(w => w.Id).ToListAsync(cancellationToken);
        if (hooked.Count == 0)
        {
            return 0;
        }
        var settled = await db.Requests.AsNoTracking()
            .Where(which)
            .Where(r => EF.Parameter(hooked).Contains(r.WorkloadId) && EF.Parameter(Terminal).Contains(r.Status))
            .Where(r => !db.WebhookDeliveries.Any(d => d.RequestId == r.Id))
            .Select(r => new { r.Id, r.WorkloadId })
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var created = new List<Guid>(settled.Count);
        foreach (var r in settled)
        {
            var delivery = new WebhookDelivery(r.Id, r.WorkloadId, now);
            db.WebhookDeliveries.Add(delivery);
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                created.Add(delivery.Id);
            }
            catch (DbUpdateException)
            {
                // Another path created this request's delivery first; it queues it.
                db.ChangeTracker.Clear();
            }
        }
        created.ForEach(queue.EnqueueDelivery);
        return created.Count;
    }

    private async Task SafelyAsync(Func<Task<int>> create, string what, Guid id)
    {
        try
        {
            await create();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The request's own outcome is already stored; its webhook is created by the next sweep.
            logger.LogWarning(ex, "Completion webhooks for {What} {Id} not created now; the sweep will create them", what, id);
        }
    }
}
