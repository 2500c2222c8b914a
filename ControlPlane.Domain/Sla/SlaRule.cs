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
    public static bool IsWithinSla(InferenceRequest request, Workload workload)
    {
        if (request.Status != RequestStatus.Succeeded || request.CompletedAt is not { } completed)
        {
            return false;
        }
        if (request.Mode == RequestMode.Batch || request.PromotedAt is not null)
        {
            return EffectiveDeadline(request, workload) is not { } deadline || completed <= deadline;
        }
        return workload.Sla.LatencyTargetP95Ms is not { } target || request.Turnaround!.Value.TotalMilliseconds <= target;
    }

    /// <summary>The caller's deadline, else receipt plus the workload's completion (or default) deadline.</summary>
    public static DateTimeOffset? EffectiveDeadline(InferenceRequest request, Workload workload) =>
        request.Deadline ?? ((workload.Sla.CompletionDeadline ?? workload.Sla.DefaultDeadline) is { } span ? request.ReceivedAt + span : null);
}
