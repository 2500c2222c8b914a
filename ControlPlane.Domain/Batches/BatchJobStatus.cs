namespace ControlPlane.Domain.Batches;

/// <summary>The batch-job lifecycle of DESIGN.md.</summary>
public enum BatchJobStatus
{
    Assembling,
    Submitting,
    Submitted,
    InProgress,
    Finalizing,
    Completed,
    Ingested,
    Failed,
    Expired,
    Cancelling,
    Cancelled,
    Promoted,
}
