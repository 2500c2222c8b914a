using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;

namespace ControlPlane.Domain.Tests.Requests;

public sealed class InferenceRequestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ModelRef Mini = new("openai", "gpt-4o-mini");

    private static InferenceRequest NewRequest() =>
        new(Guid.NewGuid(), Guid.NewGuid(), """{"prompt":"hi"}""", 100, T0.AddHours(6), "key-1", "hash", T0);

    [Fact]
    public void RealtimePath_RecordsOutputCostAndTurnaround()
    {
        var request = NewRequest();
        request.Route(new RoutingDecision(RequestMode.Realtime, Mini, "time-critical"), T0);
        request.Dispatch(Mini, T0.AddMilliseconds(5));
        request.Succeed("hello", new TokenUsage(10, 20), new CostBreakdown(0.002m, 0.002m), T0.AddMilliseconds(805));

        Assert.Equal(RequestStatus.Succeeded, request.Status);
        Assert.Equal(RequestMode.Realtime, request.Mode);
        Assert.Equal("hello", request.Output);
        Assert.Equal(30, request.InputTokens + request.OutputTokens);
        Assert.Equal(0.002m, request.Cost);
        Assert.Equal(1, request.Attempts);
        Assert.Equal(TimeSpan.FromMilliseconds(805), request.Turnaround);
    }

    [Fact]
    public void BatchPath_ThroughPromotion_EndsRealtimeAndSucceeded()
    {
        var request = NewRequest();
        var job = Guid.NewGuid();
        request.Route(new RoutingDecision(RequestMode.Batch, Mini, "batch-friendly"), T0);
        request.Enqueue(T0);
        request.AssignToBatch(job, T0.AddMinutes(1));
        request.Promote(T0.AddHours(5));
        request.Dispatch(Mini, T0.AddHours(5));
        request.Succeed("late but done", new TokenUsage(1, 1), new CostBreakdown(1m, 1m), T0.AddHours(5).AddSeconds(1));

        Assert.Equal(RequestStatus.Succeeded, request.Status);
        Assert.Equal(RequestMode.Realtime, request.Mode);
        Assert.Equal(job, request.BatchJobId);
    }

    [Fact]
    public void Rebatch_ReturnsTheRequestToTheQueueWithoutItsJob()
    {
        var request = NewRequest();
        request.Route(new RoutingDecision(RequestMode.Batch, Mini, "batch"), T0);
        request.Enqueue(T0);
        request.AssignToBatch(Guid.NewGuid(), T0);
        request.Rebatch(T0.AddHours(1));

        Assert.Equal(RequestStatus.Queued, request.Status);
        Assert.Null(request.BatchJobId);
    }

    [Fact]
    public void Dispatch_OfABatchRoutedRequest_IsRefused()
    {
        var request = NewRequest();
        request.Route(new RoutingDecision(RequestMode.Batch, Mini, "batch"), T0);
        Assert.Throws<DomainException>(() => request.Dispatch(Mini, T0));
    }

    [Fact]
    public void Enqueue_OfARealtimeRoutedRequest_IsRefused()
    {
        var request = NewRequest();
        request.Route(new RoutingDecision(RequestMode.Realtime, Mini, "rt"), T0);
        Assert.Throws<DomainException>(() => request.Enqueue(T0));
    }

    [Fact]
    public void Succeed_Twice_IsRefused_SoNoResultIsAppliedTwice()
    {
        var request = NewRequest();
        request.Route(new RoutingDecision(RequestMode.Realtime, Mini, "rt"), T0);
        request.Dispatch(Mini, T0);
        request.Succeed("a", new TokenUsage(1, 1), new CostBreakdown(1m, 1m), T0);

        Assert.Throws<InvalidStateTransitionException>(() =>
            request.Succeed("b", new TokenUsage(1, 1), new CostBreakdown(1m, 1m), T0));
        Assert.Equal("a", request.Output);
        Assert.Equal(1m, request.Cost);
    }

    [Fact]
    public void Redispatch_CountsAttemptsAndSwitchesModel()
    {
        var request = NewRequest();
        request.Route(new RoutingDecision(RequestMode.Realtime, Mini, "rt"), T0);
        request.Dispatch(Mini, T0);
        request.Redispatch(new ModelRef("anthropic", "claude-haiku-4-5"));

        Assert.Equal(2, request.Attempts);
        Assert.Equal("anthropic", request.Provider);
    }

    [Fact]
    public void DuplicateSpend_IsKeptApartFromCost()
    {
        var request = NewRequest();
        request.RecordDuplicateSpend(0.25m);
        request.RecordDuplicateSpend(0.25m);
        Assert.Equal(0.5m, request.DuplicateCost);
        Assert.Equal(0m, request.Cost);
    }
}
