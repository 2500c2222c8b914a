using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Demo;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Workloads;
using ControlPlane.Web.Features.Costs;
using ControlPlane.Web.Features.Dashboards;
using ControlPlane.Web.Tests.Workloads;

namespace ControlPlane.Web.Tests.Dashboards;

public sealed class DashboardShapingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TimeRange_7Days_HasSixHourPointsAlignedToTheHour()
    {
        var range = TimeRange.Last7Days(new DateTimeOffset(2026, 12, 4, 10, 25, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 11, 0, 0, TimeSpan.Zero), range.To);
        Assert.Equal(28, range.Buckets().Count());
        Assert.Equal(range.From.AddHours(6), range.BucketOf(range.From.AddHours(7)));
        Assert.Equal(range.From - TimeSpan.FromDays(7), range.Previous.From);
    }

    [Fact]
    public void TimeRange_Custom_CoversWholeDaysInEitherOrder()
    {
        var range = TimeRange.Custom(new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 1));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), range.From);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), range.To);
        Assert.Equal(30, range.Buckets().Count());
    }

    [Fact]
    public async Task Series_SumsRollupsIntoChartPointsPerMode_WithZerosWhereNothingHappened()
    {
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        var now = clock.GetUtcNow();
        await FinishedTraffic.AddRealtimeAsync(database, "customer-chatbot", now.AddHours(-30), 0.25m, cancellationToken: Ct);
        await FinishedTraffic.AddRealtimeAsync(database, "customer-chatbot", now.AddHours(-29), 0.25m, cancellationToken: Ct);
        await FinishedTraffic.AddBatchAsync(database, "document-processing", now.AddHours(-5), 1.00m, 2.00m, Ct);
        await FinishedTraffic.RollUpAsync(database, clock, Ct);

        var slice = await RollupSlice.LoadAsync(database, TimeRange.Last7Days(now), Ct);
        var series = slice.Series(p => CostView.KeyOf(p, CostGroup.Mode), r => r.Cost);

        Assert.Equal(["Batch", "Real-time"], series.Select(s => s.Name));
        Assert.All(series, s => Assert.Equal(28, s.Data.Count));
        Assert.Equal(0.50m, series.Single(s => s.Name == "Real-time").Data.Sum(p => p.Y));
        Assert.Equal(1.00m, series.Single(s => s.Name == "Batch").Data.Sum(p => p.Y));
        Assert.Equal(1.50m, slice.Spend);
        Assert.Equal(1.00m, slice.Savings);
    }

    [Fact]
    public async Task Breakdown_ByTeam_AndItsCsv_CarryTheSameTotals()
    {
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        var now = clock.GetUtcNow();
        await FinishedTraffic.AddRealtimeAsync(database, "customer-chatbot", now.AddHours(-2), 0.40m, cancellationToken: Ct);
        await FinishedTraffic.AddBatchAsync(database, "document-processing", now.AddHours(-3), 1.00m, 2.00m, Ct);
        await FinishedTraffic.RollUpAsync(database, clock, Ct);
        var slice = await RollupSlice.LoadAsync(database, TimeRange.Last24Hours(now), Ct);

        var lines = CostView.Breakdown(slice, CostGroup.Team);
        var csv = CostsCsv.Write(lines, CostGroup.Team).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["Operations", "Customer Support"], lines.Select(l => l.Key));
        Assert.Equal("Team,Requests,Spend,RealtimeCounterfactual,Savings,DuplicateSpend,FailoverExtraCost", csv[0]);
        Assert.Equal("Total,2,1.4,2.4,1,0,0", csv[^1]);
    }

    [Fact]
    public void WhatIf_MovingHalfOfARealtimeWorkload_SavesItsDiscountLessNewOverhead()
    {
        var price = new PriceCatalogEntry("openai", "gpt-4o", 2.50m, 10.00m, 0.5m, DemoCatalog.EffectiveFrom);
        var workload = new Workload(Guid.NewGuid(), "chat", "Chat", Segment.TimeCritical, ServiceLevel.Realtime(2000, 99.9m),
            new ModelRef("openai", "gpt-4o"), null, DateTimeOffset.UnixEpoch) { Volume = new VolumeEstimate(10_000, 1_000, 500) };
        var tco = new TcoSettings();
        tco.Update(0, 0, 1, 60, 120, 0, DateTimeOffset.UnixEpoch);

        var result = WhatIf.For(workload, new PriceCatalog([price]), DemoCatalog.EffectiveFrom, tco, batchAlreadyRuns: false, percent: 50);

        // 150,000 requests × $0.0075 = $1,125 real-time; $562.50 batch; overhead 60 h × $120 = $7,200.
        Assert.Equal(1_125m, result.RealtimeMonthly);
        Assert.Equal(562.5m, result.Saving);
        Assert.Equal(7_200m, result.AddedOverhead);
        Assert.Equal(-6_637.5m, result.Net);
        Assert.Equal(0m, WhatIf.For(workload, new PriceCatalog([price]), DemoCatalog.EffectiveFrom, tco, true, 50).AddedOverhead);
    }
}
