using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Sla;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Domain.Tests.Sla;

public sealed class SlaArithmeticTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ModelRef Mini = new("openai", "gpt-4o-mini");

    [Fact]
    public void Percentiles_OfAUniformSpread_LandInTheRightBuckets()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 1_000; ms++)
        {
            histogram.Add(ms);
        }

        Assert.Equal(1_000, histogram.Total);
        Assert.InRange(histogram.Percentile(50)!.Value, 300, 500);
        Assert.InRange(histogram.Percentile(99)!.Value, 750, 1_000);
        Assert.Null(new LatencyHistogram().Percentile(50));
    }

    [Fact]
    public void Histograms_MergeByAddingBuckets_SoHourlyRollupsMakeADay()
    {
        var morning = new LatencyHistogram();
        var evening = new LatencyHistogram();
        morning.Add(80, 90);
        evening.Add(4_000, 10);

        var day = morning.Merge(evening);

        Assert.Equal(100, day.Total);
        Assert.InRange(day.Percentile(50)!.Value, 50, 100);
        Assert.InRange(day.Percentile(95)!.Value, 3_000, 5_000);
    }

    [Fact]
    public void BatchTurnaround_OfHours_FitsTheSameHistogram()
    {
        var histogram = new LatencyHistogram();
        histogram.Add(TimeSpan.FromHours(20).TotalMilliseconds);
        Assert.InRange(histogram.Percentile(50)!.Value, TimeSpan.FromHours(16).TotalMilliseconds, TimeSpan.FromHours(24).TotalMilliseconds);
    }

    [Fact]
    public void Figures_ComplianceAvailabilityAndErrorBudget()
    {
        // 10,000 finished requests, 9,985 succeeded, 9,980 within SLA, target 99.9 % → 10 misses allowed, 20 used.
        var figures = new SlaFigures(10_000, 9_985, 9_980, 99.9m);

        Assert.Equal(99.8m, figures.CompliancePercent);
        Assert.Equal(99.85m, figures.AvailabilityPercent);
        Assert.Equal(10m, figures.AllowedMisses);
        Assert.Equal(2m, figures.BudgetBurn);
        Assert.Equal(0m, figures.BudgetRemaining);
        Assert.True(figures.IsBreaching);
    }

    [Fact]
    public void Figures_WithinBudget_ReportWhatIsLeft()
    {
        var figures = new SlaFigures(10_000, 9_998, 9_996, 99.9m);
        Assert.Equal(0.4m, figures.BudgetBurn);
        Assert.Equal(0.6m, figures.BudgetRemaining);
        Assert.False(figures.IsBreaching);
        Assert.Null(new SlaFigures(0, 0, 0, 99.9m).CompliancePercent);
    }

    [Fact]
    public void Rule_RealtimeIsHeldToLatency_BatchToItsDeadline()
    {
        var workload = new Workload(Guid.NewGuid(), "w", "W", Segment.Hybrid, new ServiceLevel(2_000, 99.9m, null, TimeSpan.FromHours(6)), Mini, Mini, T0);

        var fast = Realtime(workload, TimeSpan.FromMilliseconds(1_500));
        var slow = Realtime(workload, TimeSpan.FromMilliseconds(2_500));
        var batchOnTime = Batch(workload, TimeSpan.FromHours(5));
        var batchLate = Batch(workload, TimeSpan.FromHours(7));

        Assert.True(SlaRule.IsWithinSla(fast, workload));
        Assert.False(SlaRule.IsWithinSla(slow, workload));
        Assert.True(SlaRule.IsWithinSla(batchOnTime, workload));
        Assert.False(SlaRule.IsWithinSla(batchLate, workload));
    }

    [Fact]
    public void Rule_PromotedBatchWork_IsHeldToItsDeadlineNotToLatency()
    {
        var workload = new Workload(Guid.NewGuid(), "w", "W", Segment.BatchFriendly, ServiceLevel.Batch(TimeSpan.FromHours(24)), Mini, Mini, T0);
        var request = new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, T0);
        request.Route(new RoutingDecision(RequestMode.Batch, Mini, "batch"), T0);
        request.Enqueue(T0);
        request.Promote(T0.AddHours(22));
        request.Dispatch(Mini, T0.AddHours(22));
        request.Succeed("ok", new TokenUsage(1, 1), CostBreakdown.Zero, T0.AddHours(23));

        Assert.True(SlaRule.IsWithinSla(request, workload));
    }

    [Fact]
    public void Tco_BatchPaysWhenSavingsExceedItsOverhead()
    {
        var settings = new TcoSettings();
        settings.Update(0m, 0m, 1m, 100m, 100m, 0m, T0); // batch overhead $10,000 / month
        var month = TcoComparison.Monthly(actualSpend: 50_000m, counterfactualSpend: 100_000m, settings, runsBatch: true);

        Assert.Equal(50_000m, month.ApiSaving);
        Assert.Equal(40_000m, month.NetSaving);

        var small = TcoComparison.Monthly(actualSpend: 2_500m, counterfactualSpend: 5_000m, settings, runsBatch: true);
        Assert.Equal(-7_500m, small.NetSaving);
    }

    private static InferenceRequest Realtime(Workload workload, TimeSpan latency)
    {
        var request = new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, T0);
        request.Route(new RoutingDecision(RequestMode.Realtime, Mini, "rt"), T0);
        request.Dispatch(Mini, T0);
        request.Succeed("ok", new TokenUsage(1, 1), CostBreakdown.Zero, T0 + latency);
        return request;
    }

    private static InferenceRequest Batch(Workload workload, TimeSpan turnaround)
    {
        var request = new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, T0);
        request.Route(new RoutingDecision(RequestMode.Batch, Mini, "batch"), T0);
        request.Enqueue(T0);
        request.AssignToBatch(Guid.NewGuid(), T0);
        request.Succeed("ok", new TokenUsage(1, 1), CostBreakdown.Zero, T0 + turnaround);
        return request;
    }
}
