using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Routing;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Jobs.Costs;
using ControlPlane.Jobs.Realtime;
using ControlPlane.Jobs.Routing;
using ControlPlane.Jobs.Webhooks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Requests;

/// <summary>
/// The one entry for every AI request: route by segment and deadline, then either store it durably as queued for
/// the batch path, or run it through the real-time executor and record the result, its cost and every failover.
/// Each lifecycle step is one telemetry event.
/// </summary>
public sealed partial class RequestService(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IBatchTurnaroundEstimate turnaround,
    IOptions<RoutingOptions> routing,
    RealtimeExecutor executor,
    PriceCatalogSource prices,
    RequestMetrics metrics,
    RequestWriter writer,
    ICompletionNotifier completions,
    TimeProvider clock)
{
    public async Task<SubmitResult> SubmitAsync(SubmitCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var workload = command.Workload;
        var started = clock.GetTimestamp();
        var now = clock.GetUtcNow();

        if (command.IdempotencyKey is { } key && await FindPreviousAsync(workload.TeamId, key, command.BodyHash, cancellationToken) is { } previous)
        {
            return previous;
        }

        var request = new InferenceRequest(workload.Id, workload.TeamId, command.InputJson, command.MaxOutputTokens,
            command.Deadline, command.IdempotencyKey, command.BodyHash, now) { MetadataJson = command.MetadataJson };
        var expected = workload.BatchModel is { } batchModel ? turnaround.ExpectedTurnaround(batchModel) : routing.Value.ExpectedBatchTurnaround;
        var decision = RequestRouter.Route(workload, command.Deadline, now, expected, routing.Value.SafetyMargin, command.CallerWaits);
        request.Route(decision, now);

        var events = new List<TelemetryEvent>
        {
            Event(request, TelemetryEventType.Received, now) with { Mode = null, Provider = null, Model = null },
            Event(request, TelemetryEventType.Routed, now, detail: decision.Reason),
        };

        if (decision.Mode == RequestMode.Batch)
        {
            request.Enqueue(now);
            events.Add(Event(request, TelemetryEventType.Queued, now));
            // Row and timeline in one commit, before the 202.
            if (await TryInsertAsync(request, events, cancellationToken) is { } raced)
            {
                return raced;
            }
            metrics.Record(request, clock.GetElapsedTime(started));
            return new SubmitResult.Queued(request);
        }

        var candidates = workload.RealtimeCandidates().ToList();
        request.Dispatch(candidates[0], now);
        events.Add(Event(request, TelemetryEventType.Dispatched, now, attempt: 1));
        var storedBeforeCall = request.IdempotencyKey is not null;
        if (storedBeforeCall)
        {
            // With an idempotency key the row is stored before the call: that claims the key, so a retry of the same
            // call while this one runs gets this request instead of a second provider call.
            if (await TryInsertAsync(request, events, cancellationToken) is { } duplicate)
            {
                return duplicate;
            }
            events = [];
        }

        var outcome = await executor.ExecuteAsync(new RealtimeCall(request.Id, candidates, command.Messages, command.MaxOutputTokens), CancellationToken.None);
        var result = await RecordOutcomeAsync(request, candidates[0], outcome, events, insert: !storedBeforeCall, cancellationToken);
        if (workload.CompletionWebhookUrl is not null)
        {
            await completions.RequestSettledAsync(request.Id, CancellationToken.None);
        }
        metrics.Record(request, clock.GetElapsedTime(started));
        return result;
    }

    /// <summary>
    /// Costs the outcome, builds its timeline and failover events, and stores them with the request's final state in
    /// one commit: as a new row (<paramref name="insert"/>: without an idempotency key a real-time request is written
    /// once, when it has finished) or as an update of the row stored before the call.
    /// </summary>
    private async Task<SubmitResult> RecordOutcomeAsync(InferenceRequest request, ModelRef primary,
        RealtimeOutcome outcome, List<TelemetryEvent> events, bool insert, CancellationToken cancellationToken)
    {
        var catalog = await prices.GetAsync(cancellationToken);
        var day = DateOnly.FromDateTime(request.ReceivedAt.UtcDateTime);
        var switches = new Queue<ModelSwitch>(outcome.Switches);
        ModelRef current = primary;

        foreach (var attempt in outcome.Attempts)
        {
            if (attempt.Model != current)
            {
                var change = switches.Dequeue();
                current = attempt.Model;
                events.Add(Event(request, TelemetryEventType.FailedOver, change.At, detail: $"{change.From} → {change.To}: {change.Reason}") with
                {
                    Provider = change.To.Provider, Model = change.To.Model,
                });
            }
            if (attempt.Attempt > 1)
            {
                request.Redispatch(attempt.Model);
                events.Add(Event(request, TelemetryEventType.Dispatched, attempt.StartedAt, attempt: attempt.Attempt));
            }
            if (attempt.ErrorClass is { } errorClass)
            {
                events.Add(Event(request, TelemetryEventType.AttemptFailed, attempt.StartedAt + attempt.Latency, attempt: attempt.Attempt,
                    detail: attempt.Error) with { ErrorClass = errorClass, LatencyMs = attempt.Latency.TotalMilliseconds });
                if (attempt.RetryDelay is { } wait)
                {
                    events.Add(Event(request, TelemetryEventType.Retried, attempt.StartedAt + attempt.Latency, attempt: attempt.Attempt,
                        detail: $"retrying the same model after {wait.TotalMilliseconds:0} ms"));
                }
            }
        }
        // Switches past the last attempt: candidates skipped because their circuit was open.
        foreach (var skipped in switches)
        {
            events.Add(Event(request, TelemetryEventType.FailedOver, skipped.At, detail: $"{skipped.From} → {skipped.To}: {skipped.Reason}") with
            {
                Provider = skipped.To.Provider, Model = skipped.To.Model,
            });
        }

        var now = clock.GetUtcNow();
        var failovers = new List<FailoverEvent>();
        SubmitResult result;
        if (outcome.Result is { } answer && outcome.ServedBy is { } servedBy)
        {
            var cost = Cost(catalog, servedBy, day, answer.Usage);
            var primaryCost = Cost(catalog, primary, day, answer.Usage);
            request.Succeed(answer.Output, answer.Usage, cost, now);
            events.Add(Event(request, TelemetryEventType.Succeeded, now, attempt: request.Attempts) with
            {
                LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                InputTokens = answer.Usage.InputTokens, OutputTokens = answer.Usage.OutputTokens, Cost = cost.Actual,
            });
            foreach (var change in outcome.Switches)
            {
                // Only the model that served the request cost anything; failed attempts are not billed.
                var extra = change.To == servedBy ? cost.Actual - primaryCost.Actual : 0m;
                failovers.Add(FailoverEvent.Create(change.At, FailoverKind.Fallback, request.WorkloadId, request.Id, null,
                    change.From, change.To, change.Reason, extra));
                metrics.Failover(change.From.Provider, change.To.Provider);
            }
            result = new SubmitResult.Completed(request);
        }
        else
        {
            var message = outcome.RejectedAsInvalid
                ? $"The provider rejected the request: {outcome.FinalError}"
                : $"Every real-time model failed: {string.Join("; ", outcome.Tried.Select(t => $"{t.Model} ({t.Outcome})"))}";
            request.Fail(outcome.FinalErrorClass, Truncate(message, 2000), now);
            events.Add(Event(request, TelemetryEventType.Failed, now, attempt: request.Attempts, detail: Truncate(message, 1000)) with
            {
                ErrorClass = outcome.FinalErrorClass, LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
            });
            foreach (var change in outcome.Switches)
            {
                failovers.Add(FailoverEvent.Create(change.At, FailoverKind.Fallback, request.WorkloadId, request.Id, null,
                    change.From, change.To, change.Reason, 0m));
                metrics.Failover(change.From.Provider, change.To.Provider);
            }
            result = outcome.RejectedAsInvalid
                ? new SubmitResult.Rejected(request, outcome.FinalError ?? "invalid request")
                : new SubmitResult.Unavailable(request, outcome.Tried);
        }
        // The caller has been waiting; the result is recorded even if the caller has gone away meanwhile.
        if (insert)
        {
            await writer.InsertAsync(request, events, failovers);
        }
        else
        {
            await writer.UpdateAsync(request, failovers, events);
        }
        return result;
    }

    private static CostBreakdown Cost(PriceCatalog catalog, ModelRef model, DateOnly day, TokenUsage usage) =>
        catalog.Find(model, day) is { } price
            ? CostCalculator.Cost(price, RequestMode.Realtime, usage.InputTokens, usage.OutputTokens)
            : CostBreakdown.Zero;

    private async Task<SubmitResult?> FindPreviousAsync(Guid teamId, string key, string bodyHash, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Requests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.TeamId == teamId && r.IdempotencyKey == key, cancellationToken);
        return existing switch
        {
            null => null,
            _ when existing.BodyHash == bodyHash => new SubmitResult.Replayed(existing),
            _ => new SubmitResult.IdempotencyConflict(existing.Id),
        };
    }

    /// <summary>Inserts the request; on a lost idempotency race returns what the winner stored instead.</summary>
    private async Task<SubmitResult?> TryInsertAsync(InferenceRequest request, IReadOnlyList<TelemetryEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await writer.InsertAsync(request, events);
            return null;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 && request.IdempotencyKey is not null)
        {
            return await FindPreviousAsync(request.TeamId, request.IdempotencyKey, request.BodyHash ?? "", cancellationToken)
                ?? throw new InvalidOperationException("A unique constraint failed but no request holds the idempotency key.", ex);
        }
    }

    private static TelemetryEvent Event(InferenceRequest r, TelemetryEventType type, DateTimeOffset at, int attempt = 0, string? detail = null) =>
        new(at, r.Id, r.WorkloadId, r.TeamId, r.Mode, r.Provider, r.Model, type, Attempt: attempt, BatchJobId: r.BatchJobId,
            Detail: detail is null ? null : Truncate(detail, 1000));

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
