using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;

namespace ControlPlane.Jobs.Tests.Batches;

public sealed class BatchSubmitAndPollTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Submit_CrashAfterProviderAccepted_RetryFindsTheBatchInsteadOfSubmittingAgain()
    {
        var provider = new ScriptedBatchProvider { CrashAfterAccept = true };
        await using var h = await BatchHarness.CreateAsync(provider);
        await h.QueueAsync(3);
        var jobId = Assert.Single(await h.Get<BatchAssemblyJob>().RunAsync(Token));

        await Assert.ThrowsAsync<IOException>(() => h.Get<BatchSubmitJob>().RunAsync(jobId, Token));
        Assert.Equal(BatchJobStatus.Submitting, (await h.JobAsync(jobId)).Status);

        await h.Get<BatchSubmitJob>().RunAsync(jobId, Token);

        Assert.Equal(1, provider.Submissions);
        var job = await h.JobAsync(jobId);
        Assert.Equal(BatchJobStatus.Submitted, job.Status);
        Assert.Equal("batch_1", job.ProviderBatchId);
        Assert.Equal(3, provider.Single().CustomIds.Count);
    }

    [Fact]
    public async Task Submit_RunTwiceOrTwiceAtOnce_SubmitsOneProviderBatch()
    {
        var provider = new ScriptedBatchProvider();
        await using var h = await BatchHarness.CreateAsync(provider);
        await h.QueueAsync(4);
        var jobId = Assert.Single(await h.Get<BatchAssemblyJob>().RunAsync(Token));

        await Task.WhenAll(
            Task.Run(() => h.Get<BatchSubmitJob>().RunAsync(jobId, Token), Token),
            Task.Run(() => h.Get<BatchSubmitJob>().RunAsync(jobId, Token), Token));
        await h.Get<BatchSubmitJob>().RunAsync(jobId, Token);

        Assert.Equal(1, provider.Submissions);
        Assert.Equal(BatchJobStatus.Submitted, (await h.JobAsync(jobId)).Status);
    }

    [Fact]
    public async Task Submit_ToTheSimulator_StreamsEveryRequestIntoOneProviderBatch()
    {
        await using var h = await BatchHarness.CreateAsync();
        h.Options.PageSize = 7;
        var ids = await h.QueueAsync(30);
        var jobId = Assert.Single(await h.Get<BatchAssemblyJob>().RunAsync(Token));

        await h.Get<BatchSubmitJob>().RunAsync(jobId, Token);
        await h.Get<BatchSubmitJob>().RunAsync(jobId, Token);

        var job = await h.JobAsync(jobId);
        Assert.StartsWith("simbatch_", job.ProviderBatchId);
        var status = await h.Get<IProviderRegistry>().Get(job.Provider).FindBatchAsync(job.Model, jobId.ToString(), Token);
        Assert.Equal(30, status!.Total);
    }

    [Fact]
    public async Task Poll_MapsProviderStatus_StoresProgress_AndBacksOff()
    {
        var provider = new ScriptedBatchProvider();
        await using var h = await BatchHarness.CreateAsync(provider);
        var jobId = await h.SubmittedJobAsync(5);
        var submitted = await h.JobAsync(jobId);
        Assert.Equal(h.Time.GetUtcNow() + h.Options.SimulatorPollInitialDelay, submitted.NextPollAt);

        await h.FinishAsync(jobId, ProviderBatchState.InProgress, b => b.Completed = 2);
        var first = await h.JobAsync(jobId);
        Assert.Equal(BatchJobStatus.InProgress, first.Status);
        Assert.Equal("inprogress", first.ProviderStatus);
        Assert.Equal(2, first.CompletedCount);
        Assert.Equal(TimeSpan.FromSeconds(6), first.NextPollAt - h.Time.GetUtcNow());

        await h.FinishAsync(jobId, ProviderBatchState.InProgress);
        Assert.Equal(TimeSpan.FromSeconds(12), (await h.JobAsync(jobId)).NextPollAt - h.Time.GetUtcNow());
        Assert.Empty(h.Queue.Ingests);

        await h.FinishAsync(jobId, ProviderBatchState.Completed, b => b.Completed = 5);
        Assert.Equal(BatchJobStatus.Completed, (await h.JobAsync(jobId)).Status);
        Assert.Equal(jobId, Assert.Single(h.Queue.Ingests));
    }

    [Fact]
    public async Task Poll_OneFailingJob_DoesNotHoldUpTheOthers()
    {
        var provider = new ScriptedBatchProvider();
        await using var h = await BatchHarness.CreateAsync(provider);
        h.Options.MaxRequestsPerBatch = 1;
        await h.QueueAsync(2);
        var jobs = await h.Get<BatchAssemblyJob>().RunAsync(Token);
        foreach (var id in jobs)
        {
            await h.Get<BatchSubmitJob>().RunAsync(id, Token);
        }
        provider.BrokenBatches.Add((await h.JobAsync(jobs[0])).ProviderBatchId!);
        foreach (var batch in provider.Batches)
        {
            batch.State = ProviderBatchState.InProgress;
        }

        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, await h.Get<BatchPollJob>().RunAsync(Token));

        var broken = await h.JobAsync(jobs[0]);
        Assert.Equal(BatchJobStatus.Submitted, broken.Status);
        Assert.Contains("status endpoint down", broken.LastError);
        Assert.True(broken.NextPollAt > h.Time.GetUtcNow());
        Assert.Equal(BatchJobStatus.InProgress, (await h.JobAsync(jobs[1])).Status);
    }

    [Theory]
    [InlineData(ProviderBatchState.Validating, BatchJobStatus.Submitted)]
    [InlineData(ProviderBatchState.InProgress, BatchJobStatus.InProgress)]
    [InlineData(ProviderBatchState.Finalizing, BatchJobStatus.Finalizing)]
    [InlineData(ProviderBatchState.Completed, BatchJobStatus.Completed)]
    [InlineData(ProviderBatchState.Failed, BatchJobStatus.Failed)]
    [InlineData(ProviderBatchState.Expired, BatchJobStatus.Expired)]
    [InlineData(ProviderBatchState.Cancelling, BatchJobStatus.Cancelling)]
    [InlineData(ProviderBatchState.Cancelled, BatchJobStatus.Cancelled)]
    public void StatusMapping_EveryProviderState_HasOneJobStatus(ProviderBatchState state, BatchJobStatus expected) =>
        Assert.Equal(expected, ProviderBatchStateMapping.ToJobStatus(state));

    [Fact]
    public async Task Poll_TerminalJobWithoutResults_IsIngestedOnce_NotPolledAgain()
    {
        var provider = new ScriptedBatchProvider();
        await using var h = await BatchHarness.CreateAsync(provider);
        var jobId = await h.SubmittedJobAsync(2);

        await h.FinishAsync(jobId, ProviderBatchState.Failed);
        await h.Get<BatchIngestJob>().RunAsync(jobId, Token);

        var job = await h.JobAsync(jobId);
        Assert.Equal(BatchJobStatus.Failed, job.Status);
        Assert.NotNull(job.ResultsIngestedAt);
        Assert.Null(job.NextPollAt);
        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await h.Get<BatchPollJob>().RunAsync(Token));
        // The workload re-batches failed work: both requests wait for the next batch.
        Assert.All(await h.RequestsAsync(), r => Assert.Equal(Domain.Requests.RequestStatus.Queued, r.Status));
    }
}
