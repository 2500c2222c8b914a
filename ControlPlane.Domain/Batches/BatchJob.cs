using ControlPlane.Domain.Common;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Batches;

/// <summary>A group of batch requests sent to one provider model as one provider batch.</summary>
public sealed class BatchJob
{
    private BatchJob() { }

    public BatchJob(ModelRef model, DateTimeOffset createdAt, Guid? workloadId = null)
    {
        Id = Guid.CreateVersion7(createdAt);
        WorkloadId = workloadId;
        Provider = model.Provider;
        Model = model.Model;
        Status = BatchJobStatus.Assembling;
        CreatedAt = StatusChangedAt = createdAt;
    }

    public Guid Id { get; private set; }
    /// <summary>
    /// The workload whose requests the job carries: jobs are assembled per workload so that one promotion policy,
    /// one budget and one owner apply to the whole job. Null only for jobs made before this was recorded.
    /// </summary>
    public Guid? WorkloadId { get; private set; }

    public string Provider { get; private set; } = "";
    public string Model { get; private set; } = "";
    public BatchJobStatus Status { get; private set; }

    /// <summary>The provider's own status word at the last poll.</summary>
    public string? ProviderStatus { get; private set; }

    public string? ProviderBatchId { get; private set; }
    public int RequestCount { get; set; }
    public int CompletedCount { get; private set; }
    public int FailedCount { get; private set; }
    public DateTimeOffset? EarliestDeadline { get; set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? SubmittedAt { get; private set; }

    /// <summary>When the status last moved; stuck detection compares it with the stall limit.</summary>
    public DateTimeOffset StatusChangedAt { get; private set; }

    public DateTimeOffset? NextPollAt { get; set; }
    public int PollCount { get; set; }
    public DateTimeOffset? ResultsIngestedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public string? LastError { get; set; }

    /// <summary>Why the job needs an operator (e.g. promotion refused for budget); null when it does not.</summary>
    public string? AttentionReason { get; set; }

    public ModelRef ModelRef => new(Provider, Model);
    public bool IsTerminal => Status.IsTerminal();

    public void BeginSubmit(DateTimeOffset at) => MoveTo(BatchJobStatus.Submitting, at);

    public void Submitted(string providerBatchId, DateTimeOffset at)
    {
        MoveTo(BatchJobStatus.Submitted, at);
        ProviderBatchId = providerBatchId;
        SubmittedAt = at;
    }

    /// <summary>Records a poll. Status only "moves" (for stall detection) when it really changes.</summary>
    public void Observe(BatchJobStatus status, string providerStatus, int completed, int failed, DateTimeOffset at)
    {
        if (status != Status)
        {
            MoveTo(status, at);
        }
        else if (completed + failed > CompletedCount + FailedCount)
        {
            // Progress counts as movement: a job that is still finishing items is not stalled.
            StatusChangedAt = at;
        }
        ProviderStatus = providerStatus;
        CompletedCount = completed;
        FailedCount = failed;
        PollCount++;
        if (Status.IsProviderFinished())
        {
            FinishedAt ??= at;
            NextPollAt = null;
        }
    }

    public void MarkIngested(DateTimeOffset at)
    {
        if (Status == BatchJobStatus.Completed)
        {
            MoveTo(BatchJobStatus.Ingested, at);
        }
        else if (!Status.IsTerminal())
        {
            throw new DomainException($"Batch job {Id} is {Status}; results are ingested once the provider has finished it.");
        }
        ResultsIngestedAt ??= at;
        FinishedAt ??= at;
        NextPollAt = null;
    }

    public void Promote(DateTimeOffset at)
    {
        MoveTo(BatchJobStatus.Promoted, at);
        FinishedAt = at;
        NextPollAt = null;
    }

    public void RequestCancel(DateTimeOffset at)
    {
        if (Status is BatchJobStatus.Assembling)
        {
            MoveTo(BatchJobStatus.Cancelled, at);
            FinishedAt = at;
            return;
        }
        MoveTo(BatchJobStatus.Cancelling, at);
    }

    public void Fail(string error, DateTimeOffset at)
    {
        MoveTo(BatchJobStatus.Failed, at);
        LastError = error;
        FinishedAt = at;
        NextPollAt = null;
    }

    private void MoveTo(BatchJobStatus next, DateTimeOffset at)
    {
        BatchJobLifecycle.Machine.Ensure(nameof(BatchJob), Id, Status, next);
        Status = next;
        StatusChangedAt = at;
    }
}
