using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Batches;

/// <summary>What every page of one ingestion run needs: the job as it ended, its workload's policy and the prices.</summary>
internal sealed record IngestContext(BatchJob Job, PromotionPolicy Policy, PriceCatalog Catalog);

/// <summary>
/// One page of ingestion before it is written: the requests as read, settled in memory by their own lifecycle methods
/// (the state machine decides, here only which method applies), the request-style event of each change, and the
/// page's counts, which the run adds to its summary once the page is written. Free of EF: <see cref="IngestPageWriter"/>
/// persists it.
/// </summary>
internal sealed class IngestPage(IngestContext context, IReadOnlyDictionary<Guid, VersionedRequest> read, ILogger logger)
{
    /// <summary>The changed requests, each once, with what they were when read.</summary>
    public Dictionary<Guid, VersionedRequest> Changed { get; } = [];

    public List<TelemetryEvent> Events { get; } = [];

    public IngestSummary Summary { get; } = new();

    private readonly HashSet<Guid> _duplicates = [];

    private Guid JobId => context.Job.Id;

    /// <summary>One result line for request <paramref name="id"/>.</summary>
    public void ApplyResult(BatchResultItem item, Guid id, IReadOnlySet<Guid> duplicatesRecorded, DateTimeOffset now)
    {
        if (!read.TryGetValue(id, out var found))
        {
            Summary.Malformed++;
            logger.LogWarning("Batch job {JobId}: result for unknown request {RequestId} skipped", JobId, id);
            return;
        }
        if (item.Outcome == BatchItemOutcome.Succeeded && (item.Output is null || item.Usage is null))
        {
            Summary.Malformed++;
            logger.LogWarning("Batch job {JobId}: success for request {RequestId} without output or usage skipped", JobId, id);
            return;
        }
        var request = found.Request;
        if (request.BatchJobId != JobId || request.Status != RequestStatus.InBatch)
        {
            Settled(request, item, duplicatesRecorded, now);
            return;
        }
        switch (item.Outcome)
        {
            case BatchItemOutcome.Succeeded:
                var cost = BatchCost(request, item.Usage!);
                request.Succeed(item.Output!, item.Usage!, cost, now);
                Record(request, BatchTelemetry.Event(request, TelemetryEventType.Succeeded, now, JobId) with
                {
                    LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                    InputTokens = item.Usage!.InputTokens, OutputTokens = item.Usage.OutputTokens, Cost = cost.Actual,
                });
                Summary.Succeeded++;
                Summary.Cost += cost.Actual;
                break;
            case BatchItemOutcome.Errored when item.ErrorClass is { } errorClass && !errorClass.IsRetryable():
                // Rejected as it is (bad input, no access): another batch or real time would be refused the same way.
                var error = BatchTelemetry.Truncate(item.Error ?? $"The provider rejected the request ({errorClass}).", 2000);
                request.Fail(errorClass, error, now);
                Record(request, BatchTelemetry.Event(request, TelemetryEventType.Failed, now, JobId, error) with
                {
                    ErrorClass = errorClass, LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                });
                Summary.Failed++;
                break;
            default:
                ApplyPolicy(request, item.Outcome, item.ErrorClass,
                    item.Error ?? $"The batch item ended {item.Outcome.ToString().ToLowerInvariant()}.", now);
                break;
        }
    }

    /// <summary>The workload's on-batch-failure policy for a request that got no usable result.</summary>
    public void ApplyPolicy(InferenceRequest request, BatchItemOutcome? outcome, ProviderErrorClass? errorClass, string reason, DateTimeOffset now)
    {
        reason = BatchTelemetry.Truncate(reason, 2000);
        if (context.Job.Status == BatchJobStatus.Cancelled)
        {
            // Only an operator cancels a job: its unfinished requests are cancelled with it, not sent again.
            request.Cancel($"The batch job was cancelled. {reason}", now);
            Record(request, BatchTelemetry.Event(request, TelemetryEventType.Cancelled, now, JobId, reason));
            Summary.Cancelled++;
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
                Record(request, BatchTelemetry.Event(request, TelemetryEventType.Rebatched, now, JobId, reason));
                Summary.Rebatched++;
                break;
            case BatchFailurePolicy.Promote:
                request.Promote(now);
                Record(request, BatchTelemetry.Event(request, TelemetryEventType.Promoted, now, JobId, reason));
                Summary.Promoted++;
                break;
            default:
                if (outcome is BatchItemOutcome.Expired or null)
                {
                    request.Expire(reason, now);
                    Record(request, BatchTelemetry.Event(request, TelemetryEventType.Expired, now, JobId, reason) with
                    {
                        LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                    });
                    Summary.Expired++;
                }
                else
                {
                    request.Fail(errorClass, reason, now);
                    Record(request, BatchTelemetry.Event(request, TelemetryEventType.Failed, now, JobId, reason) with
                    {
                        ErrorClass = errorClass, LatencyMs = (now - request.ReceivedAt).TotalMilliseconds,
                    });
                    Summary.Failed++;
                }
                break;
        }
    }

    /// <summary>
    /// A result for a request this job no longer owns or already settled. A billable success for a request that was
    /// served another way is duplicate spend, recorded once per job and request; anything else changes nothing.
    /// </summary>
    private void Settled(InferenceRequest request, BatchResultItem item, IReadOnlySet<Guid> duplicatesRecorded, DateTimeOffset now)
    {
        var settledByThisJob = request.BatchJobId == JobId && request.Mode == RequestMode.Batch && request.IsTerminal;
        if (settledByThisJob || item.Outcome != BatchItemOutcome.Succeeded || duplicatesRecorded.Contains(request.Id) || !_duplicates.Add(request.Id))
        {
            Summary.AlreadyApplied++;
            return;
        }
        var cost = BatchCost(request, item.Usage!);
        request.RecordDuplicateSpend(cost.Actual);
        Record(request, BatchTelemetry.Event(request, TelemetryEventType.DuplicateResult, now, JobId,
            $"The {context.Job.Provider} batch delivered a result after the request was {request.Status.ToString().ToLowerInvariant()} another way; billed, not applied.") with
        {
            Mode = RequestMode.Batch, Provider = context.Job.Provider, Model = context.Job.Model,
            InputTokens = item.Usage!.InputTokens, OutputTokens = item.Usage.OutputTokens, Cost = cost.Actual,
        });
        Summary.Duplicates++;
        Summary.DuplicateCost += cost.Actual;
    }

    private void Record(InferenceRequest request, TelemetryEvent e)
    {
        Changed.TryAdd(request.Id, read[request.Id]);
        Events.Add(e);
    }

    private CostBreakdown BatchCost(InferenceRequest request, TokenUsage usage) =>
        context.Catalog.Find(context.Job.ModelRef, DateOnly.FromDateTime(request.ReceivedAt.UtcDateTime)) is { } price
            ? CostCalculator.Cost(price, RequestMode.Batch, usage.InputTokens, usage.OutputTokens)
            : CostBreakdown.Zero;
}
