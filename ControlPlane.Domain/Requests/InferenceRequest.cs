using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Requests;

/// <summary>One AI request, whatever its mode: one record from receipt to its terminal state.</summary>
public sealed class InferenceRequest
{
    private InferenceRequest() { }

    public InferenceRequest(Guid workloadId, Guid teamId, string inputJson, int? maxOutputTokens,
        DateTimeOffset? deadline, string? idempotencyKey, string? bodyHash, DateTimeOffset receivedAt)
    {
        Id = Guid.CreateVersion7(receivedAt);
        WorkloadId = workloadId;
        TeamId = teamId;
        InputJson = inputJson;
        MaxOutputTokens = maxOutputTokens;
        Deadline = deadline;
        IdempotencyKey = idempotencyKey;
        BodyHash = bodyHash;
        ReceivedAt = StatusChangedAt = receivedAt;
        Status = RequestStatus.Received;
    }

    public Guid Id { get; private set; }
    public Guid WorkloadId { get; private set; }
    public Guid TeamId { get; private set; }
    public RequestStatus Status { get; private set; }
    public RequestMode? Mode { get; private set; }
    public string? RoutingReason { get; private set; }
    public string? Provider { get; private set; }
    public string? Model { get; private set; }

    /// <summary>The caller's input as JSON (messages or prompt), kept to dispatch and to show.</summary>
    public string InputJson { get; private set; } = "";

    public int? MaxOutputTokens { get; private set; }
    public DateTimeOffset? Deadline { get; private set; }
    public string? IdempotencyKey { get; private set; }
    public string? BodyHash { get; private set; }
    public string? MetadataJson { get; set; }
    public Guid? BatchJobId { get; private set; }
    public string? Output { get; private set; }
    public int InputTokens { get; private set; }
    public int OutputTokens { get; private set; }
    public decimal Cost { get; private set; }
    public decimal CounterfactualCost { get; private set; }

    /// <summary>Spend on results a provider delivered after the request was already served another way.</summary>
    public decimal DuplicateCost { get; private set; }

    public int Attempts { get; private set; }
    public ProviderErrorClass? ErrorClass { get; private set; }
    public string? Error { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
    public DateTimeOffset StatusChangedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>Set when batch work left for the real-time path; its SLA stays the deadline.</summary>
    public DateTimeOffset? PromotedAt { get; private set; }

    /// <summary>Receipt → result, for SLA: real-time call latency or batch turnaround.</summary>
    public TimeSpan? Turnaround => CompletedAt - ReceivedAt;

    public bool IsTerminal => Status.IsTerminal();

    public void Route(RoutingDecision decision, DateTimeOffset at)
    {
        MoveTo(RequestStatus.Routed, at);
        Mode = decision.Mode;
        RoutingReason = decision.Reason;
        UseModel(decision.Model);
    }

    public void Enqueue(DateTimeOffset at)
    {
        RequireMode(RequestMode.Batch);
        MoveTo(RequestStatus.Queued, at);
    }

    public void AssignToBatch(Guid batchJobId, DateTimeOffset at)
    {
        MoveTo(RequestStatus.InBatch, at);
        BatchJobId = batchJobId;
    }

    /// <summary>A batch item failed or expired and the workload's policy says: try the next batch.</summary>
    public void Rebatch(DateTimeOffset at)
    {
        MoveTo(RequestStatus.Queued, at);
        BatchJobId = null;
    }

    /// <summary>Leaves the batch path for the real-time path (at real-time price).</summary>
    public void Promote(DateTimeOffset at)
    {
        MoveTo(RequestStatus.Promoted, at);
        Mode = RequestMode.Realtime;
        PromotedAt = at;
    }

    public void Dispatch(ModelRef model, DateTimeOffset at)
    {
        if (Status == RequestStatus.Routed)
        {
            RequireMode(RequestMode.Realtime);
        }
        MoveTo(RequestStatus.Dispatched, at);
        UseModel(model);
        Attempts++;
    }

    /// <summary>Another attempt of the same dispatch (retry or fallback): the model may change.</summary>
    public void Redispatch(ModelRef model)
    {
        if (Status != RequestStatus.Dispatched)
        {
            throw new InvalidStateTransitionException(nameof(InferenceRequest), Id, Status, RequestStatus.Dispatched);
        }
        UseModel(model);
        Attempts++;
    }

    public void Succeed(string output, TokenUsage usage, CostBreakdown cost, DateTimeOffset at)
    {
        MoveTo(RequestStatus.Succeeded, at);
        Output = output;
        InputTokens = usage.InputTokens;
        OutputTokens = usage.OutputTokens;
        Cost = cost.Actual;
        CounterfactualCost = cost.RealtimeCounterfactual;
        ErrorClass = null;
        Error = null;
        CompletedAt = at;
    }

    public void Fail(ProviderErrorClass? errorClass, string error, DateTimeOffset at)
    {
        MoveTo(RequestStatus.Failed, at);
        ErrorClass = errorClass;
        Error = error;
        CompletedAt = at;
    }

    public void Expire(string reason, DateTimeOffset at)
    {
        MoveTo(RequestStatus.Expired, at);
        Error = reason;
        CompletedAt = at;
    }

    public void Cancel(string reason, DateTimeOffset at)
    {
        MoveTo(RequestStatus.Cancelled, at);
        Error = reason;
        CompletedAt = at;
    }

    /// <summary>A provider delivered a result we no longer needed (e.g. after promotion): spend, never output.</summary>
    public void RecordDuplicateSpend(decimal cost) => DuplicateCost += cost;

    private void UseModel(ModelRef model)
    {
        Provider = model.Provider;
        Model = model.Model;
    }

    private void RequireMode(RequestMode mode)
    {
        if (Mode != mode)
        {
            throw new DomainException($"Request {Id} is routed to {Mode?.ToString() ?? "nothing"}, not {mode}.");
        }
    }

    private void MoveTo(RequestStatus next, DateTimeOffset at)
    {
        RequestLifecycle.Machine.Ensure(nameof(InferenceRequest), Id, Status, next);
        Status = next;
        StatusChangedAt = at;
    }
}
