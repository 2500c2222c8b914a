namespace ControlPlane.Domain.Costs;

/// <summary>
/// Total cost of ownership over a period: API spend + engineering overhead per mode + infrastructure, for the
/// current mix and for the all-real-time counterfactual (which needs no batch engineering). The answer to
/// "is the discount worth the fragmentation?" is <see cref="NetSaving"/>.
/// </summary>
public sealed record TcoComparison(
    decimal ActualSpend,
    decimal CounterfactualSpend,
    decimal RealtimeOverhead,
    decimal BatchOverhead,
    decimal Infrastructure)
{
    /// <summary>TCO over <paramref name="months"/> from one month's spend and the settings' monthly figures.</summary>
    public static TcoComparison Monthly(decimal actualSpend, decimal counterfactualSpend, TcoSettings settings, bool runsBatch, decimal months = 1) =>
        new(actualSpend * months, counterfactualSpend * months,
            settings.MonthlyOverhead(RequestMode.Realtime) * months,
            runsBatch ? settings.MonthlyOverhead(RequestMode.Batch) * months : 0m,
            settings.InfrastructurePerMonth * months);

    public decimal ApiSaving => CounterfactualSpend - ActualSpend;

    public decimal CurrentMixTco => ActualSpend + RealtimeOverhead + BatchOverhead + Infrastructure;

    public decimal AllRealtimeTco => CounterfactualSpend + RealtimeOverhead + Infrastructure;

    /// <summary>API saving less the batch mode's engineering overhead; negative when batch does not pay.</summary>
    public decimal NetSaving => AllRealtimeTco - CurrentMixTco;
}
