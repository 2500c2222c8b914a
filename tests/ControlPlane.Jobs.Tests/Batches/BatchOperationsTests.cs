using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Tests.Batches;

public sealed class BatchOperationsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static BatchOperations Operations(BatchHarness h) => new(
        h.Get<IDbContextFactory<Domain.Persistence.ControlPlaneDbContext>>(), h.Get<IProviderRegistry>(), h.Get<BatchPromotion>(),
        h.Queue, h.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<BatchOperations>.Instance);

    [Fact]
    public async Task Cancel_InFlightJob_CancelsAtTheProvider_AndItsUnfinishedRequestsAreCancelledOnIngestion()
    {
        await using var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider());
        var jobId = await h.SubmittedJobAsync(3);
        var ids = (await h.RequestsAsync()).Select(r => r.Id).ToList();

        var result = await Operations(h).CancelAsync(jobId, "operator", "wrong prompt template", Token);

        Assert.True(result.Succeeded);
        Assert.True(h.Scripted!.Single().CancelRequested);
        Assert.Equal(BatchJobStatus.Cancelling, (await h.JobAsync(jobId)).Status);

        await h.FinishAsync(jobId, ProviderBatchState.Cancelled, b => b.Results.Add(ScriptedBatchProvider.Success(ids[0])));
        await h.Get<BatchIngestJob>().RunAsync(jobId, Token);

        Assert.Equal([RequestStatus.Succeeded, RequestStatus.Cancelled, RequestStatus.Cancelled], (await h.RequestsAsync()).Select(r => r.Status));
        await using var db = h.Db();
        var audit = Assert.Single(await db.AuditEntries.AsNoTracking().ToListAsync(Token));
        Assert.Equal(("operator", "batch.cancel", "wrong prompt template"), (audit.Actor, audit.Action, audit.Reason));
    }

    [Fact]
    public async Task RetryFailed_QueuesEachFailedRequestOnceAsANewRequest()
    {
        await using var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider(),
            policy: new PromotionPolicy(false, TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), BatchFailurePolicy.Fail));
        var jobId = await h.SubmittedJobAsync(3);
        var ids = (await h.RequestsAsync()).Select(r => r.Id).ToList();
        await h.FinishAsync(jobId, ProviderBatchState.Completed, b =>
        {
            b.Results.Add(ScriptedBatchProvider.Success(ids[0]));
            b.Results.Add(ScriptedBatchProvider.Error(ids[1], ProviderErrorClass.ServerError));
            b.Results.Add(ScriptedBatchProvider.Error(ids[2], ProviderErrorClass.InvalidRequest));
        });
        await h.Get<BatchIngestJob>().RunAsync(jobId, Token);

        var first = await Operations(h).RetryFailedAsync(jobId, "operator", "provider incident is over", Token);
        var second = await Operations(h).RetryFailedAsync(jobId, "operator", "clicked twice", Token);

        Assert.True(first.Succeeded);
        Assert.False(second.Succeeded);
        var requests = await h.RequestsAsync();
        Assert.Equal(5, requests.Count);
        var retries = requests.Where(r => r.MetadataJson?.Contains("retryOf") == true).ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Equal((RequestStatus.Queued, (Guid?)null), (r.Status, r.BatchJobId)));
        Assert.Equal(RequestStatus.Failed, requests.Single(r => r.Id == ids[1]).Status);
    }
}
