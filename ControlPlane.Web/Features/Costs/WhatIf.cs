using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Web.Features.Costs;

/// <summary>
/// "Move X % of a workload's real-time traffic to batch": the API saving at the batch model's discount, the
/// batch engineering overhead this adds (none if batch already runs), and the net — per month.
/// </summary>
public sealed record WhatIf(decimal ShiftedPercent, decimal RealtimeMonthly, decimal BatchMonthly, decimal Saving, decimal AddedOverhead, string? Problem)
{
    public decimal Net => Saving - AddedOverhead;

    public static WhatIf For(Workload workload, PriceCatalog prices, DateOnly on, TcoSettings tco, bool batchAlreadyRuns, decimal percent)
    {
        var share = Math.Clamp(percent, 0, 100) / 100m;
        var batchModel = workload.BatchModel ?? workload.RealtimeModel;
        var realtimePrice = prices.Find(workload.RealtimeModel, on);
        var batchPrice = prices.Find(batchModel, on);
        if (realtimePrice is null || batchPrice is null)
        {
            return new WhatIf(percent, 0, 0, 0, 0, $"No price in the catalogue for {(realtimePrice is null ? workload.RealtimeModel : batchModel)}.");
        }
        if (!batchPrice.SupportsBatch || batchPrice.BatchDiscount == 0)
        {
            return new WhatIf(percent, 0, 0, 0, 0, $"{batchModel} has no batch discount: moving traffic to batch saves nothing.");
        }
        var volume = workload.Volume;
        var realtimeMonthly = CostCalculator.Monthly(realtimePrice, RequestMode.Realtime, volume.MonthlyRequests * (double)share, volume.MeanInputTokens, volume.MeanOutputTokens);
        var batchMonthly = CostCalculator.Monthly(batchPrice, RequestMode.Batch, volume.MonthlyRequests * (double)share, volume.MeanInputTokens, volume.MeanOutputTokens);
        var overhead = batchAlreadyRuns || share == 0 ? 0m : tco.MonthlyOverhead(RequestMode.Batch);
        return new WhatIf(percent, realtimeMonthly, batchMonthly, realtimeMonthly - batchMonthly, overhead, null);
    }
}
