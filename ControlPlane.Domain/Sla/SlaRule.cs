using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Domain.Sla;

/// <summary>
/// Whether one finished request met its workload's SLA. Batch work (including batch work promoted to
/// real-time) is held to its deadline; real-time work to the workload's latency target.
/// </summary>
public static class SlaRule
{
    public static bool IsWithinSla(InferenceRequest request, Workload workload) =>
        IsWithinSla(request.Status, request.Mode, request.ReceivedAt, request.CompletedAt, request.Deadline, request.PromotedAt, workload.Sla);

    public static bool IsWithinSla(RequestStatus status, RequestMode? mode, DateTimeOffset receivedAt, DateTimeOffset? completedAt,
        DateTimeOffset? deadline, DateTimeOffset? promotedAt, ServiceLevel? sla)
    {
        if (status != RequestStatus.Succeeded || completedAt is not { } completed)
        {
            return false;
        }
        if (mode == RequestMode.Batch || promotedAt is not null)
        {
            return EffectiveDeadline(receivedAt, deadline, sla) is not { } due || completed <= due;
        }
        return sla?.LatencyTargetP95Ms is not { } target || (completed - receivedAt).TotalMilliseconds <= target;
    }

    /// <summary>The caller's deadline, else receipt plus the workload's completion (or default) deadline.</summary>
    public static DateTimeOffset? EffectiveDeadline(DateTimeOffset receivedAt, DateTimeOffset? deadline, ServiceLevel? sla) =>
        deadline ?? ((sla?.CompletionDeadline ?? sla?.DefaultDeadline) is { } span ? receivedAt + span : null);
}
