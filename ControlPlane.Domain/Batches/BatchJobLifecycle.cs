using ControlPlane.Domain.Common;
using static ControlPlane.Domain.Batches.BatchJobStatus;

namespace ControlPlane.Domain.Batches;

/// <summary>
/// Assembling → Submitting → Submitted → InProgress → Finalizing → Completed → Ingested, or
/// Failed | Expired | Cancelling → Cancelled | Promoted. Polling sees snapshots, so a job may skip
/// provider states it passed through between two polls (Submitted → Completed is legal).
/// </summary>
public static class BatchJobLifecycle
{
    private static readonly BatchJobStatus[] AfterSubmit = [InProgress, Finalizing, Completed, Failed, Expired, Cancelling, Cancelled, Promoted];

    public static readonly StateMachine<BatchJobStatus> Machine = new(
        [
            (Assembling, [Submitting, Cancelled]),
            (Submitting, [Submitted, Failed, Cancelled, Promoted]),
            (Submitted, AfterSubmit),
            (InProgress, [Finalizing, Completed, Failed, Expired, Cancelling, Cancelled, Promoted]),
            (Finalizing, [Completed, Failed, Expired, Cancelling, Cancelled, Promoted]),
            (Completed, [Ingested]),
            (Cancelling, [Cancelled, Completed, Expired, Failed, Promoted]),
        ],
        [Ingested, Failed, Expired, Cancelled, Promoted]);

    public static bool IsTerminal(this BatchJobStatus status) => Machine.IsTerminal(status);

    /// <summary>The provider is done with the job: nothing more to poll, results (if any) to ingest.</summary>
    public static bool IsProviderFinished(this BatchJobStatus status) =>
        status is Completed || status.IsTerminal();

    /// <summary>States in which the provider holds the job and we poll it.</summary>
    public static bool IsInFlight(this BatchJobStatus status) =>
        status is Submitted or InProgress or Finalizing or Cancelling;
}
