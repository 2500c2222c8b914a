namespace ControlPlane.Domain.Telemetry;

/// <summary>Every step of every request, in both modes, is one of these.</summary>
public enum TelemetryEventType
{
    Received,
    Routed,
    Queued,
    AddedToBatch,
    Dispatched,
    AttemptFailed,
    Retried,
    FailedOver,
    Promoted,
    Rebatched,
    Succeeded,
    Failed,
    Expired,
    Cancelled,
    DuplicateResult,
}
