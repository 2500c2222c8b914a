namespace ControlPlane.Domain.Workloads.Recommendation;

/// <summary>
/// "Is the batch discount worth the fragmentation?" as numbers: what running work through batch saves on the
/// API bill, what the second mode costs in engineering time, and what is left.
/// </summary>
/// <param name="RealtimeMonthly">Monthly API spend if every request ran in real time.</param>
/// <param name="WithBatchMonthly">Monthly API spend when the batch path takes its share.</param>
/// <param name="OverheadMonthly">Monthly engineering cost of running the batch path (TCO settings).</param>
public sealed record BatchEconomics(decimal RealtimeMonthly, decimal WithBatchMonthly, decimal OverheadMonthly)
{
    public decimal GrossMonthlySaving => RealtimeMonthly - WithBatchMonthly;

    public decimal NetMonthlySaving => GrossMonthlySaving - OverheadMonthly;

    public decimal NetAnnualSaving => NetMonthlySaving * 12;

    /// <summary>True when the discount covers the overhead with something left over.</summary>
    public bool PaysOff => NetMonthlySaving > 0;

    /// <summary>
    /// The daily volume at which the saving equals the overhead, given the saving per request at the current
    /// volume; null when batch saves nothing per request (no discount), so no volume ever pays.
    /// </summary>
    public static int? BreakEvenDailyRequests(decimal grossMonthlySaving, int dailyRequests, decimal overheadMonthly)
    {
        if (dailyRequests <= 0 || grossMonthlySaving <= 0)
        {
            return null;
        }
        var savingPerDailyRequest = grossMonthlySaving / dailyRequests;
        return (int)Math.Min(int.MaxValue, Math.Ceiling(overheadMonthly / savingPerDailyRequest));
    }
}
