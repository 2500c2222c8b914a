using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Tests.Batches;

public sealed class BatchPromotionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static PromotionPolicy Policy(bool autoPromote = true) =>
        new(autoPromote, TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), BatchFailurePolicy.Rebatch);

    private static async Task<(BatchHarness Harness, Guid JobId)> InProgressJobAsync(int requests, PromotionPolicy? policy = null, decimal? budget = null)
    {
        var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider(), policy: policy ?? Policy(), budget: budget);
        var jobId = await h.SubmittedJobAsync(requests);
        await h.FinishAsync(jobId, ProviderBatchState.InProgress);
        return (h, jobId);
    }

    [Fact]
    public async Task StuckDetection_StatusUnchangedPastStallLimit_PromotesAutomatically()
    {
        var (h, jobId) = await InProgressJobAsync(3);
        await using var _ = h;

        h.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(await h.Get<BatchStuckDetectionJob>().RunAsync(Token));

        h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(jobId, Assert.Single(await h.Get<BatchStuckDetectionJob>().RunAsync(Token)));

        Assert.Equal(BatchJobStatus.Promoted, (await h.JobAsync(jobId)).Status);
        var (queuedJob, actor, reason) = Assert.Single(h.Queue.Promotes);
        Assert.Equal(jobId, queuedJob);
        Assert.Equal(BatchStuckDetectionJob.AutoActor, actor);
        Assert.Contains("stall limit", reason);
        await using var db = h.Db();
        var audit = Assert.Single(await db.AuditEntries.AsNoTracking().ToListAsync(Token));
        Assert.Equal(("batch.promote", BatchStuckDetectionJob.AutoActor), (audit.Action, audit.Actor));

        // The queued promote run finds the job already claimed: it still cancels at the provider and dispatches.
        var run = await h.Get<BatchPromoteJob>().RunAsync(jobId, actor, reason, Token);
        Assert.Equal(PromoteOutcome.AlreadyPromoted, run.Outcome);
        Assert.True(h.Scripted!.Single().CancelRequested);
        Assert.All(await h.RequestsAsync(), r => Assert.Equal(RequestStatus.Succeeded, r.Status));
    }

    [Fact]
    public async Task StuckDetection_DeadlineInsideTheMargin_IsStuckBeforeTheStallLimit()
    {
        await using var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider(), policy: Policy(autoPromote: false));
        await h.QueueAsync(2, deadline: BatchHarness.Start + TimeSpan.FromMinutes(40));
        var jobId = Assert.Single(await h.Get<BatchAssemblyJob>().RunAsync(Token));
        await h.Get<BatchSubmitJob>().RunAsync(jobId, Token);

        Assert.Empty(await h.Get<BatchStuckDetectionJob>().RunAsync(Token));
        h.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Single(await h.Get<BatchStuckDetectionJob>().RunAsync(Token));

        var job = await h.JobAsync(jobId);
        Assert.Equal(BatchJobStatus.Submitted, job.Status);
        Assert.Contains("inside the promotion margin", job.AttentionReason);
        Assert.Contains("leaves promotion to an operator", job.AttentionReason);
        Assert.Empty(h.Queue.Promotes);
    }

    [Fact]
    public async Task StuckDetection_PromotionBeyondTheBudget_IsHeldForAnOperatorWithTheReason()
    {
        var (h, jobId) = await InProgressJobAsync(3, budget: 0.0001m);
        await using var _ = h;

        h.Time.Advance(TimeSpan.FromHours(2));
        await h.Get<BatchStuckDetectionJob>().RunAsync(Token);

        var job = await h.JobAsync(jobId);
        Assert.Equal(BatchJobStatus.InProgress, job.Status);
        Assert.Contains("monthly budget", job.AttentionReason);
        Assert.Empty(h.Queue.Promotes);
    }

    [Fact]
    public async Task Promote_DispatchesEveryUnfinishedRequestInRealTime_WithPromotionFailoverAndExtraCost()
    {
        var (h, jobId) = await InProgressJobAsync(4);
        await using var _ = h;

        var result = await h.Get<BatchPromoteJob>().RunAsync(jobId, "operator@demo.local", "customer escalation", Token);

        Assert.Equal(PromoteOutcome.Promoted, result.Outcome);
        Assert.True(h.Scripted!.Single().CancelRequested);
        var requests = await h.RequestsAsync();
        Assert.All(requests, r =>
        {
            Assert.Equal(RequestStatus.Succeeded, r.Status);
            Assert.Equal(Domain.Costs.RequestMode.Realtime, r.Mode);
            Assert.Equal(0.0002m, r.Cost);
            Assert.Equal(1, r.Attempts);
        });
        await using var db = h.Db();
        var failovers = await db.FailoverEvents.AsNoTracking().ToListAsync(Token);
        Assert.Equal(4, failovers.Count);
        Assert.All(failovers, f => Assert.Equal((FailoverKind.Promotion, 0.0001m, jobId), (f.Kind, f.ExtraCost, f.BatchJobId!.Value)));
        Assert.Equal(4, await db.TelemetryEvents.CountAsync(e => e.EventType == TelemetryEventType.Promoted, Token));
    }

    [Fact]
    public async Task Promote_TwoOperatorsAtOnce_PromoteEachRequestOnce()
    {
        var (h, jobId) = await InProgressJobAsync(6);
        await using var _ = h;

        var results = await Task.WhenAll(
            Task.Run(() => h.Get<BatchPromoteJob>().RunAsync(jobId, "alice", "deadline", Token), Token),
            Task.Run(() => h.Get<BatchPromoteJob>().RunAsync(jobId, "bob", "deadline", Token), Token));

        Assert.Single(results, r => r.Outcome == PromoteOutcome.Promoted);
        Assert.Equal(6, h.Scripted!.RealtimeCalls);
        Assert.All(await h.RequestsAsync(), r => Assert.Equal((RequestStatus.Succeeded, 1), (r.Status, r.Attempts)));
        await using var db = h.Db();
        Assert.Equal(6, await db.FailoverEvents.CountAsync(Token));
        Assert.Single(await db.AuditEntries.AsNoTracking().ToListAsync(Token));
    }

    [Fact]
    public async Task Promote_LateProviderResults_AreDuplicateSpendRecordedOnce_NeverApplied()
    {
        var (h, jobId) = await InProgressJobAsync(5);
        await using var _ = h;
        h.Options.PageSize = 2;
        await h.Get<BatchPromoteJob>().RunAsync(jobId, "operator", "stuck", Token);
        var ids = (await h.RequestsAsync()).Select(r => r.Id).ToList();

        // The cancel came too late: the provider finishes the batch anyway and bills every item.
        await h.FinishAsync(jobId, ProviderBatchState.Completed, b => b.Results.AddRange(ids.Select(id => ScriptedBatchProvider.Success(id))));
        Assert.Equal(jobId, Assert.Single(h.Queue.Ingests));
        using var stop = new CancellationTokenSource();
        h.Scripted!.OnResult = i =>
        {
            if (i == 3)
            {
                stop.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Get<BatchIngestJob>().RunAsync(jobId, stop.Token));
        h.Scripted.OnResult = null;
        var summary = await h.Get<BatchIngestJob>().RunAsync(jobId, Token);

        // However far the first run got, the two runs together record each late result exactly once.
        Assert.Equal(5, summary.Duplicates + summary.AlreadyApplied);
        Assert.All(await h.RequestsAsync(), r =>
        {
            Assert.Equal(RequestStatus.Succeeded, r.Status);
            Assert.Equal(0.0002m, r.Cost);
            Assert.Equal(0.0001m, r.DuplicateCost);
            Assert.StartsWith("real-time answer", r.Output);
        });
        await using var db = h.Db();
        Assert.Equal(5, await db.TelemetryEvents.CountAsync(e => e.EventType == TelemetryEventType.DuplicateResult, Token));
        Assert.Equal(BatchJobStatus.Promoted, (await h.JobAsync(jobId)).Status);
        Assert.NotNull((await h.JobAsync(jobId)).ResultsIngestedAt);
    }

    [Fact]
    public async Task Promote_CompletedJob_IsRefusedBecauseItsResultsAreBeingIngested()
    {
        var (h, jobId) = await InProgressJobAsync(2);
        await using var _ = h;
        await h.FinishAsync(jobId, ProviderBatchState.Completed);

        var result = await h.Get<BatchPromotion>().ClaimAsync(jobId, "operator", "too late", Token);

        Assert.Equal(PromoteOutcome.NotPromotable, result.Outcome);
        Assert.Contains("ingested", result.Message);
    }

    [Fact]
    public async Task Estimate_ShowsRequestsExtraCostAndBudgetLeft()
    {
        var (h, jobId) = await InProgressJobAsync(3, budget: 100m);
        await using var _ = h;

        var estimate = await h.Get<BatchPromotion>().EstimateAsync(jobId, Token);

        Assert.NotNull(estimate);
        Assert.Equal(3, estimate.Requests);
        Assert.True(estimate.EstimatedRealtimeCost > estimate.EstimatedBatchCost);
        Assert.Equal(estimate.EstimatedRealtimeCost / 2, estimate.EstimatedBatchCost);
        Assert.Equal(100m, estimate.BudgetLeft);
        Assert.True(estimate.WithinBudget);
    }
}
