using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Routing;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Domain.Tests.Routing;

public sealed class RequestRouterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Turnaround = TimeSpan.FromHours(1);
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(15);
    private static readonly ModelRef Rt = new("openai", "gpt-4o-mini");
    private static readonly ModelRef Batch = new("openai", "gpt-4o-mini-batch");

    private static Workload Make(Segment segment, TimeSpan? defaultDeadline = null, bool withBatchModel = true) =>
        new(Guid.NewGuid(), "w", "W", segment, new ServiceLevel(2000, 99.9m, null, defaultDeadline), Rt,
            withBatchModel ? Batch : null, Now);

    private static Domain.Requests.RoutingDecision Route(Workload w, DateTimeOffset? deadline) =>
        RequestRouter.Route(w, deadline, Now, Turnaround, Margin);

    [Fact]
    public void Route_TimeCritical_GoesRealtimeEvenWithAFarDeadline()
    {
        var decision = Route(Make(Segment.TimeCritical), Now.AddDays(2));
        Assert.Equal(RequestMode.Realtime, decision.Mode);
        Assert.Equal(Rt, decision.Model);
        Assert.Contains("Time-critical", decision.Reason);
    }

    [Fact]
    public void Route_BatchFriendly_GoesBatchOnTheBatchModel()
    {
        var decision = Route(Make(Segment.BatchFriendly), null);
        Assert.Equal(RequestMode.Batch, decision.Mode);
        Assert.Equal(Batch, decision.Model);
    }

    [Fact]
    public void Route_BatchFriendlyWithTightDeadline_StaysBatchAndSaysPromotionWatchesIt()
    {
        var decision = Route(Make(Segment.BatchFriendly), Now.AddMinutes(10));
        Assert.Equal(RequestMode.Batch, decision.Mode);
        Assert.Contains("promoted", decision.Reason);
    }

    [Fact]
    public void Route_BatchFriendlyWithoutBatchModel_UsesTheRealtimeModelInBatch()
    {
        var decision = Route(Make(Segment.BatchFriendly, withBatchModel: false), null);
        Assert.Equal(RequestMode.Batch, decision.Mode);
        Assert.Equal(Rt, decision.Model);
    }

    [Fact]
    public void Route_HybridWithTightDeadline_GoesRealtime()
    {
        var decision = Route(Make(Segment.Hybrid), Now.AddMinutes(30));
        Assert.Equal(RequestMode.Realtime, decision.Mode);
        Assert.Equal(Rt, decision.Model);
        Assert.Contains("1 h 15 min", decision.Reason);
    }

    [Fact]
    public void Route_HybridWithRoomyDeadline_GoesBatch()
    {
        var decision = Route(Make(Segment.Hybrid), Now.AddHours(5));
        Assert.Equal(RequestMode.Batch, decision.Mode);
        Assert.Equal(Batch, decision.Model);
        Assert.Contains("request's deadline", decision.Reason);
    }

    [Fact]
    public void Route_HybridWithDeadlineExactlyTurnaroundPlusMargin_GoesBatch()
    {
        var decision = Route(Make(Segment.Hybrid), Now + Turnaround + Margin);
        Assert.Equal(RequestMode.Batch, decision.Mode);
    }

    [Fact]
    public void Route_HybridWithDeadlineOneSecondShortOfTurnaroundPlusMargin_GoesRealtime()
    {
        var decision = Route(Make(Segment.Hybrid), Now + Turnaround + Margin - TimeSpan.FromSeconds(1));
        Assert.Equal(RequestMode.Realtime, decision.Mode);
    }

    [Fact]
    public void Route_HybridWithDeadlineBetweenTurnaroundAndMargin_GoesRealtime()
    {
        // Room for the turnaround alone is not enough: the margin keeps time to promote a late batch.
        var decision = Route(Make(Segment.Hybrid), Now + Turnaround + TimeSpan.FromMinutes(5));
        Assert.Equal(RequestMode.Realtime, decision.Mode);
    }

    [Fact]
    public void Route_HybridWithPassedDeadline_GoesRealtimeAndSaysSo()
    {
        var decision = Route(Make(Segment.Hybrid), Now.AddMinutes(-5));
        Assert.Equal(RequestMode.Realtime, decision.Mode);
        Assert.Contains("already passed", decision.Reason);
    }

    [Fact]
    public void Route_HybridWithoutDeadline_UsesTheWorkloadDefault()
    {
        var roomy = Route(Make(Segment.Hybrid, TimeSpan.FromHours(6)), null);
        var tight = Route(Make(Segment.Hybrid, TimeSpan.FromMinutes(20)), null);
        Assert.Equal(RequestMode.Batch, roomy.Mode);
        Assert.Contains("default deadline of 6 h", roomy.Reason);
        Assert.Equal(RequestMode.Realtime, tight.Mode);
    }

    [Fact]
    public void Route_HybridRequestDeadline_OverridesTheWorkloadDefault()
    {
        var decision = Route(Make(Segment.Hybrid, TimeSpan.FromHours(6)), Now.AddMinutes(10));
        Assert.Equal(RequestMode.Realtime, decision.Mode);
    }

    [Fact]
    public void Route_HybridWithNoDeadlineAtAll_GoesBatch()
    {
        var decision = Route(Make(Segment.Hybrid), null);
        Assert.Equal(RequestMode.Batch, decision.Mode);
        Assert.Contains("no deadline", decision.Reason);
    }

    [Fact]
    public void Route_HybridWithoutBatchModel_GoesRealtime()
    {
        var decision = Route(Make(Segment.Hybrid, withBatchModel: false), Now.AddDays(1));
        Assert.Equal(RequestMode.Realtime, decision.Mode);
        Assert.Contains("without a batch model", decision.Reason);
    }

    [Fact]
    public void Route_HybridWhenTheCallerWaits_GoesRealtimeWhateverTheDeadline()
    {
        var decision = RequestRouter.Route(Make(Segment.Hybrid, TimeSpan.FromHours(6)), null, Now, Turnaround, Margin, callerWaits: true);
        Assert.Equal(RequestMode.Realtime, decision.Mode);
        Assert.Contains("caller waits", decision.Reason);
    }

    [Theory]
    [InlineData(30, "30 s")]
    [InlineData(90, "1 min 30 s")]
    [InlineData(7200, "2 h")]
    [InlineData(95400, "1 d 2 h 30 min")]
    public void Span_ReadsLikeAPerson(int seconds, string expected) =>
        Assert.Equal(expected, RequestRouter.Span(TimeSpan.FromSeconds(seconds)));
}
