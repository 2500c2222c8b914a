using ControlPlane.Domain.Common;
using static ControlPlane.Domain.Requests.RequestStatus;

namespace ControlPlane.Domain.Requests;

/// <summary>
/// Received → Routed; real-time: Routed → Dispatched → Succeeded | Failed;
/// batch: Routed → Queued → InBatch → Succeeded | Failed | Expired, InBatch → Queued (re-batched),
/// Queued/InBatch → Promoted → Dispatched; any non-terminal → Cancelled.
/// </summary>
public static class RequestLifecycle
{
    public static readonly StateMachine<RequestStatus> Machine = new(
        [
            (Received, [Routed, Cancelled]),
            (Routed, [Dispatched, Queued, Cancelled]),
            (Queued, [InBatch, Promoted, Cancelled]),
            (InBatch, [Succeeded, Failed, Expired, Queued, Promoted, Cancelled]),
            (Promoted, [Dispatched, Cancelled]),
            (Dispatched, [Succeeded, Failed, Cancelled]),
        ],
        [Succeeded, Failed, Expired, Cancelled]);

    public static bool IsTerminal(this RequestStatus status) => Machine.IsTerminal(status);
}
