namespace ControlPlane.Domain.Costs;

/// <summary>What a request cost, and what it would have cost in real-time.</summary>
public sealed record CostBreakdown(decimal Actual, decimal RealtimeCounterfactual)
{
    public static readonly CostBreakdown Zero = new(0m, 0m);

    public decimal Saving => RealtimeCounterfactual - Actual;
}
