namespace ControlPlane.Domain.Costs;

/// <summary>Request cost = tokens × price × (batch ? 1 − discount : 1), per DESIGN.md.</summary>
public static class CostCalculator
{
    public static CostBreakdown Cost(PriceCatalogEntry price, RequestMode mode, long inputTokens, long outputTokens)
    {
        var realtime = (inputTokens * price.InputPerMillion + outputTokens * price.OutputPerMillion) / 1_000_000m;
        var actual = mode == RequestMode.Batch ? realtime * (1 - price.BatchDiscount) : realtime;
        return new CostBreakdown(Math.Round(actual, 8), Math.Round(realtime, 8));
    }

    /// <summary>Projected cost of a month of traffic at the given mode.</summary>
    public static decimal Monthly(PriceCatalogEntry price, RequestMode mode, double monthlyRequests, int meanInputTokens, int meanOutputTokens)
    {
        var perRequest = Cost(price, mode, meanInputTokens, meanOutputTokens).Actual;
        return Math.Round(perRequest * (decimal)monthlyRequests, 2);
    }
}
