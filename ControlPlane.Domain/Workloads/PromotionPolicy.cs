namespace ControlPlane.Domain.Workloads;

/// <summary>When batch work is promoted to real-time, and what happens to failed batch items.</summary>
/// <param name="AutoPromote">Promote stuck jobs without waiting for an operator.</param>
/// <param name="Margin">Promote when the earliest deadline is closer than this.</param>
/// <param name="StallLimit">A job whose status has not moved for this long is stuck.</param>
public sealed record PromotionPolicy(bool AutoPromote, TimeSpan Margin, TimeSpan StallLimit, BatchFailurePolicy OnBatchFailure)
{
    public static readonly PromotionPolicy Default = new(true, TimeSpan.FromHours(2), TimeSpan.FromHours(6), BatchFailurePolicy.Rebatch);
}
