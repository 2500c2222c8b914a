using ControlPlane.Domain.Costs;

namespace ControlPlane.Domain.Workloads;

/// <summary>
/// A workload's projected monthly API spend from its volume estimate and the price catalogue.
/// A hybrid workload's split is decided per request, so it projects a range: all batch … all real-time.
/// </summary>
public sealed record CostProjection(decimal? Low, decimal? High, string? MissingPrice)
{
    public static CostProjection For(Workload workload, PriceCatalog prices, DateOnly on)
    {
        var volume = workload.Volume;
        decimal? Monthly(Providers.ModelRef? model, RequestMode mode) =>
            model is null || prices.Find(model, on) is not { } price
                ? null
                : CostCalculator.Monthly(price, mode, volume.MonthlyRequests, volume.MeanInputTokens, volume.MeanOutputTokens);

        var realtime = Monthly(workload.RealtimeModel, RequestMode.Realtime);
        var batch = Monthly(workload.BatchModel, RequestMode.Batch);
        return workload.Segment switch
        {
            Segment.TimeCritical => realtime is null ? Missing(workload.RealtimeModel) : new(realtime, realtime, null),
            Segment.BatchFriendly => batch is null ? Missing(workload.BatchModel) : new(batch, batch, null),
            _ when realtime is null => Missing(workload.RealtimeModel),
            _ when batch is null => Missing(workload.BatchModel),
            _ => new(Math.Min(batch.Value, realtime.Value), Math.Max(batch.Value, realtime.Value), null),
        };
    }

    private static CostProjection Missing(Providers.ModelRef? model) =>
        new(null, null, model is null ? "no model chosen" : $"no price for {model}");

    public string Format() => MissingPrice is not null
        ? MissingPrice
        : Low == High ? $"${Low:N0}" : $"${Low:N0} – ${High:N0}";
}
