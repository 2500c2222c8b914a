using ControlPlane.Domain.Costs;

namespace ControlPlane.Domain.Workloads.Recommendation;

/// <summary>What the tech lead tells the advisor about a workload.</summary>
/// <param name="AnswerWithin">How long an answer may take before it is no use (latency tolerance).</param>
public sealed record SegmentQuestion(
    TimeSpan AnswerWithin,
    bool PersonWaits,
    int DailyRequests,
    int MeanInputTokens,
    int MeanOutputTokens,
    Criticality Criticality);

/// <summary>The prices and limits the advice is computed from.</summary>
/// <param name="Realtime">Price of the real-time model; null when none is chosen or priced.</param>
/// <param name="Batch">Price of the batch model; null when none is chosen or priced.</param>
/// <param name="BatchWindow">The batch provider's completion window (its real profile, not a simulated one).</param>
/// <param name="BatchOverheadMonthly">Engineering cost of running the batch mode, from TCO settings.</param>
public sealed record SegmentPricing(
    PriceCatalogEntry? Realtime,
    PriceCatalogEntry? Batch,
    TimeSpan BatchWindow,
    decimal BatchOverheadMonthly);

/// <summary>One segment's projected monthly API spend, and the assumption behind it.</summary>
public sealed record SegmentCost(Segment Segment, decimal? Monthly, string Basis);

/// <summary>The advisor's answer: a segment, why, and the numbers behind it.</summary>
/// <param name="ComparedSegment">The batch-using segment the saving and break-even refer to.</param>
/// <param name="Economics">Null when a price is missing, so nothing can be costed.</param>
public sealed record SegmentRecommendation(
    Segment Recommended,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<SegmentCost> Costs,
    decimal BatchOverheadMonthly,
    Segment ComparedSegment,
    BatchEconomics? Economics,
    int? BreakEvenDailyRequests)
{
    public decimal? Cost(Segment segment) => Costs.FirstOrDefault(c => c.Segment == segment)?.Monthly;
}
