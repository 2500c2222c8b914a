namespace ControlPlane.Domain.Requests;

/// <summary>The request lifecycle of DESIGN.md.</summary>
public enum RequestStatus
{
    Received,
    Routed,
    Queued,
    InBatch,
    Promoted,
    Dispatched,
    Succeeded,
    Failed,
    Expired,
    Cancelled,
}
