using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Workloads.Recommendation;

/// <summary>
/// Recommends a segment from latency tolerance, whether a person waits, volume, tokens and criticality, and shows
/// the money: each segment's projected spend, the engineering overhead of the batch mode, the net saving and the
/// break-even volume. It advises only; the editor applies it when a person clicks.
/// </summary>
public static class SegmentAdvisor
{
    /// <summary>
    /// Hybrid projection assumption: half of a hybrid workload's requests carry a deadline that leaves room for
    /// the batch path (turnaround plus promotion margin); the other half run in real time.
    /// </summary>
    public const decimal HybridBatchShare = 0.5m;

    /// <summary>Below this tolerance the batch path is pointless: batch turnaround is measured in hours.</summary>
    public static readonly TimeSpan ShortestBatchTolerance = TimeSpan.FromHours(1);

    public static SegmentRecommendation Recommend(SegmentQuestion question, SegmentPricing pricing)
    {
        var costs = Costs(question, pricing);
        var compared = question.AnswerWithin >= pricing.BatchWindow ? Segment.BatchFriendly : Segment.Hybrid;
        var realtime = costs[0].Monthly;
        var withBatch = costs.First(c => c.Segment == compared).Monthly;
        var economics = realtime is { } rt && withBatch is { } wb ? new BatchEconomics(rt, wb, pricing.BatchOverheadMonthly) : null;
        var breakEven = economics is null ? null
            : BatchEconomics.BreakEvenDailyRequests(economics.GrossMonthlySaving, question.DailyRequests, pricing.BatchOverheadMonthly);

        var reasons = new List<string>();
        var segment = Decide(question, pricing, compared, economics, breakEven, reasons);
        return new SegmentRecommendation(segment, reasons, costs, pricing.BatchOverheadMonthly, compared, economics, breakEven);
    }

    private static Segment Decide(SegmentQuestion q, SegmentPricing p, Segment compared, BatchEconomics? economics,
        int? breakEven, List<string> reasons)
    {
        var window = Span(p.BatchWindow);
        if (q.Criticality == Criticality.SafetyCritical)
        {
            reasons.Add("Safety-critical work is never deferred to a batch queue, whatever the saving: every answer runs in real time.");
            return Segment.TimeCritical;
        }
        if (q.PersonWaits)
        {
            reasons.Add($"A person waits on each answer, and batch providers promise results only within {window}.");
            return Segment.TimeCritical;
        }
        if (q.AnswerWithin < ShortestBatchTolerance)
        {
            reasons.Add($"Answers are needed within {Span(q.AnswerWithin)}; batch results take hours (the provider promises {window}), " +
                "so nearly every request would run in real time anyway.");
            return Segment.TimeCritical;
        }
        if (economics is null)
        {
            reasons.Add("Without prices for both the real-time and the batch model the saving cannot be estimated; " +
                "real time is the simpler choice until it can.");
            return Segment.TimeCritical;
        }
        if (economics.GrossMonthlySaving <= 0)
        {
            reasons.Add($"{p.Batch?.ModelRef.ToString() ?? "The batch model"} earns no batch discount, so batch would add engineering overhead and save nothing.");
            return Segment.TimeCritical;
        }
        if (!economics.PaysOff)
        {
            reasons.Add($"{compared.Label()} would save {Money(economics.GrossMonthlySaving)}/month on the API bill, but running the batch path " +
                $"costs {Money(economics.OverheadMonthly)}/month in engineering time: fragmentation does not pay at " +
                $"{q.DailyRequests:N0} requests/day." + (breakEven is { } b ? $" It pays from about {b:N0} requests/day." : ""));
            return Segment.TimeCritical;
        }

        reasons.Add(compared == Segment.BatchFriendly
            ? $"Answers can wait {Span(q.AnswerWithin)}, at least the provider's {window} batch window: every request fits the batch path."
            : $"Answers can wait {Span(q.AnswerWithin)}: longer than a typical batch turnaround but shorter than the provider's {window} window, " +
              "so route each request by its deadline and promote batch work whose deadline comes at risk.");
        reasons.Add($"Batch saves {Money(economics.GrossMonthlySaving)}/month; after {Money(economics.OverheadMonthly)}/month of engineering " +
            $"overhead that is {Money(economics.NetMonthlySaving)}/month net ({Money(economics.NetAnnualSaving)}/year).");
        if (q.Criticality == Criticality.High)
        {
            reasons.Add("High criticality: keep auto-promotion on so that batch work at risk moves to real time.");
        }
        return compared;
    }

    private static SegmentCost[] Costs(SegmentQuestion q, SegmentPricing p)
    {
        var monthlyRequests = q.DailyRequests * 30.0;
        decimal? Monthly(PriceCatalogEntry? price, RequestMode mode) =>
            price is null ? null : CostCalculator.Monthly(price, mode, monthlyRequests, q.MeanInputTokens, q.MeanOutputTokens);

        var realtime = Monthly(p.Realtime, RequestMode.Realtime);
        var batch = Monthly(p.Batch, RequestMode.Batch);
        var hybrid = realtime is { } rt && batch is { } b ? Math.Round(rt * (1 - HybridBatchShare) + b * HybridBatchShare, 2) : (decimal?)null;
        var discount = p.Batch?.BatchDiscount ?? 0;
        return
        [
            new(Segment.TimeCritical, realtime, "every request in real time at list price"),
            new(Segment.BatchFriendly, batch, $"every request through batch at {discount:P0} off"),
            new(Segment.Hybrid, hybrid, $"assumes {HybridBatchShare:P0} of requests have a deadline that leaves room for the batch path " +
                "(turnaround plus promotion margin) and the rest run in real time"),
        ];
    }

    /// <summary>The pricing for a draft: its chosen models, or the real-time model's batch price when no batch model is chosen yet.</summary>
    public static SegmentPricing PricingFor(WorkloadDraft draft, PriceCatalog prices, DateOnly on, decimal batchOverheadMonthly)
    {
        PriceCatalogEntry? Find(string? model) =>
            string.IsNullOrWhiteSpace(model) || !model.Contains('/', StringComparison.Ordinal) ? null : prices.Find(ModelRef.Parse(model), on);

        var realtime = Find(draft.RealtimeModel);
        var batch = Find(draft.BatchModel) ?? (realtime is { SupportsBatch: true } ? realtime : null);
        var window = ProviderCapabilities.For(batch?.Provider ?? realtime?.Provider ?? "").BatchWindow;
        return new SegmentPricing(realtime is { SupportsRealtime: true } ? realtime : null,
            batch is { SupportsBatch: true } ? batch : null, window, batchOverheadMonthly);
    }

    /// <summary>The advisor's question for a draft, with the tolerance the person typed (hours).</summary>
    public static SegmentQuestion QuestionFor(WorkloadDraft draft, decimal answerWithinHours) => new(
        TimeSpan.FromHours((double)Math.Max(0, answerWithinHours)), draft.PersonWaits, Math.Max(0, draft.DailyRequests ?? 0),
        Math.Max(0, draft.MeanInputTokens ?? 0), Math.Max(0, draft.MeanOutputTokens ?? 0), draft.Criticality);

    private static string Money(decimal value) => $"${value:N0}";

    private static string Span(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => $"{span.TotalSeconds:0.#} s",
        { TotalHours: < 1 } => $"{span.TotalMinutes:0} min",
        _ => $"{span.TotalHours:0.#} h",
    };
}
