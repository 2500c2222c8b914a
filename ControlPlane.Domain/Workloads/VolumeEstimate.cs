namespace ControlPlane.Domain.Workloads;

/// <summary>The tech lead's expectation of traffic, used for projections and the segment recommendation.</summary>
public sealed record VolumeEstimate(int DailyRequests, int MeanInputTokens, int MeanOutputTokens)
{
    public double MonthlyRequests => DailyRequests * 30.0;
}
