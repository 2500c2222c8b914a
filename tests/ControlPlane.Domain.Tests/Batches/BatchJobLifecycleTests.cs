using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Providers;
using static ControlPlane.Domain.Batches.BatchJobStatus;

namespace ControlPlane.Domain.Tests.Batches;

public sealed class BatchJobLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<BatchJobStatus, BatchJobStatus> LegalTransitions()
    {
        var data = new TheoryData<BatchJobStatus, BatchJobStatus>
        {
            { Assembling, Submitting }, { Assembling, Cancelled },
            { Submitting, Submitted }, { Submitting, Failed }, { Submitting, Cancelled }, { Submitting, Promoted },
            { Completed, Ingested },
            { Cancelling, Cancelled }, { Cancelling, Completed }, { Cancelling, Expired }, { Cancelling, Failed }, { Cancelling, Promoted },
        };
        foreach (var to in new[] { InProgress, Finalizing, Completed, Failed, Expired, Cancelling, Cancelled, Promoted })
        {
            data.Add(Submitted, to);
        }
        foreach (var to in new[] { Finalizing, Completed, Failed, Expired, Cancelling, Cancelled, Promoted })
        {
            data.Add(InProgress, to);
        }
        foreach (var to in new[] { Completed, Failed, Expired, Cancelling, Cancelled, Promoted })
        {
            data.Add(Finalizing, to);
        }
        return data;
    }

    public static TheoryData<BatchJobStatus, BatchJobStatus> IllegalTransitions() => new()
    {
        { Assembling, InProgress }, { Assembling, Completed }, { Submitting, Completed }, { InProgress, Submitted },
        { Completed, InProgress }, { Completed, Promoted }, { Ingested, Completed }, { Failed, InProgress },
        { Expired, Ingested }, { Cancelled, Submitted }, { Promoted, InProgress }, { Finalizing, InProgress },
    };

    [Theory]
    [MemberData(nameof(LegalTransitions))]
    public void Machine_AllowsEveryEdgeOfTheDesign(BatchJobStatus from, BatchJobStatus to) =>
        Assert.True(BatchJobLifecycle.Machine.CanMove(from, to));

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public void Machine_RefusesEdgesOutsideTheDesign(BatchJobStatus from, BatchJobStatus to) =>
        Assert.Throws<InvalidStateTransitionException>(() => BatchJobLifecycle.Machine.Ensure("BatchJob", 1, from, to));

    [Fact]
    public void Machine_HasExactlyTheDesignedEdges() =>
        Assert.Equal(LegalTransitions().Count, BatchJobLifecycle.Machine.Edges.Count());

    [Fact]
    public void Observe_SameStatusWithoutProgress_DoesNotResetTheStallClock()
    {
        var job = SubmittedJob();
        job.Observe(InProgress, "in_progress", 10, 0, T0.AddMinutes(5));
        job.Observe(InProgress, "in_progress", 10, 0, T0.AddHours(3));

        Assert.Equal(T0.AddMinutes(5), job.StatusChangedAt);
        Assert.Equal(2, job.PollCount);
    }

    [Fact]
    public void Observe_Progress_CountsAsMovement()
    {
        var job = SubmittedJob();
        job.Observe(InProgress, "in_progress", 10, 0, T0.AddMinutes(5));
        job.Observe(InProgress, "in_progress", 40, 1, T0.AddHours(1));

        Assert.Equal(T0.AddHours(1), job.StatusChangedAt);
        Assert.Equal(40, job.CompletedCount);
        Assert.Equal(1, job.FailedCount);
    }

    [Fact]
    public void Observe_ProviderSkippedStates_JumpsStraightToCompleted()
    {
        var job = SubmittedJob();
        job.NextPollAt = T0.AddMinutes(1);
        job.Observe(Completed, "completed", 100, 0, T0.AddMinutes(30));

        Assert.Equal(Completed, job.Status);
        Assert.Null(job.NextPollAt);
    }

    [Fact]
    public void MarkIngested_CompletedJob_BecomesIngested_AndExpiredJobKeepsItsStatus()
    {
        var completed = SubmittedJob();
        completed.Observe(Completed, "completed", 5, 0, T0.AddHours(1));
        completed.MarkIngested(T0.AddHours(1));
        Assert.Equal(Ingested, completed.Status);

        var expired = SubmittedJob();
        expired.Observe(Expired, "expired", 3, 0, T0.AddHours(24));
        expired.MarkIngested(T0.AddHours(24));
        Assert.Equal(Expired, expired.Status);
        Assert.NotNull(expired.ResultsIngestedAt);
    }

    [Fact]
    public void MarkIngested_WhileTheProviderStillWorks_IsRefused()
    {
        var job = SubmittedJob();
        Assert.Throws<DomainException>(() => job.MarkIngested(T0));
    }

    [Fact]
    public void RequestCancel_WhileAssembling_CancelsAtOnce_ElseWaitsForTheProvider()
    {
        var assembling = new BatchJob(new ModelRef("openai", "gpt-4o-mini"), T0);
        assembling.RequestCancel(T0);
        Assert.Equal(Cancelled, assembling.Status);

        var submitted = SubmittedJob();
        submitted.RequestCancel(T0);
        Assert.Equal(Cancelling, submitted.Status);
    }

    private static BatchJob SubmittedJob()
    {
        var job = new BatchJob(new ModelRef("openai", "gpt-4o-mini"), T0);
        job.BeginSubmit(T0);
        job.Submitted("batch_1", T0);
        return job;
    }
}
