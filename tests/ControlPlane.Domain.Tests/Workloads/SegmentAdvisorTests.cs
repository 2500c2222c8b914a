using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Workloads;
using ControlPlane.Domain.Workloads.Recommendation;

namespace ControlPlane.Domain.Tests.Workloads;

public sealed class SegmentAdvisorTests
{
    private static readonly DateOnly Day = new(2025, 10, 15);

    /// <summary>The seed's own overhead: $200,000 a year of engineering time to run the batch path.</summary>
    private const decimal SeedOverheadMonthly = 200_000m / 12;

    // $33.33…/M input tokens × 1,000 tokens × 100,000 requests/day × 30 days ≈ $100,000/month in real time.
    private static readonly PriceCatalogEntry SeedPrice = new(ProviderIds.OpenAI, "seed-model", 100m / 3, 0m, 0.5m, Day);

    private static SegmentQuestion Question(TimeSpan within, int daily = 100_000, bool personWaits = false,
        Criticality criticality = Criticality.Standard) =>
        new(within, personWaits, daily, 1_000, 0, criticality);

    private static SegmentPricing Pricing(PriceCatalogEntry? price, decimal overheadMonthly = SeedOverheadMonthly) =>
        new(price, price, TimeSpan.FromHours(24), overheadMonthly);

    [Fact]
    public void Economics_SeedFigures_NetSavingIs400kPerYear()
    {
        var economics = new BatchEconomics(RealtimeMonthly: 100_000m, WithBatchMonthly: 50_000m, OverheadMonthly: SeedOverheadMonthly);

        Assert.Equal(50_000m, economics.GrossMonthlySaving);
        Assert.Equal(400_000m, Math.Round(economics.NetAnnualSaving, 2));
        Assert.True(economics.PaysOff);
    }

    [Fact]
    public void Recommend_SeedWorkloadThatCanWaitADay_IsBatchFriendlyAndSaves400kPerYear()
    {
        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromHours(24)), Pricing(SeedPrice));

        Assert.Equal(Segment.BatchFriendly, advice.Recommended);
        Assert.Equal(100_000m, Math.Round(advice.Cost(Segment.TimeCritical)!.Value));
        Assert.Equal(50_000m, Math.Round(advice.Cost(Segment.BatchFriendly)!.Value));
        Assert.Equal(Math.Round(SeedOverheadMonthly, 2), Math.Round(advice.BatchOverheadMonthly, 2));
        Assert.Equal(400_000m, Math.Round(advice.Economics!.NetAnnualSaving));
        Assert.Contains(advice.Reasons, r => r.Contains("24 h batch window", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_SeedWorkload_BreakEvenIsWhereSavingEqualsOverhead()
    {
        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromHours(24)), Pricing(SeedPrice));

        // Batch saves $0.5 per 30 requests a month per daily request: $16,666.67 of overhead needs ~33,334 requests/day.
        Assert.InRange(advice.BreakEvenDailyRequests!.Value, 33_333, 33_334);
    }

    [Fact]
    public void Recommend_LowVolume_SavingBelowOverhead_RecommendsTimeCriticalAndSaysWhy()
    {
        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromHours(24), daily: 1_000), Pricing(SeedPrice));

        Assert.Equal(Segment.TimeCritical, advice.Recommended);
        Assert.False(advice.Economics!.PaysOff);
        Assert.True(advice.Economics.NetMonthlySaving < 0);
        Assert.Contains(advice.Reasons, r => r.Contains("fragmentation does not pay", StringComparison.Ordinal));
        Assert.Equal(Segment.BatchFriendly, advice.ComparedSegment);
    }

    [Fact]
    public void Recommend_PersonWaits_IsTimeCriticalEvenWhenBatchWouldSave()
    {
        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromHours(24), personWaits: true), Pricing(SeedPrice));

        Assert.Equal(Segment.TimeCritical, advice.Recommended);
        Assert.True(advice.Economics!.PaysOff);
        Assert.Contains(advice.Reasons, r => r.Contains("A person waits", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_SafetyCritical_IsTimeCriticalWhateverTheSaving()
    {
        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromHours(48), criticality: Criticality.SafetyCritical), Pricing(SeedPrice));

        Assert.Equal(Segment.TimeCritical, advice.Recommended);
        Assert.Contains(advice.Reasons, r => r.Contains("Safety-critical", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_ToleranceOfHoursButUnderTheWindow_IsHybridWithItsAssumptionStated()
    {
        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromHours(6)), Pricing(SeedPrice));

        Assert.Equal(Segment.Hybrid, advice.Recommended);
        Assert.Equal(Segment.Hybrid, advice.ComparedSegment);
        Assert.Equal(75_000m, Math.Round(advice.Cost(Segment.Hybrid)!.Value));
        Assert.Contains("50%", advice.Costs.Single(c => c.Segment == Segment.Hybrid).Basis.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Recommend_AnswerNeededInSeconds_IsTimeCritical()
    {
        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromSeconds(3)), Pricing(SeedPrice));

        Assert.Equal(Segment.TimeCritical, advice.Recommended);
        Assert.Contains(advice.Reasons, r => r.Contains("3 s", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_BatchModelWithoutDiscount_IsTimeCriticalAndHasNoBreakEven()
    {
        var sagemaker = new PriceCatalogEntry(ProviderIds.SageMaker, "llama", 0.2m, 0.2m, 0m, Day);

        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromHours(24)), Pricing(sagemaker));

        Assert.Equal(Segment.TimeCritical, advice.Recommended);
        Assert.Null(advice.BreakEvenDailyRequests);
        Assert.Contains(advice.Reasons, r => r.Contains("no batch discount", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_NoPrices_IsTimeCriticalAndCostsAreUnknown()
    {
        var advice = SegmentAdvisor.Recommend(Question(TimeSpan.FromHours(24)), Pricing(null));

        Assert.Equal(Segment.TimeCritical, advice.Recommended);
        Assert.Null(advice.Economics);
        Assert.All(advice.Costs, c => Assert.Null(c.Monthly));
    }

    [Fact]
    public void PricingFor_DraftWithoutBatchModel_UsesTheRealtimeModelsBatchPriceAndItsProviderWindow()
    {
        var catalog = new PriceCatalog([new PriceCatalogEntry(ProviderIds.SageMaker, "llama", 0.2m, 0.2m, 0m, Day), SeedPrice]);
        var draft = new WorkloadDraft { RealtimeModel = "openai/seed-model" };

        var pricing = SegmentAdvisor.PricingFor(draft, catalog, Day, 100m);

        Assert.Equal(SeedPrice, pricing.Batch);
        Assert.Equal(TimeSpan.FromHours(24), pricing.BatchWindow);
        draft.BatchModel = "sagemaker/llama";
        Assert.Equal(TimeSpan.FromHours(6), SegmentAdvisor.PricingFor(draft, catalog, Day, 100m).BatchWindow);
    }
}
