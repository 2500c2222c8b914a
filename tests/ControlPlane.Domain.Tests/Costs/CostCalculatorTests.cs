using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Tests.Costs;

public sealed class CostCalculatorTests
{
    private static readonly PriceCatalogEntry Gpt4o = new("openai", "gpt-4o", 2.50m, 10.00m, 0.5m, new DateOnly(2025, 10, 15));

    [Fact]
    public void Realtime_IsTokensTimesListPrice()
    {
        var cost = CostCalculator.Cost(Gpt4o, RequestMode.Realtime, 1_000_000, 100_000);
        Assert.Equal(3.50m, cost.Actual);
        Assert.Equal(3.50m, cost.RealtimeCounterfactual);
        Assert.Equal(0m, cost.Saving);
    }

    [Fact]
    public void Batch_TakesTheDiscount_AndKeepsTheRealtimeCounterfactual()
    {
        var cost = CostCalculator.Cost(Gpt4o, RequestMode.Batch, 1_000_000, 100_000);
        Assert.Equal(1.75m, cost.Actual);
        Assert.Equal(3.50m, cost.RealtimeCounterfactual);
        Assert.Equal(1.75m, cost.Saving);
    }

    [Fact]
    public void Monthly_ProjectsPerRequestCostOverAMonthOfVolume()
    {
        // 1,000 requests a day × 30 days × (1,000 in × $2.50 + 500 out × $10) / 1M = $225.
        Assert.Equal(225m, CostCalculator.Monthly(Gpt4o, RequestMode.Realtime, 30_000, 1_000, 500));
        Assert.Equal(112.5m, CostCalculator.Monthly(Gpt4o, RequestMode.Batch, 30_000, 1_000, 500));
    }

    [Fact]
    public void PriceCatalog_UsesTheNewestRowInForceOnTheDay()
    {
        var newer = new PriceCatalogEntry("openai", "gpt-4o", 2.00m, 8.00m, 0.5m, new DateOnly(2026, 6, 1));
        var catalog = new PriceCatalog([Gpt4o, newer]);
        var model = new ModelRef("openai", "gpt-4o");

        Assert.Equal(2.50m, catalog.Find(model, new DateOnly(2026, 5, 31))!.InputPerMillion);
        Assert.Equal(2.00m, catalog.Find(model, new DateOnly(2026, 6, 1))!.InputPerMillion);
        Assert.Null(catalog.Find(model, new DateOnly(2025, 1, 1)));
        Assert.Single(catalog.Current(new DateOnly(2026, 7, 1)));
    }

    [Fact]
    public void TcoSettings_OverheadIsPeopleTimesHoursTimesRate()
    {
        var tco = new TcoSettings();
        tco.Update(0.5m, 40m, 1m, 60m, 120m, 1_500m, DateTimeOffset.UnixEpoch);
        Assert.Equal(2_400m, tco.MonthlyOverhead(RequestMode.Realtime));
        Assert.Equal(7_200m, tco.MonthlyOverhead(RequestMode.Batch));
    }

    [Fact]
    public void Price_WithNegativeValuesOrFullDiscount_IsRefused()
    {
        Assert.Throws<Common.DomainException>(() => new PriceCatalogEntry("openai", "x", -1m, 1m, 0.5m, DateOnly.MinValue));
        Assert.Throws<Common.DomainException>(() => new PriceCatalogEntry("openai", "x", 1m, 1m, 1m, DateOnly.MinValue));
    }
}
