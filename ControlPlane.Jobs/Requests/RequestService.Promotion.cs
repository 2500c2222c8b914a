using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Jobs.Realtime;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Requests;

/// <summary>Promoted batch requests take the same real-time path as every other request: executor, costs, failovers.</summary>
public sealed partial class RequestService
{
    /// <summary>
    /// Sends one promoted request through the real-time executor at real-time price and records a Promotion failover
    /// with the extra cost over the batch price. The move Promoted → Dispatched is saved first under the row's
    /// concurrency token, so two runs at once dispatch the request once; false when this run did not dispatch it.
    /// </summary>
    public async Task<bool> DispatchPromotedAsync(Guid requestId, string reason, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var request = await db.Requests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is not { Status: RequestStatus.Promoted })
        {
            return false;
        }
        var workload = await db.Workloads.AsNoTracking().FirstAsync(w => w.Id == request.WorkloadId, cancellationToken);
        var batchModel = request.Provider is { } p && request.Model is { } m ? new ModelRef(p, m) : workload.BatchModel ?? workload.RealtimeModel;
        var candidates = workload.RealtimeCandidates().ToList();
        var now = clock.GetUtcNow();
        request.Dispatch(candidates[0], now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        // From here the request row is written by the request writer, like every real-time outcome.
        db.ChangeTracker.Clear();
        var events = new List<TelemetryEvent> { Event(request, TelemetryEventType.Dispatched, now, attempt: request.Attempts, detail: reason) };

        var call = new RealtimeCall(request.Id, candidates, StoredInput.Messages(request.InputJson), request.MaxOutputTokens);
        var outcome = await executor.ExecuteAsync(call, CancellationToken.None);
        await RecordOutcomeAsync(request, candidates[0], outcome, events, insert: false, CancellationToken.None);

        var extra = 0m;
        if (outcome.Result is { } answer)
        {
            var catalog = await prices.GetAsync(CancellationToken.None);
            var day = DateOnly.FromDateTime(request.ReceivedAt.UtcDateTime);
            var atBatchPrice = catalog.Find(batchModel, day) is { } price
                ? CostCalculator.Cost(price, RequestMode.Batch, answer.Usage.InputTokens, answer.Usage.OutputTokens).Actual
                : 0m;
            extra = request.Cost - atBatchPrice;
        }
        db.FailoverEvents.Add(FailoverEvent.Create(clock.GetUtcNow(), FailoverKind.Promotion, request.WorkloadId, request.Id, request.BatchJobId,
            batchModel, outcome.ServedBy ?? candidates[0], Truncate(reason, 1000), extra));
        await db.SaveChangesAsync(CancellationToken.None);
        if (workload.CompletionWebhookUrl is not null)
        {
            await completions.RequestSettledAsync(request.Id, CancellationToken.None);
        }
        metrics.Record(request, clock.GetElapsedTime(started));
        return true;
    }
}
