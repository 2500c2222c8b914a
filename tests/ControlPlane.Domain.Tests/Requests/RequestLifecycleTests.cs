using ControlPlane.Domain.Common;
using ControlPlane.Domain.Requests;
using static ControlPlane.Domain.Requests.RequestStatus;

namespace ControlPlane.Domain.Tests.Requests;

public sealed class RequestLifecycleTests
{
    public static TheoryData<RequestStatus, RequestStatus> LegalTransitions() => new()
    {
        { Received, Routed }, { Received, Cancelled },
        { Routed, Dispatched }, { Routed, Queued }, { Routed, Cancelled },
        { Queued, InBatch }, { Queued, Promoted }, { Queued, Cancelled },
        { InBatch, Succeeded }, { InBatch, Failed }, { InBatch, Expired }, { InBatch, Queued }, { InBatch, Promoted }, { InBatch, Cancelled },
        { Promoted, Dispatched }, { Promoted, Cancelled },
        { Dispatched, Succeeded }, { Dispatched, Failed }, { Dispatched, Cancelled },
    };

    public static TheoryData<RequestStatus, RequestStatus> IllegalTransitions() => new()
    {
        { Received, Succeeded }, { Received, Dispatched }, { Routed, Succeeded }, { Queued, Succeeded },
        { Dispatched, Queued }, { Dispatched, Promoted }, { Succeeded, Failed }, { Failed, Dispatched },
        { Expired, Queued }, { Cancelled, Routed }, { Succeeded, Cancelled }, { Promoted, Succeeded },
    };

    [Theory]
    [MemberData(nameof(LegalTransitions))]
    public void Machine_AllowsEveryEdgeOfTheDesign(RequestStatus from, RequestStatus to) =>
        Assert.True(RequestLifecycle.Machine.CanMove(from, to));

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public void Machine_RefusesEdgesOutsideTheDesign(RequestStatus from, RequestStatus to)
    {
        var ex = Assert.Throws<InvalidStateTransitionException>(() => RequestLifecycle.Machine.Ensure("InferenceRequest", 1, from, to));
        Assert.Contains($"from {from} to {to}", ex.Message);
    }

    [Fact]
    public void Machine_HasExactlyTheDesignedEdges() =>
        Assert.Equal(LegalTransitions().Count, RequestLifecycle.Machine.Edges.Count());

    [Fact]
    public void EveryNonTerminalState_CanBeCancelled()
    {
        foreach (var status in Enum.GetValues<RequestStatus>().Where(s => !s.IsTerminal()))
        {
            Assert.True(RequestLifecycle.Machine.CanMove(status, Cancelled), $"{status} cannot be cancelled");
        }
    }

    [Fact]
    public void TerminalStates_HaveNoWayOut()
    {
        foreach (var status in new[] { Succeeded, Failed, Expired, Cancelled })
        {
            Assert.True(status.IsTerminal());
            Assert.Empty(RequestLifecycle.Machine.NextStates(status));
        }
    }
}
